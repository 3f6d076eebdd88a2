// The planner hands out addresses and ports. Addresses must never overlap and, once
// recorded, never move when a zone, a device or a whole site is added or re-homed.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadInventory, net, type Allocations, type Inventory, type Site } from '../core/inventory/index.js';
import { allocateAddresses, planInventory, type SwitchIntent } from '../core/plan/index.js';
import { exampleInventory } from './support/inventory.js';

const loaded = loadInventory(exampleInventory);
if (!loaded.ok) throw new Error('example inventory must load');
const inv = loaded.value;
const base = inv.sites.find((s) => s.code === 'vac-esch')!;
const zoneNames = inv.org.zones.map((z) => z.name).filter((z) => z !== inv.org.management.zone);

function withSite(zones: { zone: string; endpoints: number }[], allocations: Allocations = { sites: {} }, code = base.code): Inventory {
  const site: Site = {
    ...base,
    code,
    zones: [...zones, { zone: 'mgmt', endpoints: 0 }].map((z) => ({ ...z, wired: 0, source: base.source })),
  };
  return { ...inv, sites: [site], allocations };
}

const zoneSet = fc.uniqueArray(
  fc.record({ zone: fc.constantFrom(...zoneNames), endpoints: fc.integer({ min: 0, max: 700 }) }),
  { selector: (z) => z.zone, minLength: 1, maxLength: zoneNames.length },
);

function subnets(a: Allocations, code: string): net.Block[] {
  return Object.values(a.sites[code]!.zones).map(net.parseCidr);
}

describe('address allocation', () => {
  it('never overlaps zones and keeps them inside the site block', () => {
    fc.assert(
      fc.property(zoneSet, (zones) => {
        const r = allocateAddresses(withSite(zones));
        if (r.diagnostics.some((d) => d.severity === 'error')) return; // too big for a /20: reported, not allocated
        const block = net.parseCidr(r.allocations.sites[base.code]!.block);
        const subs = subnets(r.allocations, base.code);
        for (const s of subs) expect(net.contains(block, s)).toBe(true);
        for (let i = 0; i < subs.length; i++) for (let j = i + 1; j < subs.length; j++) expect(net.overlaps(subs[i]!, subs[j]!)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('never renumbers recorded zones when a zone is added', () => {
    fc.assert(
      fc.property(zoneSet, fc.integer({ min: 0, max: 500 }), (zones, extra) => {
        const missing = zoneNames.filter((z) => !zones.some((x) => x.zone === z));
        fc.pre(missing.length > 0);
        const first = allocateAddresses(withSite(zones));
        fc.pre(!first.diagnostics.some((d) => d.severity === 'error'));
        const grown = allocateAddresses(withSite([...zones, { zone: missing[0]!, endpoints: extra }], first.allocations));
        const before = first.allocations.sites[base.code]!;
        const after = grown.allocations.sites[base.code]!;
        expect(after.block).toBe(before.block);
        for (const [zone, subnet] of Object.entries(before.zones)) expect(after.zones[zone]).toBe(subnet);
        for (const [host, ip] of Object.entries(before.devices)) expect(after.devices[host]).toBe(ip);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a site block when another site is added before it in name order', () => {
    const first = allocateAddresses(inv);
    const newcomer: Site = { ...inv.sites[0]!, code: 'aaa-new', devices: [], zones: inv.sites[0]!.zones };
    const second = allocateAddresses({ ...inv, sites: [newcomer, ...inv.sites], allocations: first.allocations });
    for (const s of inv.sites) expect(second.allocations.sites[s.code]).toEqual(first.allocations.sites[s.code]);
    expect(second.changes.filter((c) => c.what === 'block').map((c) => c.site)).toEqual(['aaa-new']);
  });

  it('re-homes a moved site (tracing from Hamm to Findel) without renumbering its zones', () => {
    const first = allocateAddresses(inv);
    const moved = inv.sites.map((s) =>
      s.kind === 'tracing' ? { ...s, address: { city: 'Hamm' }, uplink: { ...s.uplink, circuit: 'LU-FIB-2021-0099', wan: '100.64.1.1/30', gateway: '100.64.1.2' } } : s,
    );
    const second = allocateAddresses({ ...inv, sites: moved, allocations: first.allocations });
    expect(second.allocations).toEqual(first.allocations);
    expect(second.changes).toEqual([]);
  });

  it('moves only a zone that outgrew its subnet, and says so', () => {
    const zones = [{ zone: 'staff', endpoints: 100 }, { zone: 'voice', endpoints: 20 }];
    const first = allocateAddresses(withSite(zones));
    const grown = allocateAddresses(withSite([{ zone: 'staff', endpoints: 400 }, { zone: 'voice', endpoints: 20 }], first.allocations));
    expect(grown.allocations.sites[base.code]!.zones.voice).toBe(first.allocations.sites[base.code]!.zones.voice);
    expect(grown.allocations.sites[base.code]!.zones.staff).not.toBe(first.allocations.sites[base.code]!.zones.staff);
    expect(grown.diagnostics.map((d) => d.code)).toContain('renumbered');
  });

  it('reports a site whose zones cannot fit its block', () => {
    const r = allocateAddresses(withSite([{ zone: 'staff', endpoints: 5000 }]));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['zone-capacity']);
  });
});

describe('site plan', () => {
  const plan = planInventory(inv);

  it('is deterministic', () => {
    expect(JSON.stringify(planInventory(inv).sites)).toBe(JSON.stringify(plan.sites));
  });

  it('gives every wired endpoint an access port in its zone and parks the rest', () => {
    expect(plan.ok).toBe(true);
    for (const site of plan.sites) {
      const switches = site.devices.filter((d): d is SwitchIntent => d.kind === 'switch');
      const ports = switches.flatMap((s) => s.ports);
      for (const z of site.site.zones) {
        expect(ports.filter((p) => p.mode === 'access' && p.zone === z.zone).length, `${site.code} ${z.zone}`).toBe(z.wired);
      }
      for (const p of ports.filter((x) => x.mode === 'parked')) {
        expect(p.shutdown).toBe(true);
        expect(p.vlan).toBe(inv.org.management.parkingVlan);
      }
      // Every non-firewall device is plugged in somewhere, by a trunk on its parent.
      for (const d of site.site.devices.filter((x) => x.uplink)) {
        const parent = switches.find((s) => s.hostname === d.uplink);
        if (parent) expect(parent.ports.filter((p) => p.peer === d.hostname && p.mode === 'trunk')).toHaveLength(1);
      }
    }
  });

  it('puts the gateway first, DHCP after the reserved addresses, management addresses in the management zone', () => {
    const site = plan.sites.find((s) => s.code === 'vac-esch')!;
    for (const z of site.zones) {
      const b = net.parseCidr(z.subnet);
      expect(net.ipToInt(z.gateway)).toBe(b.base + 1);
      if (z.dhcp) expect(net.ipToInt(z.dhcp.start)).toBe(b.base + inv.org.addressPlan.reservedPerZone + 1);
    }
    const mgmt = net.parseCidr(site.zones.find((z) => z.name === 'mgmt')!.subnet);
    const addrs = site.devices.map((d) => net.ipToInt(d.mgmt.address));
    expect(new Set(addrs).size).toBe(addrs.length);
    for (const a of addrs) expect(net.containsIp(mgmt, a)).toBe(true);
    expect(site.devices.find((d) => d.kind === 'firewall')!.mgmt.address).toBe(site.zones.find((z) => z.name === 'mgmt')!.gateway);
  });
});
