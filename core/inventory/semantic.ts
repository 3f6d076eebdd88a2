// Checks that relate values to each other: references, uniqueness, address overlaps,
// capacity. Each returns located diagnostics; all run, so a person sees every problem.
import { error, warning, type Diagnostic } from '../diagnostics.js';
import { pathString, type YamlPath, type YamlSource } from './source.js';
import type { Parsed } from './load.js';
import type { AllocationsFile, EndpointKindName, OrgFile, SiteFile } from './schema.js';
import { containsIp, contains, ipToInt, overlaps, parseCidr, type Block, cidr } from './net.js';

/** Platform ids a target registry knows, per device role. */
export type PlatformCatalogue = Readonly<Record<'switch' | 'ap' | 'firewall', readonly string[]>>;

type Report = (code: string, message: string, source: YamlSource, path: YamlPath, key?: boolean) => void;

const roleKind = { firewall: 'firewall', distribution: 'switch', access: 'switch', ap: 'ap' } as const;

function checkOrg(org: Parsed<OrgFile>, report: Report): void {
  const { value: o, source: src } = org;
  const seen = new Map<string, number>();
  const uniq = (kind: string, key: string, path: YamlPath) => {
    const k = `${kind}:${key}`;
    if (seen.has(k)) report(`duplicate-${kind}`, `duplicate ${kind} ${key}`, src, path);
    else seen.set(k, 1);
  };
  o.zones.forEach((z, i) => {
    uniq('zone', z.name, ['zones', i, 'name']);
    uniq('vlan', String(z.vlan), ['zones', i, 'vlan']);
  });
  if (o.zones.some((z) => z.vlan === o.management.parkingVlan)) {
    report('duplicate-vlan', `parking VLAN ${o.management.parkingVlan} is also a zone's VLAN`, src, ['management', 'parkingVlan']);
  }
  o.services.forEach((s, i) => uniq('service', s.name, ['services', i, 'name']));
  o.ssids.forEach((s, i) => uniq('ssid', s.name, ['ssids', i, 'name']));

  const zones = new Set(o.zones.map((z) => z.name));
  const services = new Set(o.services.map((s) => s.name));
  o.ssids.forEach((s, i) => {
    if (!zones.has(s.zone)) report('unknown-zone', `SSID ${s.name} names unknown zone ${s.zone}`, src, ['ssids', i, 'zone']);
  });
  for (const [kind, k] of Object.entries(o.endpointKinds)) {
    if (k && !zones.has(k.zone)) report('unknown-zone', `endpoint kind ${kind} names unknown zone ${k.zone}`, src, ['endpointKinds', kind, 'zone']);
  }
  for (const ref of ['dns', 'ntp', 'syslog', 'radius'] as const) {
    if (!services.has(o.management[ref])) report('unknown-service', `management.${ref} names unknown service ${o.management[ref]}`, src, ['management', ref]);
  }
  if (!zones.has(o.management.zone)) report('unknown-zone', `management.zone names unknown zone ${o.management.zone}`, src, ['management', 'zone']);

  const plan = o.addressPlan;
  const supernets = (['sites', 'vpn', 'management', 'transit'] as const).map((k) => ({ k, b: parseCidr(plan[k]) }));
  for (let i = 0; i < supernets.length; i++) {
    for (let j = i + 1; j < supernets.length; j++) {
      const a = supernets[i]!;
      const b = supernets[j]!;
      if (overlaps(a.b, b.b)) report('subnet-overlap', `address plan ${b.k} ${plan[b.k]} overlaps ${a.k} ${plan[a.k]}`, src, ['addressPlan', b.k]);
    }
  }
  if (plan.siteBlockPrefix < parseCidr(plan.sites).prefix) {
    report('out-of-plan', `siteBlockPrefix /${plan.siteBlockPrefix} is larger than the sites supernet ${plan.sites}`, src, ['addressPlan', 'siteBlockPrefix']);
  }
  o.services.forEach((s, i) =>
    s.addresses.forEach((a, j) => {
      if (a.endsWith('/0')) return;
      const b = parseCidr(a.includes('/') ? a : `${a}/32`);
      for (const sn of supernets) {
        if (overlaps(b, sn.b)) report('subnet-overlap', `service ${s.name} address ${a} lies in the ${sn.k} range ${plan[sn.k]}`, src, ['services', i, 'addresses', j]);
      }
    }),
  );
}

interface SiteIndex {
  readonly blocks: { block: Block; code: string; src: YamlSource; path: YamlPath }[];
  readonly wans: { block: Block; code: string }[];
  readonly hostnames: Map<string, string>;
  readonly mgmt: Map<number, string>;
  readonly codes: Map<string, string>;
  readonly circuits: Map<string, string>;
}

