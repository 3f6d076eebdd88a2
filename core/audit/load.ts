// Loads policies/security.yaml: every control must be one outpost implements, every scope
// must name kinds, platforms, zones, roles and sites that exist, every waiver must name a
// control and carry an owner, a reason and an expiry. Errors carry file:line.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { dateField } from '../people/fields.js';
import { error, fail, hasErrors, ok, type Diagnostic, type Result } from '../diagnostics.js';
import { LIMITS, readInput } from '../input.js';
import { deepFreeze, field, parseFile, type Inventory } from '../inventory/index.js';
import type { AccessPolicy } from '../policy/index.js';
import { SEVERITIES, type ControlDef, type SecurityPolicy, type Waiver } from './model.js';

// A real calendar day: 2021-02-30 or 2021-13-45 would otherwise never expire, or expire at once.
const date = dateField;
const names = z.array(field('name')).default([]);
const prose = z.string().min(1).max(600).regex(/^[^\0\r]*$/, { error: 'expected text without control characters' });

const schema = z.strictObject({
  controls: z
    .array(
      z.strictObject({
        id: field('name'),
        title: prose.max(120),
        severity: z.enum(SEVERITIES),
        rationale: prose,
        fix: prose,
        scope: z
          .strictObject({
            kinds: z.array(z.enum(['switch', 'ap', 'firewall'])).default([]),
            platforms: names,
            zones: names,
            roles: names,
            sites: names,
          })
          .default({ kinds: [], platforms: [], zones: [], roles: [], sites: [] }),
        params: z.record(z.string(), z.unknown()).default({}),
      }),
    )
    .min(1),
  waivers: z
    .array(
      z.strictObject({
        control: field('name'),
        object: z.string().max(LIMITS.patternLength, { error: `a pattern of at most ${LIMITS.patternLength} characters` }).regex(/^[A-Za-z0-9_.:/*-]+$/, { error: 'expected an object id such as vac-esch-sw1:port/12, account/jdoe or rule/guest-dns (* matches anything)' }),
        owner: field('text'),
        reason: prose,
        expires: date,
      }),
    )
    .max(LIMITS.policyEntries, { error: `at most ${LIMITS.policyEntries} waivers (see docs/limits.md)` })
    .default([]),
});

/** policies/security.yaml beside an inventory folder, as access.yaml is. */
export function securityFileFor(inventoryDir: string): string {
  return join(dirname(inventoryDir.replace(/\/+$/, '')), 'policies', 'security.yaml');
}

export interface KnownControls {
  /** Control id -> parameters it accepts. */
  readonly params: ReadonlyMap<string, readonly string[]>;
}

export function loadSecurityPolicy(file: string, inv: Inventory, access: AccessPolicy, known: KnownControls): Result<SecurityPolicy> {
  const diagnostics: Diagnostic[] = [];
  if (!existsSync(file)) return fail([error('no-security-policy', `no security policy at ${file}`, { file, line: 1, col: 1 })]);
  const text = readInput(file, 'yaml', diagnostics);
  const parsed = text === undefined ? undefined : parseFile(file, text, schema, diagnostics);
  if (!parsed) return fail(diagnostics);
  const { source, value } = parsed;
  const at = (path: (string | number)[]) => ({ ...source.locate(path), path: path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('') });

  const exists: Record<string, ReadonlySet<string>> = {
    platforms: new Set(inv.sites.flatMap((s) => s.devices.map((d) => d.platform))),
    zones: new Set(inv.org.zones.map((z) => z.name)),
    roles: new Set(access.roles.map((r) => r.name)),
    sites: new Set(inv.sites.map((s) => s.code)),
  };
  const seen = new Set<string>();
  const controls: ControlDef[] = value.controls.map((c, i) => {
    const params = known.params.get(c.id);
    if (!params) diagnostics.push(error('unknown-control', `outpost has no control ${c.id} (known: ${[...known.params.keys()].join(', ')})`, at(['controls', i, 'id'])));
    if (seen.has(c.id)) diagnostics.push(error('duplicate-control', `control ${c.id} is defined twice`, at(['controls', i, 'id'])));
    seen.add(c.id);
    for (const key of ['platforms', 'zones', 'roles', 'sites'] as const) {
      c.scope[key].forEach((n, j) => {
        if (!exists[key]!.has(n)) diagnostics.push(error(`unknown-${key.replace(/s$/, '')}`, `scope names ${key.replace(/s$/, '')} ${n}, which the inventory and access policy do not define`, at(['controls', i, 'scope', key, j])));
      });
    }
    for (const p of Object.keys(c.params)) {
      if (params && !params.includes(p)) diagnostics.push(error('unknown-param', `control ${c.id} takes no parameter ${p}${params.length ? ` (takes: ${params.join(', ')})` : ''}`, at(['controls', i, 'params', p])));
    }
    return { ...c, source: source.locateKey(['controls', i]) };
  });
  const waivers: Waiver[] = value.waivers.map((w, i) => {
    if (!seen.has(w.control)) diagnostics.push(error('unknown-control', `waiver for control ${w.control}, which this policy does not define`, at(['waivers', i, 'control'])));
    return { ...w, source: source.locateKey(['waivers', i]) };
  });
  if (hasErrors(diagnostics)) return fail(diagnostics);
  return ok(deepFreeze({ file, controls, waivers }), diagnostics);
}
