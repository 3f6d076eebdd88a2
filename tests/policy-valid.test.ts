// A firewall team hands outpost a policy of thousands of rules: each rule is checked by
// hand first (core/policy/valid.ts) and the schema runs only when something is wrong.
// Property: on rules where each field is mostly valid and sometimes not, the hand check
// accepts exactly what the schema accepts and gives the very value the schema outputs
// (defaults, field order), so valid policies load as before and every message about a
// wrong one is still the schema's.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../core/inventory/index.js';
import { loadPolicy } from '../core/policy/index.js';
import { policySchema } from '../core/policy/load.js';
import { validRule } from '../core/policy/valid.js';
import { aclPolicyText } from '../scripts/bench/acl-shape.js';
import { exampleInventory } from './support/inventory.js';

const ruleSchema = policySchema.shape.rules.element;
const work = mkdtempSync(join(tmpdir(), 'outpost-policy-valid-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the hand check of policy rules', () => {
  it('accepts a rule exactly when the schema does, and gives the value the schema outputs', () => {
    const field = (valid: unknown[], invalid: unknown[]) =>
      fc.oneof({ arbitrary: fc.constantFrom(...valid), weight: 8 }, { arbitrary: fc.constantFrom(...invalid), weight: 1 });
    const list = (valid: unknown[], invalid: unknown[]) => fc.oneof({ arbitrary: fc.array(field(valid, invalid), { maxLength: 3 }), weight: 8 }, { arbitrary: fc.constantFrom(null, 'any', {}), weight: 1 });
    const endpoints = ['any', 'role:tracing-agent', 'zone:staff', 'service:dns', 'net:10.0.0.0/8', 'net:192.168.1.7/32'];
    const badEndpoints = ['Any', 'role:', 'host:x', 'net:10.0.0.0', 'net:1.2.3.4/123', 'zone:Staff', 42];
    const raw = fc.record(
      {
        id: field(['acl-1', 'dns', 'a'], ['Acl', '', '1abc', 'x'.repeat(32), 7]),
        action: field(['allow', 'deny'], ['permit', 'Allow', null]),
        from: list(endpoints, badEndpoints),
        to: list(endpoints, badEndpoints),
        ports: list(['443/tcp', '10000-20000/udp', 'icmp', '99999/tcp'], ['443', 'icmp/tcp', '1-2-3/udp', 443]),
        at: list(['vac-esch', 'care'], ['Vac', '', 3]),
        owner: field(['partner team', 'Équipe réseau (NOC)'], ['', 'a;b', 'x\ny', 'x'.repeat(81)]),
        reason: field(['Partner network 1 reaches its host'], ['quote"d', null]),
        expires: field(['2027-12-31', '2024-02-29'], ['2021-02-30', '31/12/2027', 20271231]),
        color: fc.constantFrom('red'),
      },
      { requiredKeys: ['id', 'action', 'from', 'to', 'owner', 'reason'] },
    );
    let valid = 0;
    fc.assert(
      fc.property(raw, fc.nat(9), (r, dice) => {
        const input: Record<string, unknown> = { ...r };
        // An unknown field now and then.
        if (dice !== 0) delete input.color;
        const schema = ruleSchema.safeParse(input);
        const quick = validRule(input);
        if (schema.success) {
          valid++;
          expect(quick).toStrictEqual(schema.data);
          expect(JSON.stringify(quick)).toBe(JSON.stringify(schema.data));
        } else expect(quick).toBeUndefined();
      }),
      { numRuns: 4000 },
    );
    // Both sides were exercised.
    expect(valid).toBeGreaterThan(200);
    expect(valid).toBeLessThan(3800);
  });

  it('still reports a wrong rule among 2,000 valid ones in the schema words, with file:line:col', () => {
    const inv = loadInventory(exampleInventory);
    if (!inv.ok) throw new Error('example inventory must load');
    const good = aclPolicyText({ rules: 2000, block: '10.64.16.0/20', roles: 'roles:\n  - name: tracing-agent\n    description: Tracing\n    pool: 24\n' });
    const file = join(work, 'access.yaml');
    writeFileSync(file, good.replace('    ports: [21234/tcp]\n', '    ports: [21234/tcpx]\n'));
    const r = loadPolicy(file, inv.value);
    expect(r.ok).toBe(false);
    const lines = good.split('\n');
    const line = lines.indexOf('    ports: [21234/tcp]') + 1;
    expect(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.path} ${d.message}`)).toEqual([`${line}:13 rules[1234].ports[0] expected a port such as 443/tcp, 10000-20000/udp or icmp`]);
  });
});
