// The security team asks `access check` about any address. Property: on a generated
// 2,000-rule policy (zones, roles, site and partner networks, services, any; ports, icmp,
// `at:`), 20,000 random flows get the same verdict and the same deciding rule at every
// hop from checkAddresses() (what the command runs) as from evaluate() applied to a
// naive reading of the path: a linear scan for where each address sits, then the
// gateway, the site the flow leaves and the site it enters.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadInventory, net, type PortRange } from '../core/inventory/index.js';
import { checkAddresses, enforcement, evaluate, indexSets, loadPolicy, type AccessPolicy, type AccessRule, type Endpoint, type Enforcement } from '../core/policy/index.js';
import type { FirewallIntent, FirewallRule } from '../core/plan/index.js';
import { exampleInventory, repoRoot } from './support/inventory.js';

const DAY = '2026-11-24';
const inv = (() => {
  const r = loadInventory(exampleInventory);
  if (!r.ok) throw new Error('example inventory must load');
  return r.value;
})();
const national = (() => {
  const r = loadPolicy(`${repoRoot}/policies/access.yaml`, inv);
  if (!r.ok) throw new Error('national policy must load');
  return r.value;
})();

/** Deterministic pseudo-random numbers, so the generated policy is the same every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const base = enforcement(inv, national, DAY);
const sites = base.sites;
const pick = <T,>(r: (n: number) => number, xs: readonly T[]): T => xs[r(xs.length)]!;
const hostIn = (cidr: string, k: number) => {
  const b = net.parseCidr(cidr);
  return net.intToIp(b.base + (k % net.size(b.prefix)));
};

function generated(count: number): AccessPolicy {
  const r = rng(15);
  const zones = [...new Set(sites.flatMap((s) => s.zones.map((z) => z.name)))];
  const services = inv.org.services.map((s) => s.name);
  const siteNet = () => {
    const s = pick(r, sites);
    const b = net.parseCidr(s.block);
    const prefix = 24 + r(9);
    const size = net.size(prefix);
    return `${net.intToIp(b.base + r(net.size(b.prefix) / size) * size)}/${prefix}`;
  };
  const partnerNet = () => `198.${51 + r(4)}.${r(256)}.0/24`;
  const source = (): Endpoint => {
    const k = r(10);
    if (k < 3) return { kind: 'zone', name: pick(r, zones) };
    if (k < 5) return { kind: 'role', name: pick(r, national.roles).name };
    if (k < 7) return { kind: 'net', cidr: siteNet() };
    if (k < 9) return { kind: 'net', cidr: partnerNet() };
    return { kind: 'any' };
  };
  const destination = (): Endpoint => {
    const k = r(10);
    if (k < 3) return { kind: 'zone', name: pick(r, zones) };
    if (k < 6) return { kind: 'service', name: pick(r, services) };
    if (k < 9) return { kind: 'net', cidr: siteNet() };
    return { kind: 'any' };
  };
  const rules: AccessRule[] = [];
  for (let i = 0; i < count; i++) {
    const from = Array.from({ length: 1 + r(2) }, source);
    const to = Array.from({ length: 1 + r(2) }, destination);
    const ports: PortRange[] = Array.from({ length: r(3) }, () => {
      const p = 1 + r(2000);
      return { proto: r(3) === 0 ? 'udp' : 'tcp', from: p, to: p + (r(4) === 0 ? r(50) : 0) };
    });
    const at = r(5) === 0 ? [r(2) === 0 ? pick(r, sites).code : pick(r, sites).kind] : [];
    rules.push({ id: `g-${i}`, action: r(5) === 0 ? 'deny' : 'allow', from, to, ports, icmp: r(10) === 0, at, owner: 'generator', reason: `generated rule ${i}`, source: { file: 'generated', line: i + 1, col: 1 } });
  }
  return { file: 'generated', roles: national.roles, rules, tests: [] };
}

/** The reference: where an address sits by a linear scan, and the path read off it. */
function reference(enf: Enforcement, src: string, dst: string, proto: 'tcp' | 'udp' | 'icmp', port: number | undefined) {
  const at = (ip: string) => {
    const n = net.ipToInt(ip);
    for (const s of enf.sites) {
      if (!net.containsIp(net.parseCidr(s.block), n)) continue;
      const z = s.zones.find((x) => net.containsIp(net.parseCidr(x.subnet), n));
      return { site: s, zone: z?.name };
    }
    return { vpn: net.containsIp(net.parseCidr(inv.org.addressPlan.vpn), n) };
  };
  const a = at(src);
  const b = at(dst);
  const hops: { at: string; allowed: boolean; rule: string | null }[] = [];
  const decide = (name: string, rules: readonly FirewallRule[], sets: ReturnType<typeof indexSets>, srcZone?: string, dstZone?: string) => {
    const v = evaluate(rules, sets, { src, dst, proto, ...(port !== undefined ? { port } : {}), ...(srcZone ? { srcZone } : {}), ...(dstZone ? { dstZone } : {}) });
    hops.push({ at: name, allowed: v.allowed, rule: v.rule?.id ?? null });
  };
  const fw = (code: string) => enf.sites.find((s) => s.code === code)!.devices.find((d): d is FirewallIntent => d.kind === 'firewall')!;
  if ('vpn' in a && a.vpn) decide('vpn-gateway', enf.gateway.rules, enf.gateway.sets);
  if ('site' in a && a.site) {
    const f = fw(a.site.code);
    decide(f.hostname, f.rules, sets(f), a.zone, 'site' in b && b.site === a.site ? b.zone : undefined);
  }
  if ('site' in b && b.site && !('site' in a && a.site === b.site)) {
    const f = fw(b.site.code);
    decide(f.hostname, f.rules, sets(f), undefined, b.zone);
  }
  return { allowed: hops.length > 0 && hops.every((h) => h.allowed), hops };
}

