// The access policy's part of the pipeline without the central servers: load, compile,
// the expired-rule warnings. policy-hook.ts adds the central servers (VPN gateway, RADIUS,
// PBX), which bring the directory client, the kit builder and their libraries into the
// process; a render limited to sites never renders them, so it starts without them.
import { existsSync } from 'node:fs';
import type { PipelineOptions } from '../core/pipeline.js';
import { compilePolicy, loadPolicy, policyFileFor, today, type AccessPolicy } from '../core/policy/index.js';
import type { Artefact } from '../core/render/index.js';
import type { SitePlan } from '../core/plan/index.js';
import { warning } from '../core/diagnostics.js';
import type { Inventory } from '../core/inventory/index.js';

/** Renders the central servers from the loaded policy, its role pools and every planned site. */
export type CentralServers = (inv: Inventory, policy: AccessPolicy, pools: ReadonlyMap<string, string>, sites: readonly SitePlan[]) => Artefact[];

/** The policy beside the inventory as the pipeline's rules hook; central servers only when given. */
export function policyRulesWith(inventoryDir: string, file = policyFileFor(inventoryDir), central?: CentralServers): PipelineOptions['rules'] {
  if (!existsSync(file)) return undefined;
  return (inv) => {
    const loaded = loadPolicy(file, inv);
    if (!loaded.ok) return { diagnostics: loaded.diagnostics };
    const compiled = compilePolicy(inv, loaded.value, today());
    const expired = compiled.expired.map((r) =>
      warning('expired-rule', `rule ${r.id} expired on ${r.expires} and is left out of every config`, { ...r.source, path: 'expires' }),
    );
    const diagnostics = [...loaded.diagnostics, ...compiled.diagnostics, ...expired];
    if (!central) return { compiler: compiled.compiler, diagnostics };
    return { compiler: compiled.compiler, diagnostics, central: (sites: readonly SitePlan[]) => central(inv, loaded.value, compiled.pools, sites) };
  };
}
