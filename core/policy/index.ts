// Public face of the access-policy stage: load, compile into site firewalls and the VPN
// gateway, and answer questions on the compiled result.
import { join, dirname } from 'node:path';
import type { Inventory } from '../inventory/index.js';
import { planInventory } from '../plan/index.js';
import { compileGateway, compilePolicy } from './compile.js';
import { indexSets } from './evaluate.js';
import type { Enforcement } from './check.js';
import type { AccessPolicy } from './model.js';

export * from './model.js';
export { loadPolicy, parseEndpoint } from './load.js';
export { compilePolicy, compileGateway, rolePools, isExpired, setName, type CompiledPolicy } from './compile.js';
export { evaluate, indexSets, type Packet, type Verdict } from './evaluate.js';
export { address, defaultPort, check, checkAddresses, fastChecker, locate, pathOf, type FastChecker, type FastHop, runTests, type Answer, type Enforcement, type Hop, type PathHop, type TestResult } from './check.js';
export { locator, whereText, type Locator, type Whereabouts } from './locate.js';

/** The access policy beside an inventory folder: <inventory>/../policies/access.yaml. */
export function policyFileFor(inventoryDir: string): string {
  // Relative stays relative, so messages read `policies/access.yaml:25`.
  return join(dirname(inventoryDir.replace(/\/+$/, '')), 'policies', 'access.yaml');
}

export const today = (): string => new Date().toISOString().slice(0, 10);

/** Plans every site with the policy compiled in, and the gateway's rules beside them. */
export function enforcement(inv: Inventory, policy: AccessPolicy, date: string): Enforcement & { readonly diagnostics: ReturnType<typeof planInventory>['diagnostics'] } {
  const compiled = compilePolicy(inv, policy, date);
  const plan = planInventory(inv, { rules: compiled.compiler });
  const gw = compileGateway(inv, policy, plan.sites, date, compiled.pools);
  return {
    inventory: inv,
    sites: plan.sites,
    pools: compiled.pools,
    gateway: { rules: gw.rules, sets: indexSets(gw.sets), compiled: gw },
    diagnostics: [...compiled.diagnostics, ...plan.diagnostics],
  };
}
export { lintPolicy, ruleLists, type LintFinding, type RuleList } from './lint.js';
export { covers, sideCovers, servicesCover, type CoverContext } from './cover.js';
export { decider, portUniverse, forEachFlow, portText, endpointText, type Decider, type Decision, type Flow, type Port } from './flows.js';
export { diffPolicies, type FlowChange, type PolicyDiff } from './diff.js';
export { accessMatrix, matrixHtml, type AccessMatrix, type MatrixCell, type MatrixRow } from './matrix.js';
export { fastList, PortBatch, type FastFlow, type FastList, type FastPacket, type PortQuery } from './fast.js';
export { mutationCoverage, mutationsOf, type CoverageReport, type Mutation } from './mutate.js';
