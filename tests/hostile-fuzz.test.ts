// Hundreds of broken inventories, policies, people files and waivers, made by mutating the
// example one edit at a time (random bytes, cut lines, doubled lines, YAML and CSV
// tokens that confuse parsers, numbers out of range). Each goes through the same loaders
// and planner the commands use, in this process so hundreds fit in a minute: no exception
// may escape (a stack trace for the user), every error names its file and line, and each
// case ends in bounded time and memory. A few of them also go through the built CLI,
// which must exit 0, 1 or 2 without a stack trace and write nothing when it refuses.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleInventory, repoRoot } from './support/inventory.js';
import { run, snapshot, STACK } from './support/hostile.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { runPipeline } from '../core/pipeline.js';
import { policyRules } from '../cli/policy-hook.js';
import { loadInventory } from '../core/inventory/index.js';
import { loadPolicy } from '../core/policy/index.js';
import { loadPeople } from '../core/people/index.js';
import { knownControls, loadSecurityPolicy } from '../core/audit/index.js';

const root = mkdtempSync(join(tmpdir(), `hostile-fz-${process.pid}-`));
afterAll(() => rmSync(root, { recursive: true, force: true }));
cpSync(exampleInventory, join(root, 'inventory'), { recursive: true });
cpSync(join(repoRoot, 'policies'), join(root, 'policies'), { recursive: true });
const inv = join(root, 'inventory');

const TARGETS = [
  'inventory/org.yaml',
  'inventory/sites/vac-esch.yaml',
  'inventory/sites/trc-findel.yaml',
  'inventory/allocations.yaml',
  'policies/access.yaml',
  'policies/security.yaml',
  'inventory/people/vac-esch.csv',
  'inventory/people/trc-findel.csv',
] as const;
const original = new Map(TARGETS.map((t) => [t, readFileSync(join(root, t), 'utf8')]));

/** Tokens that have broken parsers and planners before, or could. */
const HOSTILE = [
  '*a', '&a [*a,*a,*a]', '<<: *x', '{', '}', '[', '- ', ': ', '"', "'", '\t', '\u0000', '\r', '#', ',', '""', '\ufeff',
  '10.0.0.0/40', '300.1.1.1', '10.64.0.0/33', '99999/tcp', '0/udp', '53Audp', 'http', '-1', '1e309', '4000', '0x10', '.nan',
  '!!binary', '!!js/function', '2021-02-30', '2021-13-45', 'null', '~', 'true', '%%OUTPOST_SECRET(x)%%', '../../etc/passwd',
  `${'*'.repeat(30)}Z`, 'role:', 'net:', 'zone:nowhere', '=cmd|calc', '\u202e', 'é', '💥',
];

type Mutation = { target: (typeof TARGETS)[number]; at: number; kind: 'insert' | 'replace' | 'delete' | 'dupline' | 'truncate'; text: string; len: number };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  target: fc.constantFrom(...TARGETS),
  at: fc.nat(),
  kind: fc.constantFrom('insert', 'replace', 'delete', 'dupline', 'truncate'),
  text: fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 })),
  len: fc.integer({ min: 1, max: 40 }),
});

function apply(m: Mutation): string {
  const text = original.get(m.target)!;
  const at = m.at % (text.length + 1);
  switch (m.kind) {
    case 'insert':
      return text.slice(0, at) + m.text + text.slice(at);
    case 'replace':
      return text.slice(0, at) + m.text + text.slice(at + m.len);
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.len);
    case 'truncate':
      return text.slice(0, at);
    case 'dupline': {
      const start = text.lastIndexOf('\n', at - 1) + 1;
      const end = text.indexOf('\n', at);
      const line = text.slice(start, end < 0 ? text.length : end + 1);
      return text.slice(0, start) + line + line.replace(/(\w+)/, `$1${m.text.replace(/\W/g, '')}`) + text.slice(start + line.length);
    }
  }
}

