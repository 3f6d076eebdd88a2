// The security team proves the access policy with packets: a twin of the vaccination
// centre and of the tracing centre, every policy test and the access matrix as real
// probes, and a wrong policy caught by the packets too.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../../core/inventory/index.js';
import { loadPolicy, type AccessPolicy } from '../../core/policy/index.js';
import { labDown, labTest, labUp, listNamespaces } from '../../core/lab/index.js';
import { exampleInventory, repoRoot } from '../support/inventory.js';

const DAY = '2026-11-24';
const state = mkdtempSync(join(tmpdir(), 'outpost-lab-'));
const inv = (() => {
  const r = loadInventory(exampleInventory);
  if (!r.ok) throw new Error('example inventory must load');
  return r.value;
})();
const policyFile = join(repoRoot, 'policies', 'access.yaml');

function policy(edit?: (t: string) => string): AccessPolicy {
  let file = policyFile;
  if (edit) {
    const text = readFileSync(policyFile, 'utf8');
    const next = edit(text);
    if (next === text) throw new Error('edit changed nothing');
    file = join(state, `access-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, next);
  }
  const r = loadPolicy(file, inv);
  if (!r.ok) throw new Error('policy must load');
  return r.value;
}

const tag = (site: string) => `${site}${process.pid}`;
afterAll(() => {
  for (const site of ['vac-esch', 'trc-findel']) labDown(state, site);
  rmSync(state, { recursive: true, force: true });
});

describe('the lab twin', () => {
  it('proves every vaccination-centre test and the access matrix with packets that agree with the analysis', async () => {
    const up = await labUp(inv, policy(), 'vac-esch', DAY, state, tag('vac-esch'));
    expect(up.probes).toBeGreaterThan(100);
    const r = await labTest(inv, policy(), 'vac-esch', DAY, state);
    for (const p of r.results) expect(p.observed, p.name).toBe(p.analysis);
    expect(r.results.filter((p) => !p.ok).map((p) => p.name)).toEqual([]);
    const tests = r.results.filter((p) => p.name.startsWith('test: '));
    expect(tests.length).toBeGreaterThanOrEqual(25);
    // Remote agents' tests cross the VPN gateway's real ruleset too.
    const tracers = r.results.find((p) => p.name === 'test: tracers reach case management')!;
    expect([tracers.observed, tracers.ok]).toEqual([true, true]);
    const noRecords = r.results.find((p) => p.name === 'test: tracers do not read patient records')!;
    expect([noRecords.observed, noRecords.ok]).toEqual([false, true]);
    // Both verdicts occur for real: the firewall lets some flows through and stops others.
    expect(r.results.some((p) => p.observed)).toBe(true);
    expect(r.results.some((p) => !p.observed)).toBe(true);
  });

  it('fails on the probes a wrong policy breaks: a changed port and a rule moved above its guard', async () => {
    const wrong = policy((t) => {
      const moved = t.replace('ports: [9100/tcp, 631/tcp, 443/tcp]', 'ports: [9101/tcp, 631/tcp, 443/tcp]');
      const start = moved.indexOf('  - id: guest-internet');
      const end = moved.indexOf('  - id: guest-booking-pilot');
      const block = moved.slice(start, end);
      const cut = moved.slice(0, start) + moved.slice(end);
      return cut.replace('  - id: guest-dns', `${block}  - id: guest-dns`);
    });
    const r = await labTest(inv, wrong, 'vac-esch', DAY, state);
    // Packets still agree with the analysis of the same compile...
    for (const p of r.results) expect(p.observed, p.name).toBe(p.analysis);
    // ...and the embedded tests they carry fail where the policy went wrong.
    const failed = r.results.filter((p) => !p.ok).map((p) => p.name);
    expect(failed).toContain('test: staff print at their site');
    expect(failed).toContain('test: guests never reach the registry');
    expect(r.ok).toBe(false);
    // Back to the right policy: the firewall is reloaded and everything passes again.
    expect((await labTest(inv, policy(), 'vac-esch', DAY, state)).ok).toBe(true);
  });

  it('proves the tracing centre too', async () => {
    await labUp(inv, policy(), 'trc-findel', DAY, state, tag('trc-findel'));
    const r = await labTest(inv, policy(), 'trc-findel', DAY, state);
    expect(r.results.filter((p) => !p.ok).map((p) => p.name)).toEqual([]);
    expect(r.results.filter((p) => p.name.startsWith('test: ')).length).toBeGreaterThanOrEqual(5);
  });

  it('lab down removes every namespace it made', () => {
    for (const site of ['vac-esch', 'trc-findel']) labDown(state, site);
    expect(listNamespaces().filter((n) => n.includes(`${process.pid}-`) && n.startsWith('opl-'))).toEqual([]);
  });
});
