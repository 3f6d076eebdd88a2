// Builds each device's complete, explicit intent from the site's addresses and port
// layout. Templates get everything they print from here, nothing from the inventory.
import type { Device, Inventory, Site } from '../inventory/index.js';
import { net } from '../inventory/index.js';
import type { SiteAddresses } from './allocate.js';
import type { ApIntent, FirewallIntent, FirewallZone, Management, ServerRef, SwitchIntent, ZonePlan } from './intent.js';
import type { PortLayout } from './ports.js';

const { cidr, intToIp, last, mask } = net;

export function zonePlans(inv: Inventory, site: Site, addrs: SiteAddresses): ZonePlan[] {
  const reserved = inv.org.addressPlan.reservedPerZone;
  const plans: ZonePlan[] = [];
  for (const z of site.zones) {
    const def = inv.org.zones.find((d) => d.name === z.zone)!;
    const b = addrs.zones.get(z.zone);
    if (!b) continue;
    const dhcpStart = b.base + reserved + 1;
    plans.push({
      name: def.name,
      vlan: def.vlan,
      description: def.description,
      trust: def.trust,
      subnet: cidr(b),
      network: intToIp(b.base),
      prefix: b.prefix,
      netmask: mask(b.prefix),
      gateway: intToIp(b.base + 1),
      broadcast: intToIp(last(b)),
      dhcp: def.dhcp && dhcpStart < last(b) - 1 ? { start: intToIp(dhcpStart), end: intToIp(last(b) - 1) } : null,
      endpoints: z.endpoints,
      wired: z.wired,
      portAuth: def.portAuth,
    });
  }
  return plans.sort((a, b) => a.vlan - b.vlan);
}

function servers(inv: Inventory, name: string): { addresses: string[]; port: number } {
  const s = inv.org.services.find((x) => x.name === name)!;
  return { addresses: s.addresses.map((a) => a.replace(/\/32$/, '')), port: s.ports[0]?.from ?? 0 };
}

function common(inv: Inventory, site: Site, d: Device, addrs: SiteAddresses, zones: readonly ZonePlan[]) {
  const m = inv.org.management;
  const mgmtZone = zones.find((z) => z.name === m.zone)!;
  const mgmt: Management = {
    address: intToIp(addrs.devices.get(d.hostname) ?? 0),
    prefix: mgmtZone.prefix,
    netmask: mgmtZone.netmask,
    gateway: mgmtZone.gateway,
    vlan: mgmtZone.vlan,
  };
  const syslog = servers(inv, m.syslog);
  const radius = servers(inv, m.radius);
  const radiusSvc = inv.org.services.find((x) => x.name === m.radius)!;
  return {
    hostname: d.hostname,
    site: site.code,
    role: d.role,
    platform: d.platform,
    model: d.model,
    description: d.description ?? `${d.role} ${site.name}`,
    mgmt,
    domain: inv.org.domain,
    dns: servers(inv, m.dns).addresses,
    ntp: servers(inv, m.ntp).addresses,
    syslog: syslog.addresses.map((address): ServerRef => ({ address, port: syslog.port })),
    radius: {
      servers: radius.addresses.map((address): ServerRef => ({ address, port: radius.port })),
      acctPort: radiusSvc.ports[1]?.from ?? radius.port + 1,
      key: { secret: 'radius-key' },
    },
    snmp: { user: m.snmpUser, auth: { secret: 'snmp-auth' }, priv: { secret: 'snmp-priv' } },
    managementFrom: [inv.org.addressPlan.management, mgmtZone.subnet],
    mgmtServices: { ssh: true, telnet: false, http: false, snmpCommunities: 0 },
    ssh: { port: d.ssh?.port ?? 22, ...(d.ssh?.hostKey ? { hostKey: d.ssh.hostKey } : {}) },
    source: d.source,
  };
}

export function switchIntent(inv: Inventory, site: Site, d: Device, addrs: SiteAddresses, zones: readonly ZonePlan[], layout: PortLayout): SwitchIntent {
  const model = inv.org.models.get(d.model)!;
  const parking = inv.org.management.parkingVlan;
  // Object.assign onto the fresh common part, not `{ ...common(), ... }`: the same fields
  // in the same order, without V8's slow path for a spread followed by more fields.
  return Object.assign(common(inv, site, d, addrs, zones), {
    kind: 'switch' as const,
    vlans: [...zones.map((z) => ({ id: z.vlan, name: z.name })), { id: parking, name: 'parking' }],
    parkingVlan: parking,
    frontPorts: model.ports,
    uplinkPorts: model.uplinks,
    ports: layout.switches.get(d.hostname) ?? [],
  });
}

export function apIntent(inv: Inventory, site: Site, d: Device, addrs: SiteAddresses, zones: readonly ZonePlan[], layout: PortLayout): ApIntent {
  return Object.assign(common(inv, site, d, addrs, zones), {
    kind: 'ap' as const,
    country: inv.org.country,
    ssids: d.ssids.map((name) => {
      const s = inv.org.ssids.find((x) => x.name === name)!;
      return { ssid: s.name, zone: s.zone, vlan: zones.find((z) => z.name === s.zone)!.vlan, security: s.security, isolate: s.isolate };
    }),
    uplink: layout.attachments.get(d.hostname) ?? null,
  });
}

export function firewallIntent(inv: Inventory, site: Site, d: Device, addrs: SiteAddresses, zones: readonly ZonePlan[]): FirewallIntent {
  const [wanAddress, wanPrefix] = site.uplink.wan.split('/') as [string, string];
  const lan = 'lan';
  const fwZones: FirewallZone[] = zones.map((z) => ({ ...z, iface: `${lan}.${z.vlan}` }));
  return {
    ...common(inv, site, d, addrs, zones),
    kind: 'firewall',
    wan: {
      iface: 'wan',
      address: wanAddress,
      prefix: Number(wanPrefix),
      netmask: mask(Number(wanPrefix)),
      gateway: site.uplink.gateway,
      circuit: site.uplink.circuit,
      bandwidthMbps: site.uplink.bandwidthMbps,
    },
    lan,
    zones: fwZones,
    masquerade: zones.filter((z) => z.trust !== 'management').map((z) => z.name),
    sets: [],
    rules: [],
  };
}

