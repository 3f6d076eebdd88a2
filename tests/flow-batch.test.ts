// The audit asks "on which ports is this flow open?" for every guest zone, role and
// management zone over every port the policy names. It asks in one batch per flow
// (decider.many); these tests hold the batch to the single question, port by port and
// rule by rule, on the national policy and on a hostile one: overlapping ranges, rules
// without ports, icmp, denies between allows, networks, the internet, 2,000 extra rules.
import { describe, expect, it } from 'vitest';
import type { PortRange } from '../core/inventory/index.js';
import type { FirewallRule } from '../core/plan/index.js';
import { decider, enforcement, fastList, forEachFlow, indexSets, PortBatch, portUniverse, type AccessPolicy, type AccessRule, type Endpoint, type Port } from '../core/policy/index.js';
import { loadExample } from './support/example.js';

const DAY = '2026-11-24';
const { inv, policy } = loadExample();

/** Rules that make flows open on some ports and shut on others, ahead of the national ones. */
function hostile(count: number): AccessPolicy {
  const zones = ['staff', 'medical', 'voice', 'printers', 'display', 'mgmt', 'guest'];
  const roles = policy.roles.map((r) => r.name);
  const services = inv.org.services.map((s) => s.name);
  const rules: AccessRule[] = [];
  for (let i = 0; i < count; i++) {
    const pick = i % 7;
    const from: Endpoint[] = pick < 2 ? [{ kind: 'zone', name: 'guest' }] : pick < 4 ? [{ kind: 'role', name: roles[i % roles.length]! }] : pick === 4 ? [{ kind: 'net', cidr: `10.${i % 200}.0.0/16` }] : [{ kind: 'zone', name: zones[i % zones.length]! }];
    const to: Endpoint[] =
      pick === 0 || pick === 2 ? [{ kind: 'zone', name: zones[(i * 3) % zones.length]! }] : pick === 1 ? [{ kind: 'service', name: services[i % services.length]! }] : pick === 3 ? [i % 4 ? { kind: 'net', cidr: '0.0.0.0/0' } : { kind: 'any' }] : [{ kind: 'zone', name: 'mgmt' }];
    const base = 1000 + ((i * 37) % 900);
    // Some single ports, some ranges that overlap others, some with no port at all (any port).
    const ports: PortRange[] = i % 17 === 0 ? [] : [{ proto: i % 3 === 0 ? 'udp' : 'tcp', from: base, to: base + (i % 5 === 0 ? 150 : 0) }, ...(i % 4 === 0 ? [{ proto: 'tcp' as const, from: 443, to: 443 }] : [])];
    rules.push({ id: `h-${i}`, action: i % 3 === 1 ? 'deny' : 'allow', from, to, ports, icmp: i % 11 === 0, at: i % 5 === 0 ? ['vac-esch'] : [], owner: 'test', reason: `rule ${i}`, source: { file: 'hostile', line: i + 1, col: 1 } });
  }
  return { ...policy, rules: [...rules, ...policy.rules] };
}

type Decide = ReturnType<typeof decider>;
const ruleIds = (hops: readonly { at: string; allowed: boolean; rule?: FirewallRule }[]) => hops.map((h) => `${h.at}:${h.allowed}:${h.rule?.id ?? 'default'}`);

/** Every flow the audit asks about, and then some, compared port by port. */
function compareAll(decide: Decide, p: AccessPolicy, siteCodes: readonly string[]): { flows: number; open: number } {
  const ports: Port[] = portUniverse(inv, [p]);
  const sites = enforcement(inv, p, DAY).sites.filter((s) => siteCodes.includes(s.code));
  const roles = p.roles.map((r) => r.name);
  let flows = 0;
  let open = 0;
  const compare = (site: string | undefined, from: Endpoint, to: Endpoint) => {
    const batch = decide.many(from, to, ports, site);
    expect(batch).toHaveLength(ports.length);
    ports.forEach((port, k) => {
      const one = decide(from, to, port, site);
      const got = batch[k]!;
      if (got.allowed !== one.allowed || ruleIds(got.hops).join() !== ruleIds(one.hops).join()) {
        expect({ site, from, to, port, allowed: got.allowed, hops: ruleIds(got.hops) }).toEqual({ site, from, to, port, allowed: one.allowed, hops: ruleIds(one.hops) });
      }
      if (got.allowed) open++;
    });
    flows++;
  };
  // Each (site, from, to) once: forEachFlow visits it once per port.
  const seen = new Set<string>();
  forEachFlow(inv, sites, roles, ['icmp'], (site, from, to) => {
    const key = JSON.stringify([site, from, to]);
    if (!seen.has(key)) compare(site, from, to);
    seen.add(key);
  });
  // The internet and networks: located address by address, as check() does.
  for (const role of roles) compare(undefined, { kind: 'role', name: role }, { kind: 'net', cidr: '192.0.2.80/32' });
  for (const site of sites) compare(site.code, { kind: 'net', cidr: '10.7.0.0/16' }, { kind: 'zone', name: site.zones[0]!.name });
  return { flows, open };
}

describe('the audit decides a flow on all ports at once', () => {
  it('agrees with the single question on every flow of the national policy at three sites', () => {
    const r = compareAll(decider(enforcement(inv, policy, DAY)), policy, ['vac-esch', 'trc-findel', 'cc-lux']);
    expect(r.flows).toBeGreaterThan(100);
    expect(r.open).toBeGreaterThan(50);
  });

  it('agrees with the single question on a hostile policy of overlapping ranges, denies and rules without ports', () => {
    const p = hostile(400);
    const r = compareAll(decider(enforcement(inv, p, DAY)), p, ['vac-esch', 'cc-lux']);
    expect(r.flows).toBeGreaterThan(100);
    // Open on some ports and shut on others: the batch is tested where it can go wrong.
    expect(r.open).toBeGreaterThan(500);
  });

  it('a rule list answers a batch of packets as it answers each packet, first match winning', () => {
    const enf = enforcement(inv, hostile(400), DAY);
    const fw = enf.sites.find((s) => s.code === 'vac-esch')!.devices.find((d) => d.kind === 'firewall')!;
    const list = fastList(fw.rules, indexSets(fw.sets));
    const zones = [undefined, ...fw.zones.map((z) => z.name)];
    // Ports in no particular order, repeated, without a port, and icmp.
    const queries = [...Array(600).keys()].map((i) => (i % 50 === 0 ? { proto: 'icmp' as const, port: undefined } : { proto: i % 3 ? ('tcp' as const) : ('udp' as const), port: i % 97 === 0 ? undefined : 900 + ((i * 7919) % 1300) }));
    let matched = 0;
    for (const srcZone of zones) {
      for (const dstZone of zones) {
        const flow = { srcZone, src: 0x0a400005, dstZone, dst: 0x0a400105 };
        const batch = list.many(flow, new PortBatch(queries));
        queries.forEach((q, k) => {
          expect(batch[k]?.id).toBe(list({ ...flow, ...q })?.id);
          if (batch[k]) matched++;
        });
      }
    }
    expect(matched).toBeGreaterThan(1000);
  });
});