function checkSite(org: OrgFile, site: Parsed<SiteFile>, idx: SiteIndex, report: Report, platforms?: PlatformCatalogue): void {
  const { value: s, source: src } = site;
  const code = s.site.code;
  const plan = org.addressPlan;

  const prior = idx.codes.get(code);
  if (prior) report('duplicate-site', `site code ${code} is also used by ${prior}`, src, ['site', 'code']);
  else idx.codes.set(code, src.file);

  if (s.site.block) {
    const b = parseCidr(s.site.block);
    if (!contains(parseCidr(plan.sites), b)) report('out-of-plan', `site block ${s.site.block} is outside the sites supernet ${plan.sites}`, src, ['site', 'block']);
    for (const other of idx.blocks) {
      if (overlaps(other.block, b)) report('subnet-overlap', `site block ${s.site.block} overlaps site ${other.code} (${cidr(other.block)})`, src, ['site', 'block']);
    }
    idx.blocks.push({ block: b, code, src, path: ['site', 'block'] });
  }

  const wan = parseCidr(s.uplink.wan);
  const wanIp = ipToInt(s.uplink.wan.split('/')[0]!);
  if (!contains(parseCidr(plan.transit), wan)) report('out-of-plan', `WAN ${s.uplink.wan} is outside the transit range ${plan.transit}`, src, ['uplink', 'wan']);
  if (!containsIp(wan, ipToInt(s.uplink.gateway))) report('unreachable-gateway', `gateway ${s.uplink.gateway} is not in the WAN subnet ${s.uplink.wan}`, src, ['uplink', 'gateway']);
  if (ipToInt(s.uplink.gateway) === wanIp) report('duplicate-address', `gateway ${s.uplink.gateway} is the site's own WAN address`, src, ['uplink', 'gateway']);
  for (const other of idx.wans) {
    if (overlaps(other.block, wan)) report('subnet-overlap', `WAN ${s.uplink.wan} overlaps the WAN of site ${other.code}`, src, ['uplink', 'wan']);
  }
  idx.wans.push({ block: wan, code });
  const circuitOwner = idx.circuits.get(s.uplink.circuit);
  if (circuitOwner) report('duplicate-circuit', `circuit ${s.uplink.circuit} is also the uplink of site ${circuitOwner}`, src, ['uplink', 'circuit']);
  else idx.circuits.set(s.uplink.circuit, code);

  // Zones
  const catalogue = new Map(org.zones.map((z) => [z.name, z]));
  const siteZones = new Map<string, number>();
  s.zones.forEach((z, i) => {
    if (!catalogue.has(z.zone)) report('unknown-zone', `zone ${z.zone} is not in the zone catalogue of org.yaml`, src, ['zones', i, 'zone']);
    if (siteZones.has(z.zone)) report('duplicate-zone', `zone ${z.zone} is listed twice`, src, ['zones', i, 'zone']);
    siteZones.set(z.zone, i);
  });
  if (!siteZones.has(org.management.zone)) report('missing-zone', `every site needs the management zone ${org.management.zone}`, src, ['zones']);
  const mapped = new Map<string, { n: number; kinds: string[] }>();
  for (const [kind, count] of Object.entries(s.endpoints) as [EndpointKindName, number][]) {
    const k = org.endpointKinds[kind];
    if (!k) {
      report('unknown-endpoint-kind', `endpoint kind ${kind} has no zone in org.yaml endpointKinds`, src, ['endpoints', kind]);
      continue;
    }
    if (count > 0 && !siteZones.has(k.zone)) report('unknown-zone', `${count} ${kind} go to zone ${k.zone}, which this site does not have`, src, ['endpoints', kind]);
    const m = mapped.get(k.zone) ?? { n: 0, kinds: [] };
    m.n += count;
    m.kinds.push(`${count} ${kind}`);
    mapped.set(k.zone, m);
  }
  s.zones.forEach((z, i) => {
    const m = mapped.get(z.zone);
    if (m && m.n > z.endpoints) report('zone-capacity', `zone ${z.zone} declares ${z.endpoints} endpoints but the site has ${m.kinds.join(' + ')} in it`, src, ['zones', i, 'endpoints']);
  });

  // Devices
  const devices = new Map(s.devices.map((d, i) => [d.hostname, i]));
  const ssids = new Map(org.ssids.map((x) => [x.name, x]));
  if (!s.devices.some((d) => d.role === 'firewall')) report('missing-device', 'every site needs a firewall (role: firewall)', src, ['devices']);
  s.devices.forEach((d, i) => {
    const at: YamlPath = ['devices', i];
    const owner = idx.hostnames.get(d.hostname);
    if (owner) report('duplicate-hostname', `hostname ${d.hostname} is also used at site ${owner}`, src, [...at, 'hostname']);
    else idx.hostnames.set(d.hostname, code);
    const model = org.models[d.model];
    if (!model) report('unknown-model', `model ${d.model} is not in org.yaml models`, src, [...at, 'model']);
    else if (model.kind !== roleKind[d.role]) report('model-role', `model ${d.model} is a ${model.kind}, not fit for role ${d.role}`, src, [...at, 'model']);
    const known = platforms?.[roleKind[d.role]];
    if (known && !known.includes(d.platform)) {
      report('unknown-platform', `platform ${d.platform} cannot render a ${roleKind[d.role]}; known: ${known.join(', ')}`, src, [...at, 'platform']);
    }
    if (d.mgmt) {
      const ip = ipToInt(d.mgmt);
      const dup = idx.mgmt.get(ip);
      if (dup) report('duplicate-address', `management address ${d.mgmt} is also ${dup}'s`, src, [...at, 'mgmt']);
      else idx.mgmt.set(ip, d.hostname);
    }
    if (d.uplink !== undefined) {
      if (!devices.has(d.uplink)) report('unknown-device', `uplink ${d.uplink} is not a device of this site`, src, [...at, 'uplink']);
      else if (d.uplink === d.hostname) report('uplink-loop', `${d.hostname} cannot be its own uplink`, src, [...at, 'uplink']);
    } else if (d.role !== 'firewall') {
      report('missing-uplink', `${d.role} ${d.hostname} needs an uplink (the device it plugs into)`, src, at);
    }
    if (d.role !== 'ap' && d.ssids?.length) report('ssid-on-wired', `only APs carry SSIDs`, src, [...at, 'ssids']);
    if (d.role === 'ap' && !d.ssids?.length) report('missing-ssid', `AP ${d.hostname} broadcasts no SSID`, src, at);
    d.ssids?.forEach((name, j) => {
      const ssid = ssids.get(name);
      if (!ssid) report('unknown-ssid', `SSID ${name} is not in org.yaml ssids`, src, [...at, 'ssids', j]);
      else if (!siteZones.has(ssid.zone)) report('unknown-zone', `SSID ${name} goes to zone ${ssid.zone}, which this site does not have`, src, [...at, 'ssids', j]);
    });
    const maxPort = model ? (model.ports ?? 0) + model.uplinks : Infinity;
    const pinned = new Set<number>();
    d.ports.forEach((p, j) => {
      const pp: YamlPath = [...at, 'ports', j];
      if (p.port > maxPort) report('unknown-port', `port ${p.port} does not exist on a ${d.model} (${maxPort} ports)`, src, [...pp, 'port']);
      if (pinned.has(p.port)) report('duplicate-port', `port ${p.port} of ${d.hostname} is listed twice`, src, [...pp, 'port']);
      pinned.add(p.port);
      if (!p.zone === !p.device) report('port-target', 'a port names either a zone or a device', src, pp);
      if (p.zone && !siteZones.has(p.zone)) report('unknown-zone', `port ${p.port} goes to zone ${p.zone}, which this site does not have`, src, [...pp, 'zone']);
      if (p.device && !devices.has(p.device)) report('unknown-device', `port ${p.port} goes to ${p.device}, not a device of this site`, src, [...pp, 'device']);
    });
  });
  // Uplinks must form a tree rooted at a firewall: a loop would never converge.
  for (const d of s.devices) {
    const seen = new Set<string>();
    let cur: string | undefined = d.hostname;
    while (cur && !seen.has(cur)) {
      seen.add(cur);
      const i = devices.get(cur);
      cur = i === undefined ? undefined : s.devices[i]!.uplink;
    }
    if (cur && seen.has(cur) && cur === d.hostname) {
      report('uplink-loop', `uplinks of ${d.hostname} loop back to it`, src, ['devices', devices.get(d.hostname)!, 'uplink']);
    }
  }
}

export function checkInventory(
  org: Parsed<OrgFile>,
  sites: readonly Parsed<SiteFile>[],
  allocations: Parsed<AllocationsFile> | undefined,
  platforms?: PlatformCatalogue,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report: Report = (code, message, source, path, key = false) =>
    diagnostics.push(error(code, message, { ...(key ? source.locateKey(path) : source.locate(path)), path: pathString(path) }));
  checkOrg(org, report);
  const idx: SiteIndex = { blocks: [], wans: [], hostnames: new Map(), mgmt: new Map(), codes: new Map(), circuits: new Map() };
  for (const s of sites) checkSite(org.value, s, idx, report, platforms);
  if (allocations) {
    const codes = new Set(sites.map((s) => s.value.site.code));
    for (const code of Object.keys(allocations.value.sites)) {
      if (!codes.has(code)) {
        diagnostics.push(
          warning('stale-allocation', `allocations for site ${code}, which no site file defines; they stay reserved until removed`, {
            ...allocations.source.locateKey(['sites', code]),
            path: `sites.${code}`,
          }),
        );
      }
    }
  }
  return diagnostics;
}
