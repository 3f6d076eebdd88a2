// `policy diff`: the flows a policy change opens or closes, found by deciding both
// compiled policies over the same flow space, so a reordering or a port edit shows up
// as the traffic it changes and a cosmetic edit shows nothing.
import type { Inventory } from '../inventory/index.js';
import type { Enforcement } from './check.js';
import { decider, endpointText, forEachFlow, portText, portUniverse, type Flow } from './flows.js';
import type { AccessPolicy } from './model.js';

export interface FlowChange extends Flow {
  /** The rule deciding before and after (`default deny` when none), per hop. */
  readonly before: string;
  readonly after: string;
}

export interface PolicyDiff {
  readonly opened: readonly FlowChange[];
  readonly closed: readonly FlowChange[];
  /** Flows compared. */
  readonly flows: number;
}

const decidedBy = (a: ReturnType<ReturnType<typeof decider>>): string =>
  a.hops.map((h) => `${h.at}: ${h.rule ? h.rule.origin?.rule ?? h.rule.id : 'default deny'}`).join(', ') || 'no hop';

export function diffPolicies(inv: Inventory, old: { policy: AccessPolicy; enf: Enforcement }, neu: { policy: AccessPolicy; enf: Enforcement }): PolicyDiff {
  const ports = portUniverse(inv, [old.policy, neu.policy]);
  const roles = [...new Set([...old.policy.roles, ...neu.policy.roles].map((r) => r.name))].filter(
    (r) => old.enf.pools.has(r) && neu.enf.pools.has(r),
  );
  const a = decider(old.enf);
  const b = decider(neu.enf);
  const opened: FlowChange[] = [];
  const closed: FlowChange[] = [];
  let flows = 0;
  forEachFlow(inv, neu.enf.sites, roles, ports, (site, from, to, port) => {
    flows++;
    const x = a(from, to, port, site);
    const y = b(from, to, port, site);
    if (x.allowed === y.allowed) return;
    const change: FlowChange = { site: site ?? '*', from: endpointText(from), to: endpointText(to), port: portText(port), before: decidedBy(x), after: decidedBy(y) };
    (y.allowed ? opened : closed).push(change);
  });
  // Roles present in only one policy: every flow of the vanished role closes, of the new one opens.
  for (const [pol, other, list, enf] of [
    [old.policy, neu.policy, closed, old.enf],
    [neu.policy, old.policy, opened, neu.enf],
  ] as const) {
    const only = pol.roles.map((r) => r.name).filter((r) => !other.roles.some((o) => o.name === r) && enf.pools.has(r));
    if (!only.length) continue;
    const d = decider(enf);
    forEachFlow(inv, enf.sites, only, ports, (site, from, to, port) => {
      if (from.kind !== 'role') return;
      flows++;
      const v = d(from, to, port, site);
      if (v.allowed) list.push({ site: site ?? '*', from: endpointText(from), to: endpointText(to), port: portText(port), before: list === opened ? 'no such role' : decidedBy(v), after: list === opened ? decidedBy(v) : 'no such role' });
    });
  }
  return { opened, closed, flows };
}
