// `policy test --coverage`: is every rule pinned by an embedded test? Each live rule is
// mutated in turn (allow <-> deny, one port dropped, one source dropped), the policy is
// compiled again and the embedded tests rerun; a mutation no test's verdict changes for
// survives, and is listed with the rule's file:line. Only firewall rule lists are
// recompiled per mutation: addresses, ports and device intents do not depend on rules.
import type { SourceLocation } from '../diagnostics.js';
import type { Inventory } from '../inventory/index.js';
import { planInventory, type FirewallIntent, type SitePlan } from '../plan/index.js';
import { runTests, type Enforcement } from './check.js';
import { compileGateway, compilePolicy, isExpired } from './compile.js';
import { indexSets } from './evaluate.js';
import { endpointText, portText } from './flows.js';
import type { AccessPolicy, AccessRule } from './model.js';

export interface Mutation {
  readonly rule: string;
  readonly source: SourceLocation;
  readonly kind: 'flip' | 'drop-port' | 'drop-source';
  /** What changed, in the policy's words: `allow -> deny`, `drop port 631/tcp`, `drop source zone:voice`. */
  readonly change: string;
  /** Names of the tests whose verdict the mutation changes; empty when it survives. */
  readonly noticedBy: readonly string[];
}

export interface CoverageReport {
  readonly mutations: readonly Mutation[];
  readonly killed: number;
  readonly total: number;
  /** Killed mutations in percent of all, rounded down to one decimal. */
  readonly percent: number;
  /** Rules left out: expired ones compile to nothing, so no test can notice them. */
  readonly skipped: readonly { readonly rule: string; readonly reason: string }[];
}

/** The mutations of one rule, in a fixed order. */
export function mutationsOf(r: AccessRule): { kind: Mutation['kind']; change: string; rule: AccessRule }[] {
  const out: { kind: Mutation['kind']; change: string; rule: AccessRule }[] = [];
  const flipped = r.action === 'allow' ? 'deny' : 'allow';
  out.push({ kind: 'flip', change: `${r.action} -> ${flipped}`, rule: { ...r, action: flipped } });
  // Dropping the only port would mean "every port": a different rule, not a smaller one.
  if (r.ports.length + (r.icmp ? 1 : 0) > 1) {
    r.ports.forEach((p, i) => out.push({ kind: 'drop-port', change: `drop port ${portText(p)}`, rule: { ...r, ports: r.ports.filter((_, j) => j !== i) } }));
    if (r.icmp) out.push({ kind: 'drop-port', change: 'drop port icmp', rule: { ...r, icmp: false } });
  }
  if (r.from.length > 1) r.from.forEach((e, i) => out.push({ kind: 'drop-source', change: `drop source ${endpointText(e)}`, rule: { ...r, from: r.from.filter((_, j) => j !== i) } }));
  return out;
}

export function mutationCoverage(inv: Inventory, policy: AccessPolicy, date: string): CoverageReport {
  const compiled = compilePolicy(inv, policy, date);
  const plan = planInventory(inv, { rules: compiled.compiler });
  const pools = compiled.pools;
  const enforce = (p: AccessPolicy): Enforcement => {
    const c = compilePolicy(inv, p, date, pools);
    const sites: SitePlan[] = plan.sites.map((site) => ({
      ...site,
      devices: site.devices.map((d) => {
        if (d.kind !== 'firewall') return d;
        const r = c.compiler(site, d);
        return { ...(d as FirewallIntent), sets: r.sets, rules: r.rules };
      }),
    }));
    const gw = compileGateway(inv, p, sites, date, pools);
    return { inventory: inv, sites, pools, gateway: { rules: gw.rules, sets: indexSets(gw.sets), compiled: gw } };
  };
  const verdicts = (p: AccessPolicy) => runTests(enforce(p), p.tests).map((t) => t.answer.allowed);
  const baseline = verdicts(policy);
  const mutations: Mutation[] = [];
  const skipped: { rule: string; reason: string }[] = [];
  policy.rules.forEach((r, i) => {
    if (isExpired(r, date)) {
      skipped.push({ rule: r.id, reason: `expired on ${r.expires}: compiles to nothing` });
      return;
    }
    for (const m of mutationsOf(r)) {
      const mutated: AccessPolicy = { ...policy, rules: policy.rules.map((x, j) => (j === i ? m.rule : x)) };
      const after = verdicts(mutated);
      const noticedBy = policy.tests.filter((_, k) => after[k] !== baseline[k]).map((t) => t.name);
      mutations.push({ rule: r.id, source: { file: r.source.file, line: r.source.line, col: r.source.col }, kind: m.kind, change: m.change, noticedBy });
    }
  });
  const killed = mutations.filter((m) => m.noticedBy.length > 0).length;
  const total = mutations.length;
  return { mutations, killed, total, percent: total ? Math.floor((killed / total) * 1000) / 10 : 100, skipped };
}
