// Everything identity commands start from: the inventory, the policy's role names and
// the people files, loaded and validated together (all diagnostics at once).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { error, fail, ok, type Diagnostic, type Result } from '../diagnostics.js';
import { loadInventory, parseYaml, type Inventory } from '../inventory/index.js';
import { loadPeople, peopleDir } from './files.js';
import type { People } from './model.js';

export interface IdentityContext {
  readonly inventory: Inventory;
  readonly roles: readonly string[];
  readonly people: People;
  readonly policyFile: string;
}

/** The access policy beside the inventory: <inventory>/../policies/access.yaml. */
export function defaultPolicyFile(inventoryDir: string): string {
  return join(dirname(resolve(inventoryDir)), 'policies', 'access.yaml');
}

/**
 * Role names of the access policy. Reads only the names under `roles:` (a list of
 * `{name: ...}` or a map keyed by name); the policy stage owns the rest of the file.
 */
export function readRoleNames(file: string): Result<string[]> {
  if (!existsSync(file)) return fail([error('no-policy', `no access policy at ${file}: roles come from its roles: list (pass --policy FILE)`, { file, line: 1, col: 1 })]);
  const { source, diagnostics } = parseYaml(file, readFileSync(file, 'utf8'));
  if (!source) return fail(diagnostics);
  const roles = (source.data as { roles?: unknown } | null)?.roles;
  let names: unknown[] = [];
  if (Array.isArray(roles)) names = roles.map((r) => (r && typeof r === 'object' ? (r as { name?: unknown }).name : r));
  else if (roles && typeof roles === 'object') names = Object.keys(roles);
  const bad = names.filter((n) => typeof n !== 'string' || !/^[a-z][a-z0-9-]{0,30}$/.test(n));
  if (!names.length || bad.length) {
    return fail([error('invalid-value', 'expected roles: a list of roles with a name each', { ...source.locate(['roles']), path: 'roles' })]);
  }
  return ok([...new Set(names as string[])]);
}

export function loadIdentity(inventoryDir: string, policyFile = defaultPolicyFile(inventoryDir), roleNames = readRoleNames): Result<IdentityContext> {
  const diagnostics: Diagnostic[] = [];
  const inv = loadInventory(inventoryDir);
  diagnostics.push(...inv.diagnostics);
  const roles = roleNames(policyFile);
  diagnostics.push(...roles.diagnostics);
  if (!inv.ok || !roles.ok) return fail(diagnostics);
  const people = loadPeople(peopleDir(inventoryDir), { roles: new Set(roles.value), sites: new Set(inv.value.sites.map((s) => s.code)) });
  diagnostics.push(...people.diagnostics);
  if (!people.ok) return fail(diagnostics);
  return ok({ inventory: inv.value, roles: roles.value, people: people.value, policyFile }, diagnostics);
}
