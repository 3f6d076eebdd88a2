// Everything identity commands start from: the inventory, the access policy's roles and
// the people files, loaded and validated together (all diagnostics at once).
import { append, fail, ok, type Diagnostic, type Result } from '../diagnostics.js';
import { loadInventory, type Inventory } from '../inventory/index.js';
import { loadPolicy, policyFileFor, rolePools, type AccessPolicy } from '../policy/index.js';
import { loadPeople, peopleDir } from './files.js';
import type { KnownNames, People } from './model.js';

export interface IdentityContext {
  readonly inventory: Inventory;
  /** Role names of the access policy, in policy order. */
  readonly roles: readonly string[];
  /** Role -> the VPN address pool the gateway hands that role's agents. */
  readonly pools: ReadonlyMap<string, string>;
  readonly people: People;
  readonly policyFile: string;
  /** The access policy the roles come from, loaded once for every command that needs it. */
  readonly policy: AccessPolicy;
}

/** The access policy beside the inventory: <inventory>/../policies/access.yaml. */
export const defaultPolicyFile = policyFileFor;

export function loadIdentity(inventoryDir: string, policyFile = defaultPolicyFile(inventoryDir)): Result<IdentityContext> {
  const diagnostics: Diagnostic[] = [];
  const inv = loadInventory(inventoryDir);
  append(diagnostics, inv.diagnostics);
  if (!inv.ok) return fail(diagnostics);
  const policy = loadPolicy(policyFile, inv.value);
  append(diagnostics, policy.diagnostics);
  if (!policy.ok) return fail(diagnostics);
  const roles = policy.value.roles.map((r) => r.name);
  const people = loadPeople(peopleDir(inventoryDir), knownNames(inv.value, policy.value));
  append(diagnostics, people.diagnostics);
  if (!people.ok) return fail(diagnostics);
  return ok({ inventory: inv.value, roles, pools: rolePools(inv.value, policy.value), people: people.value, policyFile, policy: policy.value }, diagnostics);
}

/** What people are checked against: the policy's roles (and the zones they land in) and the inventory's sites. */
export function knownNames(inv: Inventory, policy: AccessPolicy): KnownNames {
  return {
    roles: new Set(policy.roles.map((r) => r.name)),
    sites: new Set(inv.sites.map((s) => s.code)),
    landing: {
      roles: policy.roles.map((r) => ({ name: r.name, ...(r.zone ? { zone: r.zone } : {}) })),
      siteZones: new Map(inv.sites.map((s) => [s.code, new Set(s.zones.map((z) => z.zone))])),
    },
  };
}
