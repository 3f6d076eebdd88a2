// The security team's audit against hostile or broken policies: a waiver pattern built to
// make a regex backtrack, a known_hosts line of the same shape, impossible dates, 2,000
// extra rules, more sites than the address plan holds.
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyEdits, exampleInventory, lineOf, repoRoot, type Edit } from './support/inventory.js';
import { expectRefused, run, STACK } from './support/hostile.js';
import { globMatch } from '../core/glob.js';
import { parseKnownHosts, pinsFor } from '../core/deliver/hostkeys.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** inventory/ and policies/ copied; edits name files relative to the workspace root. */
function workspace(edits: readonly Edit[] = []): string {
  const root = mkdtempSync(join(tmpdir(), `hostile-au-${process.pid}-`));
  roots.push(root);
  cpSync(exampleInventory, join(root, 'inventory'), { recursive: true });
  cpSync(join(repoRoot, 'policies'), join(root, 'policies'), { recursive: true });
  applyEdits(root, edits);
  return root;
}

const waiver = (object: string, expires = '2027-01-31'): Edit => ({
  file: 'policies/security.yaml',
  from: 'waivers:\n',
  to: `waivers:\n  - control: expired-rules-removed\n    object: "${object}"\n    owner: security team\n    reason: A waiver written to test the matcher\n    expires: ${expires}\n`,
});

describe('patterns are matched in linear time (case 6)', () => {
  it('a waiver object of 22 stars then Z does not slow the audit down', () => {
    const root = workspace([waiver(`${'*'.repeat(22)}Z`)]);
    const r = run(['audit'], { cwd: root, timeoutMs: 30_000 });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.timedOut).toBe(false);
    expect([0, 1]).toContain(r.code);
    expect(r.stdout).toMatch(/controls/i);
  });

  it('the matcher answers a 120-character pathological pattern over a 4,000-character name at once', () => {
    const started = performance.now();
    expect(globMatch(`${'*a'.repeat(59)}Z`, 'a'.repeat(4000))).toBe(false);
    expect(globMatch(`${'*'.repeat(119)}Z`, `${'a'.repeat(4000)}Z`)).toBe(true);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('a known_hosts line of the same shape is looked up at once, and ordinary globs still match', () => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
    const known = parseKnownHosts(`${'*'.repeat(30)}Z ${key}\n*.crisis.example.lu,10.64.?.* ${key}\n`);
    const started = performance.now();
    const pins = pinsFor({ hostname: `${'a'.repeat(3000)}`, address: '10.99.0.1', port: 22 }, known);
    expect(performance.now() - started).toBeLessThan(200);
    expect(pins.keys).toHaveLength(0);
    expect(pinsFor({ hostname: 'sw1.crisis.example.lu', address: '192.0.2.1', port: 22 }, known).keys).toHaveLength(1);
    expect(pinsFor({ hostname: 'sw1', address: '10.64.3.7', port: 22 }, known).keys).toHaveLength(1);
  });
});

describe('2,000 extra rules audit quickly (case 7)', () => {
  it('the audit of a policy with 2,000 more rules uses a few seconds of CPU, not tens', () => {
    let extra = '';
    for (let i = 0; i < 2000; i++) {
      extra += `  - id: extra-${i}\n    action: allow\n    from: [role:helpdesk]\n    to: [net:10.${200 + ((i / 250) | 0)}.${i % 250}.0/24]\n    ports: [${1000 + i}/tcp]\n    owner: network team\n    reason: Extra rule number ${i}\n`;
    }
    const root = workspace([{ file: 'policies/access.yaml', from: 'rules:\n', to: `rules:\n${extra}` }]);
    const r = run(['audit', '--json'], { cwd: root, timeoutMs: 55_000 });
    expect(r.stderr).not.toMatch(STACK);
    expect([0, 1]).toContain(r.code);
    const doc = JSON.parse(r.stdout) as { controls: unknown[] };
    expect(doc.controls.length).toBeGreaterThan(5);
    // The child's CPU time, so a busy machine does not fail the test: the old code used ~15 s.
    const timed = spawnSync('bash', ['-c', `TIMEFORMAT=%U; time ${process.execPath} ${join(repoRoot, 'dist', 'outpost.js')} audit --json >/dev/null 2>&1`], { cwd: root, encoding: 'utf8' });
    const cpu = Number(timed.stderr.trim().split('\n').pop());
    expect(cpu).toBeGreaterThan(0);
    expect(cpu).toBeLessThan(6);
  }, 120_000);
});

describe('impossible dates are refused (case 8)', () => {
  it('a rule expiring on 2021-02-30 is shown at its line', () => {
    const root = workspace([{ file: 'policies/access.yaml', from: 'expires: 2021-03-31', to: 'expires: 2021-02-30' }]);
    const r = run(['validate', '-i', join(root, 'inventory')]);
    expectRefused(r, { file: join(root, 'policies', 'access.yaml'), line: lineOf(root, 'policies/access.yaml', '2021-02-30'), code: 'invalid-value' });
    expect(r.stderr).toMatch(/real calendar date/);
  });

  it('a waiver expiring on 2021-13-45 is shown at its line by the audit', () => {
    const root = workspace([waiver('rule/guest-booking-pilot', '2021-13-45')]);
    const r = run(['audit'], { cwd: root });
    expectRefused(r, { file: /.*policies\/security\.yaml/, line: lineOf(root, 'policies/security.yaml', '2021-13-45'), code: 'invalid-value' });
  });
});

describe('audit refuses an inventory that does not validate (case 9)', () => {
  it('with more sites than the address plan holds, audit exits 1 like validate, naming the site left out', () => {
    const root = workspace([{ file: 'inventory/org.yaml', from: 'siteBlockPrefix: 20', to: 'siteBlockPrefix: 15' }]);
    // A fresh plan: no block handed out earlier to keep.
    writeFileSync(join(root, 'inventory', 'allocations.yaml'), 'sites: {}\n');
    const v = run(['validate', '-i', join(root, 'inventory')]);
    expect(v.stderr).toMatch(/\[plan-full\]/);
    expect(v.code).toBe(1);
    const r = run(['audit'], { cwd: root });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).toMatch(/sites\/[a-z-]+\.yaml:\d+:\d+: error: no free \/15 left .*\[plan-full\]/);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  });
});

