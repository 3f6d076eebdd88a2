// The security team's policy: its embedded tests pass on the compiled firewalls, a
// wrong compile or a wrong edit makes them fail, and bad input compiles nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../core/inventory/index.js';
import { enforcement, loadPolicy, runTests, check, parseEndpoint, type AccessPolicy } from '../core/policy/index.js';
import { exampleInventory, outpostAsync, repoRoot } from './support/inventory.js';

const inv = (() => {
  const r = loadInventory(exampleInventory);
  if (!r.ok) throw new Error('example inventory must load');
  return r.value;
})();
const policyFile = join(repoRoot, 'policies', 'access.yaml');
const DAY = '2026-11-24';
const tmp: string[] = [];
afterEach(() => tmp.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function policyWith(edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-policy-'));
  tmp.push(dir);
  const text = readFileSync(policyFile, 'utf8');
  const next = edit(text);
  if (next === text) throw new Error('edit changed nothing');
  writeFileSync(join(dir, 'access.yaml'), next);
  return join(dir, 'access.yaml');
}

function load(file: string): AccessPolicy {
  const r = loadPolicy(file, inv);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.value;
}

function failures(file: string): string[] {
  const p = load(file);
  return runTests(enforcement(inv, p, DAY), p.tests)
    .filter((r) => !r.passed)
    .map((r) => r.test.name);
}

describe('the national access policy', () => {
  const policy = load(policyFile);

  it('has at least 6 roles, every service of org.yaml and at least 25 tests', () => {
    expect(policy.roles.length).toBeGreaterThanOrEqual(6);
    expect(policy.tests.length).toBeGreaterThanOrEqual(25);
    const used = new Set(policy.rules.flatMap((r) => r.to).filter((e) => e.kind === 'service').map((e) => (e as { name: string }).name));
    expect(inv.org.services.map((s) => s.name).filter((s) => !used.has(s))).toEqual([]);
  });

  it('passes every embedded test', () => {
    expect(failures(policyFile)).toEqual([]);
  });

  it('gives each role its own VPN pool inside the VPN range', () => {
    const enf = enforcement(inv, policy, DAY);
    const pools = [...enf.pools.values()];
    expect(pools).toHaveLength(policy.roles.length);
    expect(new Set(pools).size).toBe(pools.length);
    for (const p of pools) expect(p.startsWith('10.9')).toBe(true);
  });

  it('drops an expired rule from the firewalls and keeps it before its expiry', () => {
    const booking = (day: string) => check(enforcement(inv, policy, day), parseEndpoint('zone:guest'), parseEndpoint('service:vaccination-registry'), undefined, 'vac-esch');
    expect(booking(DAY).allowed).toBe(false);
    const before = booking('2021-02-01');
    expect(before.allowed).toBe(false); // guest-no-internal comes first: the pilot rule was shadowed
    expect(before.hops[0]!.rule!.id).toBe('guest-no-internal.1');
  });

  it('names the deciding rule with its file and line', () => {
    const a = check(enforcement(inv, policy, DAY), parseEndpoint('role:netadmin'), parseEndpoint('zone:mgmt'), { proto: 'tcp', from: 22, to: 22 }, 'vac-esch');
    expect(a.allowed).toBe(true);
    expect(a.hops.map((h) => h.at)).toEqual(['vpn-gateway', 'vac-esch-fw1']);
    const origin = a.hops[1]!.rule!.origin!;
    expect(origin.rule).toBe('vpn-netadmin');
    expect(readFileSync(policyFile, 'utf8').split('\n')[origin.line - 1]).toContain('id: vpn-netadmin');
  });
});

describe('networks as sources', () => {
  it('a rule from several networks into a zone lets each of them in, and no other', () => {
    const file = policyWith((t) =>
      t.replace(/^rules:\n/m, 'rules:\n  - id: vendors-ssh\n    action: allow\n    from: [net:198.51.100.0/24, net:203.0.113.0/24]\n    to: [zone:mgmt]\n    ports: [22/tcp]\n    at: [vac-esch]\n    owner: network team\n    reason: Switch vendor support\n'),
    );
    const enf = enforcement(inv, load(file), DAY);
    const ssh = { proto: 'tcp' as const, from: 22, to: 22 };
    const mgmt = parseEndpoint('zone:mgmt');
    for (const src of ['net:198.51.100.0/24', 'net:203.0.113.0/24']) {
      const a = check(enf, parseEndpoint(src), mgmt, ssh, 'vac-esch');
      expect([src, a.allowed, a.hops.map((h) => h.rule?.origin?.rule)]).toEqual([src, true, ['vendors-ssh']]);
    }
    expect(check(enf, parseEndpoint('net:192.0.2.0/24'), mgmt, ssh, 'vac-esch').allowed).toBe(false);
    // Only where the rule applies.
    expect(check(enf, parseEndpoint('net:198.51.100.0/24'), mgmt, ssh, 'trc-findel').allowed).toBe(false);
  });
});

describe('a wrong edit or a wrong compile is caught by the embedded tests', () => {
  it('a changed port', () => {
    const f = policyWith((t) => t.replace('ports: [9100/tcp, 631/tcp, 443/tcp]', 'ports: [9101/tcp, 631/tcp, 443/tcp]'));
    expect(failures(f)).toEqual(['staff print at their site']);
  });

  it('a reversed direction', () => {
    const f = policyWith((t) => t.replace('from: [zone:staff]\n    to: [zone:printers]', 'from: [zone:printers]\n    to: [zone:staff]'));
    expect(failures(f).sort()).toEqual(['printers do not reach staff', 'staff manage print queues', 'staff open the printer web pages', 'staff print at their site']);
  });

  it('a rule moved above the deny that guards it', () => {
    const f = policyWith((t) => {
      const start = t.indexOf('  - id: guest-internet');
      const end = t.indexOf('  - id: guest-booking-pilot');
      const block = t.slice(start, end);
      const cut = t.slice(0, start) + t.slice(end);
      return cut.replace('  - id: guest-dns', `${block}  - id: guest-dns`);
    });
    // internet is 0.0.0.0/0 on 80 and 443: moved first, guests reach the registry's 443.
    expect(failures(f)).toContain('guests never reach the registry');
  });
});

describe('bad policy input', () => {
  it('reports unknown roles and services, bad ports and tests naming nothing, with lines, and compiles nothing', () => {
    const f = policyWith((t) =>
      t
        .replace('from: [role:tracing-agent]\n    to: [service:tracing-app', 'from: [role:tracers]\n    to: [service:tracing-ap')
        .replace('{ name: tracers reach case management, from: role:tracing-agent, to: service:tracing-app', '{ name: tracers reach case management, from: role:nobody, to: service:tracing-app'),
    );
    const r = loadPolicy(f, inv);
    expect(r.ok).toBe(false);
    const found = r.diagnostics.map((d) => `${d.code}:${d.line}`);
    const lines = readFileSync(f, 'utf8').split('\n');
    const lineOf = (s: string) => lines.findIndex((l) => l.includes(s)) + 1;
    expect(found).toContain(`unknown-role:${lineOf('from: [role:tracers]')}`);
    expect(found).toContain(`unknown-service:${lineOf('to: [service:tracing-ap,')}`);
    expect(found).toContain(`unknown-role:${lineOf('from: role:nobody')}`);
  });

  it('reports a bad port with its line', () => {
    const f = policyWith((t) => t.replace('ports: [3389/tcp]', 'ports: [3389/tpc]'));
    const r = loadPolicy(f, inv);
    expect(r.ok).toBe(false);
    const line = readFileSync(f, 'utf8').split('\n').findIndex((l) => l.includes('3389/tpc')) + 1;
    expect(r.diagnostics.map((d) => `${d.code}:${d.line}:${d.path}`)).toEqual([`invalid-value:${line}:rules[21].ports[0]`]);
  });

  it('makes outpost validate and outpost render fail, writing nothing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'outpost-policy-cli-'));
    tmp.push(root);
    cpSync(exampleInventory, join(root, 'inventory'), { recursive: true });
    cpSync(join(repoRoot, 'policies'), join(root, 'policies'), { recursive: true });
    const file = join(root, 'policies', 'access.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('to: [service:mail, service:intranet, service:updates, service:ldap]', 'to: [service:mail, service:wiki]'));
    const r = await outpostAsync(['render', '--inventory', join(root, 'inventory'), '--out', join(root, 'out')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/access\.yaml:\d+:\d+: error: unknown service wiki/);
    expect(() => readFileSync(join(root, 'out', 'manifest.json'))).toThrow();
  });
});

describe('outpost policy test and access check', () => {
  it('exit 0 when every test passes, 1 naming the failure', async () => {
    const ok = await outpostAsync(['policy', 'test', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).failed).toBe(0);
    const f = policyWith((t) => t.replace('ports: [22/tcp, 161/udp, icmp]', 'ports: [2222/tcp, 161/udp, icmp]'));
    const bad = await outpostAsync(['policy', 'test', '--policy', f]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/FAIL {2}netadmin manages vaccination devices/);
    expect(bad.stdout).toMatch(/56 passed, 2 failed/);
  });

  it('answers a question with the rule that decides', async () => {
    const r = await outpostAsync(['access', 'check', '--from', 'zone:guest', '--to', 'zone:staff', '--port', '445/tcp', '--site', 'vac-esch', '--json']);
    expect(r.code).toBe(1);
    const a = JSON.parse(r.stdout);
    expect(a.allowed).toBe(false);
    expect(a.hops[0].rule.id).toBe('guest-no-internal.1');
    expect((await outpostAsync(['access', 'check', '--from', 'zone:guest', '--to', 'zone:staff'])).code).toBe(2);
  });
});
