// Where the access policy joins the pipeline: firewall rules come from
// policies/access.yaml beside the inventory (when it exists).
import { existsSync } from 'node:fs';
import type { PipelineOptions } from '../core/pipeline.js';
import { compileGateway, compilePolicy, loadPolicy, policyFileFor, today } from '../core/policy/index.js';
import { renderGateways } from '../core/render/index.js';
import { planGateways, poolFindings } from '../core/vpn/index.js';
import { warning, type Diagnostic } from '../core/diagnostics.js';
import type { Inventory } from '../core/inventory/index.js';
import { knownNames, loadPeople, peopleDir } from '../core/people/index.js';

export function policyRules(inventoryDir: string, file = policyFileFor(inventoryDir)): PipelineOptions['rules'] {
  if (!existsSync(file)) return undefined;
  return (inv) => {
    const loaded = loadPolicy(file, inv);
    if (!loaded.ok) return { diagnostics: loaded.diagnostics };
    const compiled = compilePolicy(inv, loaded.value, today());
    const expired = compiled.expired.map((r) =>
      warning('expired-rule', `rule ${r.id} expired on ${r.expires} and is left out of every config`, { ...r.source, path: 'expires' }),
    );
    const central = (sites: Parameters<typeof compileGateway>[2]) => renderGateways(planGateways(inv, { pools: compiled.pools, gateway: compileGateway(inv, loaded.value, sites, today()) }));
    return { compiler: compiled.compiler, diagnostics: [...loaded.diagnostics, ...expired], central };
  };
}

/**
 * The people files checked against the policy and the inventory (roles, sites, the zone
 * each person lands in on site). Only their own findings: the policy's are the rules
 * hook's. Nothing when there is no policy or no people folder.
 */
export function peopleFindings(inventoryDir: string, inv: Inventory, file = policyFileFor(inventoryDir)): readonly Diagnostic[] {
  if (!existsSync(file) || !existsSync(peopleDir(inventoryDir))) return [];
  const policy = loadPolicy(file, inv);
  if (!policy.ok) return [];
  const people = loadPeople(peopleDir(inventoryDir), knownNames(inv, policy.value));
  if (!people.ok) return people.diagnostics;
  const pools = compilePolicy(inv, policy.value, today()).pools;
  return [...people.diagnostics, ...poolFindings(inv, policy.value, pools, people.value.people)];
}
