// Where the access policy joins the pipeline: firewall rules come from
// policies/access.yaml beside the inventory (when it exists).
import { existsSync } from 'node:fs';
import type { PipelineOptions } from '../core/pipeline.js';
import { compileGateway, compilePolicy, loadPolicy, policyFileFor, today } from '../core/policy/index.js';
import { policyRulesWith } from './policy-rules.js';
import { centralArtefacts, renderGateways, type Artefact } from '../core/render/index.js';
// The pieces render needs, from their own modules: the stages' index files also export
// their network drivers (ldapts, the kit's QR codes...), which a render has no use for and
// which took a tenth of a second to load in every `outpost render`.
import { radiusIntent } from '../core/radius/intent.js';
import { renderRadius } from '../core/radius/render.js';
import { pbxIntent } from '../core/pbx/model.js';
import { renderPbx } from '../core/pbx/render.js';
import { baseFromDomain } from '../core/directory/layout.js';
import type { AccessPolicy } from '../core/policy/index.js';
import type { SitePlan } from '../core/plan/index.js';
import { planGateways } from '../core/vpn/plan.js';
import { poolFindings } from '../core/vpn/checks.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { Inventory } from '../core/inventory/index.js';
import { knownNames } from '../core/people/context.js';
import { loadPeople, peopleDir } from '../core/people/files.js';

/** The policy beside the inventory as the pipeline's rules hook, the central servers included. */
export function policyRules(inventoryDir: string, file = policyFileFor(inventoryDir)): PipelineOptions['rules'] {
  return policyRulesWith(inventoryDir, file, centralServers);
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

/**
 * The central servers every site and agent depends on, rendered beside the sites: the VPN
 * gateways, the RADIUS server (secrets as placeholders, filled in where it is deployed)
 * and the PBX. They check logins against the state directory (the ldap service).
 */
function centralServers(inv: Inventory, policy: AccessPolicy, pools: ReadonlyMap<string, string>, sites: readonly SitePlan[]): Artefact[] {
  const out: Artefact[] = renderGateways(planGateways(inv, { pools, gateway: compileGateway(inv, policy, sites, today()) }));
  const ldap = inv.org.services.find((s) => s.name === 'ldap');
  const base = baseFromDomain(inv.org.domain);
  if (ldap) {
    const port = ldap.ports[0]?.from ?? 636;
    const radius = radiusIntent(inv, policy, sites, { url: `${port === 389 ? 'ldap' : 'ldaps'}://${ldap.addresses[0]!.split('/')[0]}:${port}`, base, bindDN: `cn=admin,${base}` });
    if (radius.ok) out.push(...centralArtefacts('radius', 'freeradius', 'radius', renderRadius(radius.value)));
  }
  const pbx = pbxIntent(inv);
  if (pbx.ok) out.push(...centralArtefacts('pbx', 'kamailio', 'pbx', renderPbx(pbx.value)));
  return out;
}
