// Gathers what the audit reads into one value, once: the plan with the access policy
// compiled in, and the running configs parsed by their platform's reader. Pure; the CLI
// does the reading of devices and of the directory.
import type { Diagnostic } from '../diagnostics.js';
import type { DriftResult } from '../deliver/index.js';
import type { AccountSnapshot } from '../directory/index.js';
import type { Inventory } from '../inventory/index.js';
import type { People } from '../people/index.js';
import type { DeviceIntent, SitePlan } from '../plan/index.js';
import { enforcement, type AccessPolicy } from '../policy/index.js';
import { targetFor, type RuleOrigin, type SeenDevice } from '../render/index.js';
import { enforcedFirewall } from './seen.js';
import type { AuditInputs, RunningDevice } from './model.js';

export interface GatherOptions {
  readonly inventory: Inventory;
  readonly policy: AccessPolicy;
  readonly date: string;
  /** Only these sites' devices (every site when omitted). */
  readonly sites?: readonly string[];
  readonly people?: People;
  readonly accounts?: readonly AccountSnapshot[];
  readonly drift?: readonly DriftResult[];
}

/** The audit's inputs, and the plan's diagnostics: an inventory the planner refuses is not audited. */
export function gatherInputs(o: GatherOptions): AuditInputs & { readonly diagnostics: readonly Diagnostic[] } {
  const enf = enforcement(o.inventory, o.policy, o.date);
  const sites = o.sites ? enf.sites.filter((s) => o.sites!.includes(s.code)) : enf.sites;
  return {
    date: o.date,
    inventory: o.inventory,
    policy: o.policy,
    enforcement: enf,
    sites,
    ...(o.people ? { people: o.people } : {}),
    ...(o.accounts ? { accounts: o.accounts } : {}),
    ...(o.drift ? { running: runningDevices(o.drift, sites, o.policy) } : {}),
    diagnostics: enf.diagnostics,
  };
}

/** Each device's running config read back into its intent shape by its platform's reader. */
export function runningDevices(drift: readonly DriftResult[], sites: readonly SitePlan[], policy: AccessPolicy): RunningDevice[] {
  const intents = new Map<string, DeviceIntent>(sites.flatMap((s) => s.devices.map((d) => [d.hostname, d] as const)));
  const rules = new Map(policy.rules.map((r) => [r.id, r.source]));
  const origin: RuleOrigin = (id) => {
    const at = rules.get(id);
    return at ? { ...at, rule: id } : undefined;
  };
  return drift.map((d) => {
    const intended = intents.get(d.device);
    // The reader gets the device's text alone; the plan is set beside what it saw afterwards.
    const read = intended ? targetFor(intended.kind, intended.platform)?.readRunning : undefined;
    const text = d.running?.map((f) => f.content).join('\n');
    const seen = read && text !== undefined ? (read as (t: string) => SeenDevice)(text) : undefined;
    const enforced = intended?.kind === 'firewall' && seen?.kind === 'firewall' ? enforcedFirewall(intended, seen, origin) : undefined;
    return { hostname: d.device, site: d.site, platform: d.platform, state: d.state, detail: d.detail, diff: d.diff, ...(intended ? { intended } : {}), ...(seen ? { seen } : {}), ...(enforced ? { enforced } : {}) };
  });
}
