// A network engineer writes rules between networks the way ACLs are written. Every rule
// lands on the firewalls its traffic passes, one that would land nowhere is refused with
// its file:line:col, nothing is emitted that no rule uses, and role pools are carved as
// before however many roles there are.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory, net } from '../core/inventory/index.js';
import { firstFree, planInventory, type FirewallIntent } from '../core/plan/index.js';
import { checkAddresses, compilePolicy, enforcement, loadPolicy, rolePools, type AccessPolicy, type AccessRule, type Endpoint } from '../core/policy/index.js';
import { fastCidr, placement, type Place } from '../core/policy/placement.js';
import { renderDevice } from '../core/render/index.js';
import { exampleInventory, outpost, repoRoot } from './support/inventory.js';

const DAY = '2026-11-24';
const inv = (() => {
  const r = loadInventory(exampleInventory);
  if (!r.ok) throw new Error('example inventory must load');
  return r.value;
})();
const nationalText = readFileSync(join(repoRoot, 'policies', 'access.yaml'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'opp-place-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const plan = planInventory(inv);
const zone = (site: string, name: string) => plan.sites.find((s) => s.code === site)!.zones.find((z) => z.name === name)!;
const vacStaff = zone('vac-esch', 'staff');
const trcStaff = zone('trc-findel', 'staff');

/** The national policy with `rules` put first. */
function withRules(rules: string, name = `p-${Math.random().toString(36).slice(2)}.yaml`): string {
  const f = join(dir, name);
  writeFileSync(f, nationalText.replace(/^rules:\n/m, `rules:\n${rules}`));
  return f;
}

function load(file: string): AccessPolicy {
  const r = loadPolicy(file, inv);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.value;
}

const rule = (id: string, from: string, to: string, ports: string, extra = '') =>
  `  - id: ${id}\n    action: allow\n    from: [${from}]\n    to: [${to}]\n    ports: [${ports}]\n${extra}    owner: network team\n    reason: Test rule\n`;

const firewallOf = (enf: ReturnType<typeof enforcement>, site: string) => enf.sites.find((s) => s.code === site)!.devices.find((d): d is FirewallIntent => d.kind === 'firewall')!;
const sitesWith = (enf: ReturnType<typeof enforcement>, id: string) => enf.sites.filter((s) => firewallOf(enf, s.code).rules.some((r) => r.origin?.rule === id)).map((s) => s.code);

describe('every rule lands where its traffic passes', () => {
  it('a rule from one site network to another lands on both site firewalls and decides there', () => {
    const src = `net:${vacStaff.subnet}`;
    const dst = `net:${trcStaff.subnet}`;
    const enf = enforcement(inv, load(withRules(rule('case-share', src, dst, '8443/tcp'))), DAY);
    expect(enf.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(sitesWith(enf, 'case-share')).toEqual(['trc-findel', 'vac-esch']);
    const from = net.intToIp(net.parseCidr(vacStaff.subnet).base + 30);
    const to = net.intToIp(net.parseCidr(trcStaff.subnet).base + 40);
    const a = checkAddresses(enf, from, to, { proto: 'tcp', from: 8443, to: 8443 });
    expect(a.hops.map((h) => [h.at, h.allowed, h.rule?.origin?.rule])).toEqual([
      ['vac-esch-fw1', true, 'case-share'],
      ['trc-findel-fw1', true, 'case-share'],
    ]);
    // Another port, or another source zone, is still the default deny.
    expect(checkAddresses(enf, from, to, { proto: 'tcp', from: 8444, to: 8444 }).allowed).toBe(false);
    expect(checkAddresses(enf, net.intToIp(net.parseCidr(zone('vac-esch', 'guest').subnet).base + 30), to, { proto: 'tcp', from: 8443, to: 8443 }).allowed).toBe(false);
  });

  it('a site network reaching a service is enforced at its own site firewall only', () => {
    const enf = enforcement(inv, load(withRules(rule('staff-net-web', `net:${vacStaff.subnet}`, 'service:tracing-app', '8080/tcp'))), DAY);
    expect(sitesWith(enf, 'staff-net-web')).toEqual(['vac-esch']);
    const app = inv.org.services.find((s) => s.name === 'tracing-app')!.addresses[0]!.split('/')[0]!;
    const a = checkAddresses(enf, net.intToIp(net.parseCidr(vacStaff.subnet).base + 9), app, { proto: 'tcp', from: 8080, to: 8080 });
    expect([a.allowed, a.hops.map((h) => h.rule?.origin?.rule)]).toEqual([true, ['staff-net-web']]);
  });

  it('refuses a rule whose networks sit behind no firewall, naming its file:line:col, and validate exits 1', () => {
    const f = withRules(rule('partners', 'net:198.51.100.0/24', 'net:203.0.113.0/24', '443/tcp'));
    const policy = load(f);
    const d = compilePolicy(inv, policy, DAY).diagnostics;
    const line = readFileSync(f, 'utf8').split('\n').findIndex((l) => l.includes('- id: partners')) + 1;
    expect(d.map((x) => [x.code, x.line, x.col, x.path])).toEqual([['rule-lands-nowhere', line, 5, 'rules[0]']]);
    expect(d[0]!.message).toMatch(/rule partners is enforced nowhere: neither its sources \(net:198\.51\.100\.0\/24\) nor its destinations \(net:203\.0\.113\.0\/24\) sit behind any site firewall/);

    const root = mkdtempSync(join(dir, 'cli-'));
    cpSync(exampleInventory, join(root, 'inventory'), { recursive: true });
    cpSync(join(repoRoot, 'policies'), join(root, 'policies'), { recursive: true });
    writeFileSync(join(root, 'policies', 'access.yaml'), readFileSync(f, 'utf8'));
    const v = outpost(['validate', '--inventory', join(root, 'inventory')]);
    expect(v.code).toBe(1);
    expect(v.stderr).toContain(`access.yaml:${line}:5: error: rule partners is enforced nowhere`);
    const r = outpost(['render', '--inventory', join(root, 'inventory'), '--out', join(root, 'out')]);
    expect(r.code).toBe(1);
    expect(existsSync(join(root, 'out', 'manifest.json'))).toBe(false);
  });

  it('accepts a rule that `at:` limits away from every site it would land on: that is the author\'s choice', () => {
    const f = withRules(rule('trc-only', `net:${vacStaff.subnet}`, 'service:tracing-app', '8080/tcp', '    at: [tracing]\n'));
    const policy = load(f);
    expect(compilePolicy(inv, policy, DAY).diagnostics).toEqual([]);
    expect(sitesWith(enforcement(inv, policy, DAY), 'trc-only')).toEqual([]);
  });

  it('emits no address set, address object or group that no rule names', () => {
    const policies = [load(join(repoRoot, 'policies', 'access.yaml')), load(withRules(rule('case-share', `net:${vacStaff.subnet}`, `net:${trcStaff.subnet}`, '8443/tcp')))];
    for (const policy of policies) {
      const enf = enforcement(inv, policy, DAY);
      for (const site of enf.sites) {
        const fw = firewallOf(enf, site.code);
        const named = new Set(fw.rules.flatMap((r) => [...r.from.sets, ...r.to.sets]));
        expect(fw.sets.map((s) => s.name).filter((n) => !named.has(n)), fw.hostname).toEqual([]);
        const text = renderDevice({ ...fw, platform: 'fortigate' }).artefacts[0]!.content;
        const policyText = text.slice(text.indexOf('config firewall policy'));
        const objects = [...text.matchAll(/^ {4}edit "([^"]+)"$/gm)].map((m) => m[1]!);
        const section = (name: string) => {
          const start = text.indexOf(`config firewall ${name}\n`);
          return start < 0 ? '' : text.slice(start, text.indexOf('\nend\n', start));
        };
        const addresses = [...section('address').matchAll(/^ {4}edit "([^"]+)"$/gm)].map((m) => m[1]!);
        const groups = section('addrgrp');
        // Every address object is named by a policy or is a member of a group that is.
        for (const a of addresses) expect(policyText.includes(`"${a}"`) || groups.includes(`"${a}"`), `${fw.hostname} ${a}`).toBe(true);
        expect(objects.length).toBeGreaterThan(0);
      }
    }
  });
});

describe('placing thousands of rules', () => {
  it('finds the sites a rule lands at by zone and address range, the same sites as asking every site, for random rules and overlapping site blocks', () => {
    const p = placement(inv);
    const zones = inv.org.zones.map((z) => z.name);
    const real: Place[] = plan.sites.map((s) => ({ code: s.code, kind: s.kind, zones: new Set(s.zones.map((z) => z.name)), block: fastCidr(s.block) }));
    const cidr = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 })).map(([ip, len]) => net.cidr({ base: len ? (ip & ((0xffffffff << (32 - len)) >>> 0)) >>> 0 : 0, prefix: len }));
    // Addresses near the example's sites as often as anywhere, so ranges meet blocks.
    const nearSite = fc.tuple(fc.constantFrom(...plan.sites.map((s) => s.block)), fc.integer({ min: 0, max: 4095 }), fc.integer({ min: 8, max: 32 })).map(([block, off, len]) => {
      const ip = fastCidr(block).base + off;
      return net.cidr({ base: (ip & ((0xffffffff << (32 - len)) >>> 0)) >>> 0, prefix: len });
    });
    // The first and last addresses of each block and their neighbours, where a range meets a block by one address.
    const edges = plan.sites.flatMap((s) => {
      const b = fastCidr(s.block);
      const last = net.last(b);
      return [b.base - 1, b.base, last, last + 1].map((ip) => `${net.intToIp(ip)}/32`);
    });
    const endpoint: fc.Arbitrary<Endpoint> = fc.oneof(
      fc.constant({ kind: 'any' as const }),
      fc.constantFrom(...zones).map((name) => ({ kind: 'zone' as const, name })),
      fc.constantFrom('tracing-agent', 'nurse').map((name) => ({ kind: 'role' as const, name })),
      fc.constantFrom(...inv.org.services.map((s) => s.name)).map((name) => ({ kind: 'service' as const, name })),
      fc.oneof(cidr, nearSite, fc.constantFrom(...edges)).map((c) => ({ kind: 'net' as const, cidr: c })),
    );
    const ruleOf = (from: Endpoint[], to: Endpoint[], i: number): AccessRule => ({ id: `r${i}`, action: 'allow', from, to, ports: [], icmp: false, at: [], owner: 'o', reason: 'r', source: { file: 'f', line: 1, col: 1 } });
    // Extra places whose blocks nest in, straddle and cover the real ones.
    const extra = fc.array(fc.tuple(fc.oneof(cidr, nearSite), fc.subarray(zones)), { maxLength: 6 }).map((xs) => xs.map(([c, zs], i): Place => ({ code: `x${i}`, kind: 'test', zones: new Set(zs), block: fastCidr(c) })));
    fc.assert(
      fc.property(extra, fc.array(fc.tuple(fc.array(endpoint, { minLength: 1, maxLength: 3 }), fc.array(endpoint, { minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 20 }), (more, sides) => {
        const places = [...real, ...more];
        const landing = p.landing(places);
        sides.forEach(([from, to], i) => {
          const r = ruleOf(from, to, i);
          const asked = places.flatMap((x, k) => (p.lands(r, x) ? [k] : []));
          expect([...landing(r)].sort((a, b) => a - b)).toEqual(asked);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('role pools', () => {
  it('are carved as the lowest free aligned block, in role order, for 600 roles of mixed sizes', () => {
    const roles = Array.from({ length: 600 }, (_, i) => ({ name: `r${i}`, description: 'test', pool: [27, 24, 29, 26, 30, 25][i % 6]!, source: { file: 'x', line: 1, col: 1 } }));
    const pools = rolePools(inv, { file: 'x', roles, rules: [], tests: [] });
    // The reference: the planner's firstFree over every block handed out so far.
    const range = net.parseCidr(inv.org.addressPlan.vpn);
    const used: net.Block[] = [];
    for (const r of roles) {
      const b = firstFree(range, r.pool, used);
      if (!b) {
        expect(pools.has(r.name)).toBe(false);
        continue;
      }
      used.push(b);
      expect([r.name, pools.get(r.name)]).toEqual([r.name, net.cidr(b)]);
    }
    expect(pools.size).toBe(600);
  });
});
