// Loads policies/access.yaml against the inventory: every role, zone, service and site
// a rule or test names must exist, every port must parse; errors carry file:line.
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { dateField } from '../people/fields.js';
import { error, fail, hasErrors, ok, type Diagnostic, type Result } from '../diagnostics.js';
import { LIMITS, readInput } from '../input.js';
import { field, JITLESS, parseFile, parsePortSpec, type Inventory, type PortRange } from '../inventory/index.js';
import type { AccessPolicy, AccessRule, Endpoint, PolicyTest, Role } from './model.js';
import { ENDPOINT, PORT, validRules } from './valid.js';

const endpoint = z.string().regex(ENDPOINT, { error: 'expected any, role:<name>, zone:<name>, service:<name> or net:<cidr>' });
const port = z.string().regex(PORT, { error: 'expected a port such as 443/tcp, 10000-20000/udp or icmp' });
// A real calendar day: 2021-02-30 or 2021-13-45 would otherwise never expire, or expire at once.
const date = dateField;

const roles = z
  .array(z.strictObject({ name: field('name'), description: field('text'), pool: z.number().int().min(16).max(30), zone: field('name').optional() }))
  .min(1);
const rules = z
  .array(
    z.strictObject({
      id: field('name'),
      action: z.enum(['allow', 'deny']),
      from: z.array(endpoint).min(1),
      to: z.array(endpoint).min(1),
      ports: z.array(port).default([]),
      at: z.array(field('name')).default([]),
      owner: field('text'),
      reason: field('text'),
      expires: date.optional(),
    }),
  )
  .max(LIMITS.policyEntries, { error: `at most ${LIMITS.policyEntries} rules (see docs/limits.md)` });
const tests = z
  .array(
    z.strictObject({
      name: field('text'),
      from: endpoint,
      to: endpoint,
      port: port.optional(),
      site: field('name').optional(),
      expect: z.enum(['allow', 'deny']),
    }),
  )
  .max(LIMITS.policyEntries, { error: `at most ${LIMITS.policyEntries} tests (see docs/limits.md)` })
  .default([]);
/** The schema of policies/access.yaml (the diagnostics' wording is its own). */
export const policySchema = z.strictObject({ roles, rules, tests });
const schema = policySchema;
type PolicyFile = z.infer<typeof schema>;

const FILE_KEYS = new Set(['roles', 'rules', 'tests']);

/** The file as the schema outputs it when every part is valid, the rules checked by hand (valid.ts). */
function validFile(data: unknown): PolicyFile | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const d = data as Record<string, unknown>;
  if (Object.keys(d).some((k) => !FILE_KEYS.has(k))) return undefined;
  const r = roles.safeParse(d.roles, JITLESS);
  const list = validRules(d.rules, LIMITS.policyEntries);
  const t = tests.safeParse(d.tests, JITLESS);
  return r.success && list && t.success ? { roles: r.data, rules: list, tests: t.data } : undefined;
}

// The schema as parseFile takes it, with the by-hand check first: the schema itself runs
// only on a file that has something wrong, and its issues are the diagnostics.
const policyFile: typeof schema = Object.create(schema, {
  safeParse: { value: (data: unknown) => { const v = validFile(data); return v ? { success: true, data: v } : schema.safeParse(data); } },
});

export function parseEndpoint(s: string): Endpoint {
  if (s === 'any') return { kind: 'any' };
  const colon = s.indexOf(':');
  const kind = colon < 0 ? s : s.slice(0, colon);
  const name = (colon < 0 ? undefined : s.slice(colon + 1)) as string;
  if (kind === 'net') return { kind: 'net', cidr: name };
  return { kind: kind as 'role' | 'zone' | 'service', name };
}

const siteKinds = ['crisis-cell', 'care', 'consultation', 'tracing', 'vaccination'];

