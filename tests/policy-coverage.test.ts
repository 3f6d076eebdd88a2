// The security team wants every rule pinned by a test: `policy test --coverage` mutates
// each rule (allow <-> deny, one port dropped, one source dropped) and lists what no test
// notices. The example policy is fully pinned; flipping the rule that gives every zone
// DNS and time now fails a test; a policy missing tests is listed rule by rule, with the
// same report every run, and --min-coverage turns it into a failing exit.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../core/inventory/index.js';
import { enforcement, loadPolicy, mutationCoverage, mutationsOf, runTests, type AccessPolicy } from '../core/policy/index.js';
import { exampleInventory, outpost, repoRoot } from './support/inventory.js';

const DAY = '2026-11-24';
const inv = (() => {
  const r = loadInventory(exampleInventory);
  if (!r.ok) throw new Error('example inventory must load');
  return r.value;
})();
const nationalFile = join(repoRoot, 'policies', 'access.yaml');
const national = readFileSync(nationalFile, 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'opp-cover-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

function load(file: string): AccessPolicy {
  const r = loadPolicy(file, inv);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.value;
}

/** The national policy keeping only the tests whose name matches. */
const onlyTests = (keep: (line: string) => boolean) => national.split('\n').filter((l) => !l.startsWith('  - { name:') || keep(l)).join('\n');

describe('mutation coverage of the access policy', () => {
  it('notices every mutation of every live rule of the example policy', () => {
    const report = mutationCoverage(inv, load(nationalFile), DAY);
    expect(report.mutations.filter((m) => m.noticedBy.length === 0).map((m) => `${m.rule}: ${m.change}`)).toEqual([]);
    expect([report.killed, report.percent]).toEqual([report.total, 100]);
    expect(report.total).toBeGreaterThanOrEqual(40);
    expect(report.skipped.map((s) => s.rule)).toEqual(['guest-booking-pilot']);
  });

  it('fails a test when site-infrastructure is flipped to deny', () => {
    const f = write('flipped.yaml', national.replace(/(- id: site-infrastructure\n\s+action: )allow/, '$1deny'));
    const p = load(f);
    const failed = runTests(enforcement(inv, p, DAY), p.tests).filter((t) => !t.passed).map((t) => t.test.name);
    expect(failed).toContain('staff laptops resolve names');
    expect(failed).toContain('site devices keep time');
  });

  it('mutates a rule by its action, each of its ports and each of its sources', () => {
    const rule = load(nationalFile).rules.find((r) => r.id === 'vpn-netadmin')!;
    expect(mutationsOf(rule).map((m) => m.change)).toEqual(['allow -> deny', 'drop port 22/tcp', 'drop port 161/udp', 'drop port icmp']);
    const infra = load(nationalFile).rules.find((r) => r.id === 'voice-telephony')!;
    expect(mutationsOf(infra).map((m) => m.change)).toEqual(['allow -> deny', 'drop source zone:voice', 'drop source zone:staff']);
  });

  it('lists, with file:line, each mutation the tests miss, the same way every run, and --min-coverage fails below its mark', () => {
    // Without the DNS tests added for coverage, the rules they pin come loose.
    const f = write('loose.yaml', onlyTests((l) => !/resolve names/.test(l)));
    const line = (id: string) => readFileSync(f, 'utf8').split('\n').findIndex((l) => l.includes(`- id: ${id}`)) + 1;
    const args = ['policy', 'test', '--coverage', '--policy', f, '--date', DAY];
    const a = outpost(args);
    const b = outpost(args);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const survivors = a.stdout.split('\n').filter((l) => l.startsWith('survives'));
    expect(survivors).toContain(`survives  ${f}:${line('site-infrastructure')}: rule site-infrastructure: drop source zone:printers (no test notices)`);
    expect(survivors).toContain(`survives  ${f}:${line('vpn-dns')}: rule vpn-dns: drop source role:tracing-agent (no test notices)`);
    const pct = Number(/coverage: \d+ of \d+ mutations noticed \(([\d.]+)%\)/.exec(a.stdout)![1]);
    expect(pct).toBeLessThan(100);
    const gate = outpost([...args, '--min-coverage', '100', '--json']);
    expect(gate.code).toBe(1);
    const json = JSON.parse(gate.stdout);
    expect([json.ok, json.coverage.percent]).toEqual([false, pct]);
    expect(json.coverage.survivors.length).toBe(survivors.length);
    expect(outpost([...args, '--min-coverage', String(Math.floor(pct))]).code).toBe(0);
    expect(outpost(['policy', 'test', '--min-coverage', '50']).code).toBe(2);
  });

  it('reaches 100% on the example policy from the command line', () => {
    const r = outpost(['policy', 'test', '--coverage', '--min-coverage', '100', '--date', DAY]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/coverage: (\d+) of \1 mutations noticed \(100%\)/);
  });
});