const setCache = new Map<FirewallIntent, ReturnType<typeof indexSets>>();
const sets = (f: FirewallIntent) => setCache.get(f) ?? setCache.set(f, indexSets(f.sets)).get(f)!;

describe('access check for any address', () => {
  const policy = generated(2000);
  const enf = enforcement(inv, policy, DAY);

  it('compiles the generated 2,000-rule policy onto every firewall and the VPN gateway', () => {
    const compiled = enf.sites.map((s) => (s.devices.find((d) => d.kind === 'firewall') as FirewallIntent).rules.length);
    expect(compiled.every((n) => n > 100)).toBe(true);
    expect(enf.gateway.rules.length).toBeGreaterThan(300);
  });

  it('agrees with evaluate() on 20,000 random flows, deciding rule included', () => {
    // Addresses where rules bite: zone hosts, role pools, the rules' own networks, partner
    // networks, services, and anywhere at all.
    const ruleNets = policy.rules.flatMap((r) => [...r.from, ...r.to]).flatMap((e) => (e.kind === 'net' ? [e.cidr] : []));
    const places = [
      ...sites.flatMap((s) => s.zones.map((z) => z.subnet)),
      ...sites.map((s) => s.block),
      ...enf.pools.values(),
      inv.org.addressPlan.vpn,
      ...ruleNets,
      ...inv.org.services.flatMap((s) => s.addresses.filter((a) => !a.endsWith('/0'))),
    ];
    const address = fc.oneof(
      { weight: 9, arbitrary: fc.tuple(fc.constantFrom(...places), fc.nat()).map(([c, k]) => hostIn(c, k)) },
      { weight: 1, arbitrary: fc.nat(0xffffffff).map((n) => net.intToIp(n >>> 0)) },
    );
    const rulePorts = [...new Set(policy.rules.flatMap((r) => r.ports.flatMap((p) => [p.from, p.to])))];
    const port = fc.oneof(
      fc.tuple(fc.constantFrom<'tcp' | 'udp'>('tcp', 'udp'), fc.oneof(fc.constantFrom(...rulePorts), fc.integer({ min: 1, max: 65535 }))).map(([proto, n]) => ({ proto, from: n, to: n }) as PortRange),
      fc.constant('icmp' as const),
    );
    let allowed = 0;
    let decided = 0;
    fc.assert(
      fc.property(address, address, port, (src, dst, p) => {
        const got = checkAddresses(enf, src, dst, p);
        const want = reference(enf, src, dst, p === 'icmp' ? 'icmp' : p.proto, p === 'icmp' ? undefined : p.from);
        if (got.allowed) allowed++;
        if (got.hops.some((h) => h.rule)) decided++;
        expect({ allowed: got.allowed, hops: got.hops.map((h) => ({ at: h.at, allowed: h.allowed, rule: h.rule?.id ?? null })) }).toEqual(want);
      }),
      { numRuns: 20_000, seed: 1501 },
    );
    // The flows exercised both verdicts and real rules, not only the default deny.
    expect(allowed).toBeGreaterThan(1000);
    expect(decided).toBeGreaterThan(5000);
  }, 300_000);
});
