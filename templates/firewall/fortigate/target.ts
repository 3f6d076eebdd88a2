// FortiGate (FortiOS 7.x CLI): one script per firewall, pasted or pushed as a whole.
// Zones become VLAN sub-interfaces of one LAN port; access rules become firewall
// policies in rule order, with addresses and services as named objects. Interface,
// object and policy building happens here; the template only formats.
import { interfaceResolver, type FirewallIntent, type FirewallRule, type RuleMatch, type RuleService, type SideInterfaces } from '../../../core/plan/index.js';
import { defineTarget } from '../../../core/render/target.js';
import { template } from '../../../core/render/engine.js';
import { readRunning } from './running.js';
import { remediate } from './remediate.js';

/** Physical ports per model: the fibre uplink and the trunk towards the distribution switch. */
export const PORTS: Readonly<Record<string, { wan: string; lan: string }>> = {
  'FG-100F': { wan: 'wan1', lan: 'port1' },
  default: { wan: 'wan1', lan: 'internal1' },
};

/** The local administrator delivery logs in as; its trusted hosts are set here. */
export const ADMIN = 'admin';

export const vlanIf = (vlan: number): string => `vlan${vlan}`;
/** FortiOS strings are double-quoted; inventory text is pattern-checked, this is a last guard. */
const text = (s: string): string => s.replace(/["\\]/g, "'");

function netmask(prefix: number): string {
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (mask >>> s) & 255).join('.');
}

/** `a.b.c.d/n` -> `a.b.c.d m.m.m.m`; a bare address is a /32. */
export function subnet(cidr: string): string {
  const [net, len] = cidr.split('/');
  return `${net} ${netmask(len === undefined ? 32 : Number(len))}`;
}

interface Service { name: string; tcp: string | null; udp: string | null }

/** Custom service objects, one per distinct protocol + port list; ICMP and "any" are built-ins. */
function serviceName(s: RuleService): string {
  if (s.proto === 'icmp') return 'ALL_ICMP';
  const ports = s.ports.length ? s.ports.map((p) => (p.from === p.to ? `${p.from}` : `${p.from}-${p.to}`)) : ['1-65535'];
  return `${s.proto}-${ports.join('_')}`;
}

function services(rules: readonly FirewallRule[]): Service[] {
  const out = new Map<string, Service>();
  for (const r of rules) {
    for (const s of r.services) {
      if (s.proto === 'icmp') continue;
      const name = serviceName(s);
      const range = s.ports.length ? s.ports.map((p) => (p.from === p.to ? `${p.from}` : `${p.from}-${p.to}`)).join(' ') : '1-65535';
      out.set(name, { name, tcp: s.proto === 'tcp' ? range : null, udp: s.proto === 'udp' ? range : null });
    }
  }
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

const zoneAddr = (zone: string) => `net-${zone}`;

/** Address objects of one rule side: zones by their subnet object, sets by name. */
const addrs = (m: RuleMatch): string[] => {
  if (m.any) return ['all'];
  const out = m.zones.map(zoneAddr);
  for (let i = 0; i < m.sets.length; i++) out.push(m.sets[i]!);
  return out;
};

interface Policy { id: number; name: string; srcintf: string; dstintf: string; srcaddr: string; dstaddr: string; service: string; action: string; nat: boolean; comments: string }

/**
 * One rule becomes up to two policies: towards the site's own zones (or the tunnel), and
 * towards the WAN. Each names the interfaces its traffic really uses (interfaceResolver):
 * the zone, tunnel or WAN it comes in on, the destination's interface out. FortiOS
 * applies a policy's NAT to every egress interface it lists, so the WAN part is kept
 * apart to NAT only what leaves the site, and only from masqueraded zones. Traffic that
 * would enter and leave on the WAN never crosses a site, so no policy names WAN to WAN.
 */
export function policies(fw: FirewallIntent, wan: string): Policy[] {
  const out: Policy[] = [];
  // Indexed loops and no spreads on the per-rule paths: a fresh process runs them for
  // thousands of rules before they are optimised. Lists here hold a handful of names.
  const quoted = (xs: readonly string[]) => {
    let s = '';
    for (let i = 0; i < xs.length; i++) {
      if (xs.indexOf(xs[i]!) < i) continue;
      s += `${s ? ' ' : ''}"${text(xs[i]!)}"`;
    }
    return s;
  };
  const resolve = interfaceResolver(fw);
  const vlanOf = new Map(fw.zones.map((z) => [z.name, vlanIf(z.vlan)]));
  const tunnel = fw.tunnel?.iface;
  const names = (i: SideInterfaces, withWan: boolean) => {
    const out = i.zones.map((z) => vlanOf.get(z)!);
    if (i.tunnel && tunnel) out.push(tunnel);
    if (withWan && i.wan) out.push(wan);
    return out;
  };
  for (const r of fw.rules) {
    const from = resolve(r.from);
    const to = resolve(r.to);
    const service = r.services.length ? quoted(r.services.map(serviceName)) : '"ALL"';
    const srcaddr = quoted(addrs(r.from));
    const dstaddr = quoted(addrs(r.to));
    const comments = text(`outpost rule ${r.id}: ${r.comment}`).slice(0, 1023);
    const masqueraded = !from.tunnel && !from.wan && from.zones.length > 0 && from.zones.every((z) => fw.masquerade.includes(z));
    const parts = [
      { suffix: '', src: names(from, true), dst: names(to, false) },
      { suffix: '-wan', src: names(from, false), dst: to.wan ? [wan] : [] },
    ];
    for (const p of parts) {
      if (!p.dst.length || !p.src.length) continue;
      const toWan = p.suffix === '-wan';
      out.push({
        id: out.length + 1,
        name: text(`${r.id}${p.suffix}`).slice(0, 35),
        srcintf: quoted(p.src),
        dstintf: quoted(p.dst),
        srcaddr,
        dstaddr,
        service,
        action: r.action === 'accept' ? 'accept' : 'deny',
        nat: toWan && r.action === 'accept' && masqueraded,
        comments,
      });
    }
  }
  return out;
}

/**
 * Address objects and groups for the sets the rules name: a one-address set is an
 * address object under the set's own name, a larger one a group of numbered objects.
 */
function addressObjects(fw: FirewallIntent) {
  const addresses: { name: string; range: { start: string; end: string } | null; subnet: string | null; comment: string }[] = [];
  const groups: { name: string; comment: string; members: string }[] = [];
  for (const s of fw.sets) {
    const comment = text(s.comment);
    const one = s.addresses.length === 1;
    s.addresses.forEach((a, i) => {
      const range = a.includes('-') ? a.split('-') : null;
      addresses.push({ name: one ? s.name : `${s.name}-${i + 1}`, range: range ? { start: range[0]!, end: range[1]! } : null, subnet: range ? null : subnet(a), comment });
    });
    if (!one) groups.push({ name: s.name, comment, members: s.addresses.map((_, i) => `"${s.name}-${i + 1}"`).join(' ') });
  }
  return { addresses, groups };
}

export default defineTarget({
  id: 'fortigate',
  kind: 'firewall',
  capabilities: ['zones', 'address-sets', 'nat', 'management-acl', 'stateful', 'rule-comments', 'dhcp', 'snmpv3'],
  render(fw) {
    const ports = PORTS[fw.model] ?? PORTS['default']!;
    const zones = fw.zones.map((z) => ({
      ...z,
      ifname: vlanIf(z.vlan),
      ip: `${z.gateway} ${z.netmask}`,
      subnetMask: subnet(z.subnet),
      description: text(z.description),
      allowaccess: z.vlan === fw.mgmt.vlan ? 'ping ssh snmp' : 'ping',
    }));
    const { addresses, groups } = addressObjects(fw);
    // Only the zones a rule names get an address object.
    const used = new Set<string>();
    for (const r of fw.rules) for (const z of [r.from.zones, r.to.zones]) for (let i = 0; i < z.length; i++) used.add(z[i]!);
    const content = template('firewall/fortigate', 'firewall.conf.hbs')({
      fw,
      ports,
      admin: ADMIN,
      zones,
      zoneAddresses: zones.filter((z) => used.has(z.name)),
      dhcpZones: zones.filter((z) => z.dhcp),
      trusthosts: fw.managementFrom.map((n, i) => ({ n: i + 1, subnet: subnet(n) })),
      syslog: fw.syslog.slice(0, 4).map((s, i) => ({ ...s, section: i === 0 ? 'syslogd' : `syslogd${i + 1}` })),
      addresses,
      groups,
      services: services(fw.rules),
      policies: policies(fw, ports.wan),
    });
    return [{ suffix: '.conf', content }];
  },
  readRunning,
  remediate,
});