export function loadPolicy(file: string, inv: Inventory): Result<AccessPolicy> {
  const diagnostics: Diagnostic[] = [];
  if (!existsSync(file)) return fail([error('no-policy', `no access policy at ${file}`, { file, line: 1, col: 1 })]);
  const text = readInput(file, 'yaml', diagnostics);
  const parsed = text === undefined ? undefined : parseFile(file, text, policyFile, diagnostics);
  if (!parsed) return fail(diagnostics);
  const { source, value } = parsed;
  const roles = new Set(value.roles.map((r) => r.name));
  const zones = new Set(inv.org.zones.map((z) => z.name));
  const services = new Map(inv.org.services.map((s) => [s.name, s]));
  const sites = new Set(inv.sites.map((s) => s.code));
  const known = (e: Endpoint, path: (string | number)[]) => {
    const bad =
      (e.kind === 'role' && !roles.has(e.name) && 'role') ||
      (e.kind === 'zone' && !zones.has(e.name) && 'zone') ||
      (e.kind === 'service' && !services.has(e.name) && 'service');
    if (bad) diagnostics.push(error(`unknown-${bad}`, `unknown ${bad} ${(e as { name: string }).name}`, { ...source.locate(path), path: path.join('.') }));
  };
  const seenIds = new Set<string>();
  const rules: AccessRule[] = value.rules.map((r, i) => {
    if (seenIds.has(r.id)) diagnostics.push(error('duplicate-rule', `duplicate rule id ${r.id}`, { ...source.locate(['rules', i, 'id']), path: `rules[${i}].id` }));
    seenIds.add(r.id);
    const from = r.from.map(parseEndpoint);
    const to = r.to.map(parseEndpoint);
    from.forEach((e, j) => {
      known(e, ['rules', i, 'from', j]);
      if (e.kind === 'service') diagnostics.push(error('invalid-value', 'a service is a destination, not a source', { ...source.locate(['rules', i, 'from', j]), path: `rules[${i}].from[${j}]` }));
    });
    to.forEach((e, j) => {
      known(e, ['rules', i, 'to', j]);
      if (e.kind === 'role') diagnostics.push(error('invalid-value', 'a role is a source, not a destination', { ...source.locate(['rules', i, 'to', j]), path: `rules[${i}].to[${j}]` }));
    });
    r.at.forEach((a, j) => {
      if (!siteKinds.includes(a) && !sites.has(a)) diagnostics.push(error('unknown-site', `at: ${a} is neither a site kind nor a site code`, { ...source.locate(['rules', i, 'at', j]), path: `rules[${i}].at[${j}]` }));
    });
    const ports: PortRange[] = [];
    r.ports.forEach((p, j) => {
      if (p === 'icmp') return;
      const pr = parsePortSpec(p);
      if (pr.from < 1 || pr.to > 65535 || pr.from > pr.to) diagnostics.push(error('invalid-value', `bad port ${p}: ports run from 1 to 65535, low to high`, { ...source.locate(['rules', i, 'ports', j]), path: `rules[${i}].ports[${j}]` }));
      ports.push(pr);
    });
    return {
      id: r.id,
      action: r.action,
      from,
      to,
      ports,
      icmp: r.ports.includes('icmp'),
      at: r.at,
      owner: r.owner,
      reason: r.reason,
      ...(r.expires ? { expires: r.expires } : {}),
      source: source.locate(['rules', i]),
    };
  });
  const tests: PolicyTest[] = value.tests.map((t, i) => {
    const from = parseEndpoint(t.from);
    const to = parseEndpoint(t.to);
    known(from, ['tests', i, 'from']);
    known(to, ['tests', i, 'to']);
    if (t.site && !sites.has(t.site)) diagnostics.push(error('unknown-site', `unknown site ${t.site}`, { ...source.locate(['tests', i, 'site']), path: `tests[${i}].site` }));
    if ((from.kind === 'zone' || to.kind === 'zone') && !t.site) {
      diagnostics.push(error('missing-site', 'a test from or to a zone names the site it runs at (site: CODE)', { ...source.locate(['tests', i]), path: `tests[${i}]` }));
    }
    const p = t.port === 'icmp' ? ('icmp' as const) : t.port ? parsePortSpec(t.port) : undefined;
    return { name: t.name, from, to, ...(p ? { port: p } : {}), ...(t.site ? { site: t.site } : {}), expect: t.expect, source: source.locate(['tests', i]) };
  });
  value.roles.forEach((r, i) => {
    if (r.zone !== undefined && !zones.has(r.zone)) {
      diagnostics.push(error('unknown-zone', `unknown zone ${r.zone}: zones are ${[...zones].join(', ')}`, { ...source.locate(['roles', i, 'zone']), path: `roles[${i}].zone` }));
    }
  });
  const roleList: Role[] = value.roles.map((r, i) => ({ ...r, source: source.locate(['roles', i]) }));
  if (hasErrors(diagnostics)) return fail(diagnostics);
  return ok(freezePolicy({ file, roles: roleList, rules, tests }), diagnostics);
}

/**
 * Every later stage shares the policy, so it is frozen against one of them writing into
 * it: the policy, its lists, each role, rule and test. Not deeper: a rule's own lists and
 * endpoints are readonly by type, and freezing them all (8 objects per rule) took 25 ms of
 * a fresh `render` at 2,000 rules, more than building them.
 */
function freezePolicy(p: AccessPolicy): AccessPolicy {
  for (const list of [p.roles, p.rules, p.tests]) {
    for (let i = 0; i < list.length; i++) Object.freeze(list[i]);
    Object.freeze(list);
  }
  return Object.freeze(p);
}
