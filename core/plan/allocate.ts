// Stable address allocation. Blocks handed out before (inventory/allocations.yaml) are
// kept as long as they still fit; only new or outgrown things get fresh space, always
// the lowest aligned free block, so the same inventory always yields the same plan.
import { error, warning, type Diagnostic } from '../diagnostics.js';
import type { Allocations, Inventory, Site, ZoneDef } from '../inventory/index.js';
import { net } from '../inventory/index.js';

type Block = net.Block;
const { cidr, contains, intToIp, ipToInt, overlaps, parseCidr, prefixFor, size, containsIp, last } = net;

export interface AllocationChange {
  readonly site: string;
  readonly what: 'block' | 'zone' | 'device';
  readonly name: string;
  readonly value: string;
  readonly previous?: string;
  readonly reason: 'new' | 'outgrown' | 'pinned';
}

export interface SiteAddresses {
  readonly block: Block;
  readonly zones: ReadonlyMap<string, Block>;
  readonly devices: ReadonlyMap<string, number>;
}

export interface AddressPlanResult {
  readonly sites: ReadonlyMap<string, SiteAddresses>;
  /** The full allocation table after this plan: what `plan --write` saves. */
  readonly allocations: Allocations;
  readonly changes: readonly AllocationChange[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Lowest aligned block of `prefix` inside `within` that overlaps none of `used`. */
export function firstFree(within: Block, prefix: number, used: readonly Block[]): Block | undefined {
  const step = size(prefix);
  const sorted = used.filter((u) => overlaps(u, within)).sort((a, b) => a.base - b.base);
  let candidate = within.base;
  for (const u of sorted) {
    if (candidate + step - 1 < u.base) break;
    if (last(u) >= candidate) candidate = Math.ceil((last(u) + 1) / step) * step;
  }
  return candidate + step - 1 <= last(within) ? { base: candidate, prefix } : undefined;
}

/** Addresses a zone must hold: endpoints plus growth, plus the reserved low addresses. */
export function zoneHosts(inv: Inventory, site: Site, zone: string, endpoints: number): number {
  const plan = inv.org.addressPlan;
  const devices = zone === inv.org.management.zone ? site.devices.length : 0;
  return Math.ceil(Math.max(endpoints, devices) * (1 + plan.growthPercent / 100)) + plan.reservedPerZone;
}

function allocateBlocks(inv: Inventory, changes: AllocationChange[], diagnostics: Diagnostic[]): Map<string, Block> {
  const plan = inv.org.addressPlan;
  const supernet = parseCidr(plan.sites);
  const blocks = new Map<string, Block>();
  const used: Block[] = [];
  // Reserved by allocations of sites that no longer exist: never handed to a new site
  // by surprise; removing the entry is a deliberate act.
  for (const [code, a] of Object.entries(inv.allocations.sites)) {
    if (!inv.sites.some((s) => s.code === code)) used.push(parseCidr(a.block));
  }
  for (const s of inv.sites) {
    if (!s.block) continue;
    const b = parseCidr(s.block);
    const prev = inv.allocations.sites[s.code]?.block;
    if (prev !== s.block) changes.push({ site: s.code, what: 'block', name: s.code, value: s.block, ...(prev ? { previous: prev } : {}), reason: 'pinned' });
    blocks.set(s.code, b);
    used.push(b);
  }
  for (const s of inv.sites) {
    const prev = inv.allocations.sites[s.code]?.block;
    if (s.block || !prev) continue;
    const b = parseCidr(prev);
    if (contains(supernet, b) && !used.some((u) => overlaps(u, b))) {
      blocks.set(s.code, b);
      used.push(b);
    }
  }
  for (const s of inv.sites) {
    if (blocks.has(s.code)) continue;
    const b = firstFree(supernet, plan.siteBlockPrefix, used);
    if (!b) {
      diagnostics.push(error('plan-full', `no free /${plan.siteBlockPrefix} left in ${plan.sites} for site ${s.code}`, { ...s.source, path: 'site' }));
      continue;
    }
    const prev = inv.allocations.sites[s.code]?.block;
    changes.push({ site: s.code, what: 'block', name: s.code, value: cidr(b), ...(prev ? { previous: prev } : {}), reason: prev ? 'outgrown' : 'new' });
    blocks.set(s.code, b);
    used.push(b);
  }
  return blocks;
}

function allocateZones(inv: Inventory, site: Site, block: Block, changes: AllocationChange[], diagnostics: Diagnostic[]): Map<string, Block> {
  const catalogue = new Map<string, ZoneDef>(inv.org.zones.map((z) => [z.name, z]));
  const prev = inv.allocations.sites[site.code]?.zones ?? {};
  const zones = new Map<string, Block>();
  const used: Block[] = [];
  const wanted = site.zones.map((z) => ({ z, prefix: Math.max(prefixFor(zoneHosts(inv, site, z.zone, z.endpoints)), block.prefix) }));
  const fresh: typeof wanted = [];
  for (const w of wanted) {
    const p = prev[w.z.zone];
    const b = p ? parseCidr(p) : undefined;
    if (b && contains(block, b) && b.prefix <= w.prefix && !used.some((u) => overlaps(u, b))) {
      zones.set(w.z.zone, b);
      used.push(b);
    } else fresh.push(w);
  }
  // Largest first packs best; catalogue VLAN order breaks ties so the plan is stable.
  fresh.sort((a, b) => a.prefix - b.prefix || (catalogue.get(a.z.zone)?.vlan ?? 0) - (catalogue.get(b.z.zone)?.vlan ?? 0));
  for (const w of fresh) {
    const b = firstFree(block, w.prefix, used);
    if (!b) {
      diagnostics.push(
        error('zone-capacity', `site block ${cidr(block)} has no room for zone ${w.z.zone} (/${w.prefix} for ${w.z.endpoints} endpoints plus growth)`, {
          ...w.z.source,
          path: 'zones',
        }),
      );
      continue;
    }
    const p = prev[w.z.zone];
    if (p) {
      diagnostics.push(
        warning('renumbered', `zone ${w.z.zone} outgrew ${p} and moves to ${cidr(b)}: its hosts will be renumbered`, { ...w.z.source, path: 'zones' }),
      );
    }
    changes.push({ site: site.code, what: 'zone', name: w.z.zone, value: cidr(b), ...(p ? { previous: p } : {}), reason: p ? 'outgrown' : 'new' });
    zones.set(w.z.zone, b);
    used.push(b);
  }
  return zones;
}

function allocateDevices(inv: Inventory, site: Site, mgmt: Block, changes: AllocationChange[], diagnostics: Diagnostic[]): Map<string, number> {
  const prev = inv.allocations.sites[site.code]?.devices ?? {};
  const devices = new Map<string, number>();
  const taken = new Set<number>([mgmt.base, last(mgmt)]);
  const gateway = mgmt.base + 1;
  const claim = (hostname: string, ip: number) => {
    devices.set(hostname, ip);
    taken.add(ip);
  };
  // The firewall is the management zone's gateway; pinned addresses come next.
  for (const d of site.devices) {
    if (d.mgmt) {
      const ip = ipToInt(d.mgmt);
      if (!containsIp(mgmt, ip) || ip === mgmt.base || ip === last(mgmt)) {
        diagnostics.push(error('out-of-plan', `management address ${d.mgmt} is not a host of the management zone ${cidr(mgmt)}`, { ...d.source, path: 'mgmt' }));
      } else claim(d.hostname, ip);
    } else if (d.role === 'firewall' && !taken.has(gateway)) claim(d.hostname, gateway);
  }
  taken.add(gateway);
  for (const d of site.devices) {
    if (devices.has(d.hostname) || !prev[d.hostname]) continue;
    const ip = ipToInt(prev[d.hostname]!);
    if (containsIp(mgmt, ip) && !taken.has(ip)) claim(d.hostname, ip);
  }
  let next = gateway + 1;
  for (const d of site.devices) {
    if (devices.has(d.hostname)) continue;
    while (taken.has(next)) next++;
    if (next >= last(mgmt)) {
      diagnostics.push(error('zone-capacity', `management zone ${cidr(mgmt)} has no address left for ${d.hostname}`, { ...d.source, path: 'mgmt' }));
      continue;
    }
    const p = prev[d.hostname];
    changes.push({ site: site.code, what: 'device', name: d.hostname, value: intToIp(next), ...(p ? { previous: p } : {}), reason: p ? 'outgrown' : 'new' });
    claim(d.hostname, next);
  }
  return devices;
}

export function allocateAddresses(inv: Inventory): AddressPlanResult {
  const changes: AllocationChange[] = [];
  const diagnostics: Diagnostic[] = [];
  const blocks = allocateBlocks(inv, changes, diagnostics);
  const sites = new Map<string, SiteAddresses>();
  const table: Record<string, { block: string; zones: Record<string, string>; devices: Record<string, string> }> = {};
  for (const [code, a] of Object.entries(inv.allocations.sites)) {
    if (!inv.sites.some((s) => s.code === code)) table[code] = { block: a.block, zones: { ...a.zones }, devices: { ...a.devices } };
  }
  for (const site of inv.sites) {
    const block = blocks.get(site.code);
    if (!block) continue;
    const zones = allocateZones(inv, site, block, changes, diagnostics);
    const mgmt = zones.get(inv.org.management.zone);
    const devices = mgmt ? allocateDevices(inv, site, mgmt, changes, diagnostics) : new Map<string, number>();
    sites.set(site.code, { block, zones, devices });
    table[site.code] = {
      block: cidr(block),
      zones: Object.fromEntries([...zones].map(([k, v]) => [k, cidr(v)])),
      devices: Object.fromEntries([...devices].map(([k, v]) => [k, intToIp(v)])),
    };
  }
  const sortedTable = Object.fromEntries(Object.keys(table).sort().map((k) => [k, table[k]!]));
  return { sites, allocations: { sites: sortedTable }, changes, diagnostics };
}
