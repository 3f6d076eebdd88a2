// Turns validated files into the immutable model. Runs only after every check passed.
import { compareText } from '../sorted.js';
import type { Parsed } from './load.js';
import type { AllocationsFile, EndpointKindName, OrgFile, SiteFile } from './schema.js';
import type { Allocations, HardwareModel, Inventory, Org, PortRange, Site } from './model.js';

export function parsePortSpec(spec: string): PortRange {
  const m = /^(\d+)(?:-(\d+))?\/(tcp|udp)$/.exec(spec)!;
  const from = Number(m[1]);
  return { proto: m[3] as 'tcp' | 'udp', from, to: m[2] ? Number(m[2]) : from };
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    if (value instanceof Map) for (const v of value.values()) deepFreeze(v);
    else for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function buildOrg({ source, value: o }: Parsed<OrgFile>): Org {
  const models = new Map<string, HardwareModel>();
  for (const [name, m] of Object.entries(o.models)) {
    models.set(name, { name, kind: m.kind, ports: m.ports ?? 0, uplinks: m.uplinks });
  }
  return {
    name: o.org.name,
    domain: o.org.domain,
    country: o.org.country,
    addressPlan: { ...o.addressPlan },
    services: o.services.map((s, i) => ({
      name: s.name,
      description: s.description ?? s.name,
      addresses: s.addresses.map((a) => (a.includes('/') ? a : `${a}/32`)),
      ports: s.ports.map(parsePortSpec),
      source: source.locate(['services', i]),
    })),
    management: { ...o.management },
    zones: o.zones.map((z, i) => ({ ...z, source: source.locate(['zones', i]) })),
    endpointKinds: { ...o.endpointKinds },
    ssids: o.ssids.map((s, i) => ({ ...s, source: source.locate(['ssids', i]) })),
    models,
    vpnGateways: (o.vpn?.gateways ?? []).map((g, i) => ({ ...g, source: source.locate(['vpn', 'gateways', i]) })),
    source: source.locate([]),
  };
}

/** Endpoints of a zone that need a switch port: the wired endpoint kinds mapped to it. */
function wiredFor(org: OrgFile, site: SiteFile, zone: string): number {
  let n = 0;
  for (const [kind, count] of Object.entries(site.endpoints) as [EndpointKindName, number][]) {
    const k = org.endpointKinds[kind];
    if (k && k.zone === zone && k.attach === 'wired') n += count;
  }
  return n;
}

function buildSite(org: OrgFile, { source, value: s }: Parsed<SiteFile>): Site {
  return {
    code: s.site.code,
    name: s.site.name,
    kind: s.site.kind,
    address: { ...s.site.address },
    ...(s.site.block ? { block: s.site.block } : {}),
    ...(s.site.description ? { description: s.site.description } : {}),
    uplink: { ...s.uplink },
    zones: s.zones.map((z, i) => ({
      zone: z.zone,
      endpoints: z.endpoints,
      wired: wiredFor(org, s, z.zone),
      source: source.locate(['zones', i]),
    })),
    endpoints: { ...s.endpoints },
    devices: s.devices.map((d, i) => ({
      hostname: d.hostname,
      role: d.role,
      platform: d.platform,
      model: d.model,
      ...(d.mgmt ? { mgmt: d.mgmt } : {}),
      ...(d.uplink ? { uplink: d.uplink } : {}),
      ...(d.description ? { description: d.description } : {}),
      ...(d.ssh ? { ssh: { port: d.ssh.port, ...(d.ssh.hostKey ? { hostKey: d.ssh.hostKey } : {}) } } : {}),
      ssids: d.ssids ?? [],
      ports: d.ports.map((p, j) => ({ ...p, source: source.locate(['devices', i, 'ports', j]) })),
      source: source.locate(['devices', i]),
    })),
    source: source.locate(['site']),
  };
}

export function buildInventory(
  root: string,
  org: Parsed<OrgFile>,
  sites: readonly Parsed<SiteFile>[],
  allocations: Parsed<AllocationsFile> | undefined,
): Inventory {
  const alloc: Allocations = { sites: allocations?.value.sites ?? {} };
  return deepFreeze({
    root,
    org: buildOrg(org),
    sites: sites.map((s) => buildSite(org.value, s)).sort((a, b) => compareText(a.code, b.code)),
    allocations: alloc,
  });
}