/** Every error says where: a file and a line (an error about the inventory as a whole names no file). */
function located(diags: readonly Diagnostic[]): string[] {
  return diags.filter((d) => d.severity === 'error' && (!d.file || !(d.line! >= 1))).map((d) => `${d.code}: ${d.message}`);
}

/** What a command would do with the files as they are now, checked for the promises above. */
function exercise(m: Mutation): void {
  if (m.target.startsWith('inventory/people/')) {
    const loaded = loadInventory(inv);
    const policy = loaded.ok ? loadPolicy(join(root, 'policies', 'access.yaml'), loaded.value) : undefined;
    if (!loaded.ok || !policy?.ok) throw new Error('the unmutated inventory and policy load');
    const people = loadPeople(join(inv, 'people'), { roles: new Set(policy.value.roles.map((r) => r.name)), sites: new Set(loaded.value.sites.map((s) => s.code)) });
    expect(located(people.diagnostics)).toEqual([]);
    return;
  }
  if (m.target === 'policies/security.yaml') {
    const loaded = loadInventory(inv);
    const policy = loaded.ok ? loadPolicy(join(root, 'policies', 'access.yaml'), loaded.value) : undefined;
    if (!loaded.ok || !policy?.ok) throw new Error('the unmutated inventory and policy load');
    const security = loadSecurityPolicy(join(root, 'policies', 'security.yaml'), loaded.value, policy.value, knownControls());
    expect(located(security.diagnostics)).toEqual([]);
    return;
  }
  const r = runPipeline({ inventoryDir: inv, render: false, rules: policyRules(inv) });
  expect(located(r.diagnostics)).toEqual([]);
}

const figures = { cases: 0, ms: 0, slowest: 0, heapMB: 0 };

describe('mutated inputs never crash, hang or go unlocated', () => {
  it('a few hundred mutations of inventories, policies, people files and waivers', async () => {
    const started = performance.now();
    const heap0 = process.memoryUsage().heapUsed;
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        // Let the test runner's own messages through between cases.
        await new Promise((r) => setImmediate(r));
        writeFileSync(join(root, m.target), apply(m));
        const t = performance.now();
        try {
          exercise(m);
        } finally {
          writeFileSync(join(root, m.target), original.get(m.target)!);
        }
        const ms = performance.now() - t;
        figures.slowest = Math.max(figures.slowest, ms);
        figures.cases++;
        // A case on a busy machine takes a fraction of a second; seconds would mean a blow-up.
        expect(ms).toBeLessThan(10_000);
      }),
      { numRuns: 300 },
    );
    figures.ms = performance.now() - started;
    figures.heapMB = Math.round((process.memoryUsage().heapUsed - heap0) / 1e6);
    process.stderr.write(`fuzz: ${figures.cases} cases in ${Math.round(figures.ms)} ms, slowest ${Math.round(figures.slowest)} ms, heap +${figures.heapMB} MB\n`);
    expect(figures.cases).toBe(300);
    expect(figures.heapMB).toBeLessThan(512);
  }, 180_000);

  it('a handful of them through the built CLI: exit 0, 1 or 2, no stack trace, nothing written on refusal', () => {
    const samples = fc.sample(mutation.filter((m) => m.kind !== 'dupline'), { numRuns: 8, seed: 1312 });
    for (const m of samples) {
      writeFileSync(join(root, m.target), apply(m));
      try {
        const before = snapshot(root);
        const r = run(['render', '-i', inv, '--out', join(root, 'out')], { timeoutMs: 30_000 });
        expect(r.timedOut, `${m.target} ${m.kind} ${JSON.stringify(m.text)}`).toBe(false);
        expect(r.stderr).not.toMatch(STACK);
        expect([0, 1, 2]).toContain(r.code);
        if (r.code !== 0) {
          expect(existsSync(join(root, 'out'))).toBe(false);
          expect(snapshot(root)).toEqual(before);
        }
      } finally {
        writeFileSync(join(root, m.target), original.get(m.target)!);
        rmSync(join(root, 'out'), { recursive: true, force: true });
      }
    }
  }, 120_000);
});
