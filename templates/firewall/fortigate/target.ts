// FortiGate (FortiOS 7.x CLI): one script per firewall, pasted or pushed as a whole.
// Zones become VLAN sub-interfaces of one LAN port; access rules become firewall
// policies in rule order, with addresses and services as named objects. Interface,
// object and policy building happens here; the template only formats.
import type { FirewallIntent, FirewallRule, RuleMatch, RuleService } from '../../../core/plan/index.js';
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

/** Interfaces and address objects of one rule side; sets live beyond the WAN. */
function side(m: RuleMatch, fw: FirewallIntent, wan: string): { ifaces: string[]; addrs: string[] } {
  if (m.any) return { ifaces: [...fw.zones.map((z) => vlanIf(z.vlan)), wan], addrs: ['all'] };
  const ifaces = m.zones.map((z) => fw.zones.find((x) => x.name === z)).filter((z) => !!z).map((z) => vlanIf(z!.vlan));
  if (m.sets.length) ifaces.push(wan);
  return { ifaces, addrs: [...m.zones.map(zoneAddr), ...m.sets] };
}

interface Policy { id: number; name: string; srcintf: string; dstintf: string; srcaddr: string; dstaddr: string; service: string; action: string; nat: boolean; comments: string }

/**
 * One rule becomes up to two policies: towards the site's own zones, and towards the
 * WAN. FortiOS applies a policy's NAT to every egress interface it lists, so the WAN
 * part is kept apart to NAT only what leaves the site, and only for masqueraded zones.
 */
export function policies(fw: FirewallIntent, wan: string): Policy[] {
  const out: Policy[] = [];
  const quoted = (xs: readonly string[]) => [...new Set(xs)].map((x) => `"${text(x)}"`).join(' ');
  for (const r of fw.rules) {
    const from = side(r.from, fw, wan);
    const to = side(r.to, fw, wan);
    const service = r.services.length ? quoted(r.services.map(serviceName)) : '"ALL"';
    const masqueraded = !r.from.any && r.from.sets.length === 0 && r.from.zones.every((z) => fw.masquerade.includes(z));
    const parts = [
      { suffix: '', dst: to.ifaces.filter((i) => i !== wan) },
      { suffix: '-wan', dst: to.ifaces.filter((i) => i === wan) },
    ];
    for (const p of parts) {
      if (!p.dst.length) continue;
      const toWan = p.suffix === '-wan';
      out.push({
        id: out.length + 1,
        name: text(`${r.id}${p.suffix}`).slice(0, 35),
        srcintf: quoted(from.ifaces),
        dstintf: quoted(p.dst),
        srcaddr: quoted(from.addrs),
        dstaddr: quoted(to.addrs),
        service,
        action: r.action === 'accept' ? 'accept' : 'deny',
        nat: toWan && r.action === 'accept' && masqueraded,
        comments: text(`outpost rule ${r.id}: ${r.comment}`).slice(0, 1023),
      });
    }
  }
  return out;
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
    const addresses = fw.sets.flatMap((s) =>
      s.addresses.map((a, i) => {
        const range = a.includes('-') ? a.split('-') : null;
        return { name: `${s.name}-${i + 1}`, range: range ? { start: range[0]!, end: range[1]! } : null, subnet: range ? null : subnet(a), comment: text(s.comment) };
      }),
    );
    const groups = fw.sets.map((s) => ({ name: s.name, comment: text(s.comment), members: s.addresses.map((_, i) => `"${s.name}-${i + 1}"`).join(' ') }));
    const content = template('firewall/fortigate', 'firewall.conf.hbs')({
      fw,
      ports,
      admin: ADMIN,
      zones,
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
