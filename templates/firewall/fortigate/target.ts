// FortiGate (FortiOS 7.x CLI): one script per firewall, pasted or pushed as a whole.
// Zones become VLAN sub-interfaces of one LAN port; access rules become firewall
// policies in rule order, with addresses and services as named objects. Interface,
// object and policy building happens here; the template only formats.
import { interfaceResolver, portSpan, type FirewallIntent, type FirewallRule, type RuleMatch, type RuleService, type SideInterfaces } from '../../../core/plan/index.js';
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
/**
 * FortiOS strings are double-quoted; inventory text is pattern-checked, this is a last guard.
 * (Looked for before replacing: thousands of comments at ACL scale hold neither.)
 */
const text = (s: string): string => (s.includes('"') || s.includes('\\') ? s.replace(/["\\]/g, "'") : s);

function dotted(prefix: number): string {
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (mask >>> s) & 255).join('.');
}
/** The 33 masks, written once rather than for each of thousands of address objects. */
const MASKS = Array.from({ length: 33 }, (_, prefix) => dotted(prefix));
const netmask = (prefix: number): string => MASKS[prefix] ?? dotted(prefix);

/** `a.b.c.d/n` -> `a.b.c.d m.m.m.m`; a bare address is a /32. */
export function subnet(cidr: string): string {
  // What `cidr.split('/')` gives as its first two parts, without the array.
  const slash = cidr.indexOf('/');
  if (slash < 0) return `${cidr} ${netmask(32)}`;
  const end = cidr.indexOf('/', slash + 1);
  return `${cidr.slice(0, slash)} ${netmask(Number(end < 0 ? cidr.slice(slash + 1) : cidr.slice(slash + 1, end)))}`;
}

interface Service { name: string; tcp: string | null; udp: string | null }

/** A service's ports joined by `sep`; all ports when it names none. */
function portList(s: RuleService, sep: string): string {
  const ports = s.ports;
  // Most ACL services are one port: no array for them.
  if (ports.length === 1) return portSpan(ports[0]!);
  if (!ports.length) return '1-65535';
  return ports.map(portSpan).join(sep);
}

/** Custom service objects, one per distinct protocol + port list; ICMP and "any" are built-ins. */
function serviceName(s: RuleService): string {
  if (s.proto === 'icmp') return 'ALL_ICMP';
  return `${s.proto}-${portList(s, '_')}`;
}

function services(rules: readonly FirewallRule[]): Service[] {
  const out = new Map<string, Service>();
  for (let i = 0; i < rules.length; i++) {
    const list = rules[i]!.services;
    for (let j = 0; j < list.length; j++) {
      const s = list[j]!;
      if (s.proto === 'icmp') continue;
      const name = serviceName(s);
      const range = portList(s, ' ');
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
  const wanQuoted = quoted([wan]);
  const vlanOf = new Map(fw.zones.map((z) => [z.name, vlanIf(z.vlan)]));
  const tunnel = fw.tunnel?.iface;
  const names = (i: SideInterfaces, withWan: boolean) => {
    const out = i.zones.map((z) => vlanOf.get(z)!);
    if (i.tunnel && tunnel) out.push(tunnel);
    if (withWan && i.wan) out.push(wan);
    return out;
  };
  // The interfaces written for each answer of the resolver (few: sets share their answers).
  const written = new Map<SideInterfaces, [string, string]>();
  const interfaces = (i: SideInterfaces, withWan: boolean): string => {
    let w = written.get(i);
    if (!w) written.set(i, (w = [quoted(names(i, false)), quoted(names(i, true))]));
    return w[withWan ? 1 : 0];
  };
  // A side's addresses: most ACL sides are one set.
  const sideAddrs = (m: RuleMatch) => (!m.any && !m.zones.length && m.sets.length === 1 ? `"${text(m.sets[0]!)}"` : quoted(addrs(m)));
  const push = (r: FirewallRule, suffix: string, src: string, dst: string, shared: Pick<Policy, 'srcaddr' | 'dstaddr' | 'service' | 'comments'>, nat: boolean) => {
    if (!dst || !src) return;
    out.push({
      id: out.length + 1,
      name: text(`${r.id}${suffix}`).slice(0, 35),
      srcintf: src,
      dstintf: dst,
      srcaddr: shared.srcaddr,
      dstaddr: shared.dstaddr,
      service: shared.service,
      action: r.action === 'accept' ? 'accept' : 'deny',
      nat,
      comments: shared.comments,
    });
  };
  for (let k = 0; k < fw.rules.length; k++) {
    const r = fw.rules[k]!;
    const from = resolve(r.from);
    const to = resolve(r.to);
    const service = r.services.length === 1 ? `"${text(serviceName(r.services[0]!))}"` : r.services.length ? quoted(r.services.map(serviceName)) : '"ALL"';
    const shared = { srcaddr: sideAddrs(r.from), dstaddr: sideAddrs(r.to), service, comments: text(`outpost rule ${r.id}: ${r.comment}`).slice(0, 1023) };
    const masqueraded = !from.tunnel && !from.wan && from.zones.length > 0 && from.zones.every((z) => fw.masquerade.includes(z));
    // Towards the site (or the tunnel), then the part that leaves through the WAN.
    push(r, '', interfaces(from, true), interfaces(to, false), shared, false);
    if (to.wan) push(r, '-wan', interfaces(from, false), wanQuoted, shared, r.action === 'accept' && masqueraded);
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
  // Indexed loops: thousands of sets at ACL scale, in a fresh process before this is optimised.
  for (let k = 0; k < fw.sets.length; k++) {
    const s = fw.sets[k]!;
    const comment = text(s.comment);
    const one = s.addresses.length === 1;
    for (let i = 0; i < s.addresses.length; i++) {
      const a = s.addresses[i]!;
      const range = a.includes('-') ? a.split('-') : null;
      addresses.push({ name: one ? s.name : `${s.name}-${i + 1}`, range: range ? { start: range[0]!, end: range[1]! } : null, subnet: range ? null : subnet(a), comment });
    }
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
      lan: ports.lan,
    }));
    // Each block's item carries what the block prints, so the template reads no `@root` or
    // `@index` and is compiled without data frames (see compile-options.ts): its blocks'
    // functions are then made once, not once per address object and per policy.
    const dhcp = { dns1: fw.dns[0], dns2: fw.dns[1], domain: fw.domain, ntp1: fw.ntp[0] };
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
      dhcpZones: zones.filter((z) => z.dhcp).map((z) => ({ ...z, ...dhcp })),
      ntpServers: fw.ntp.map((server, i) => ({ n: i + 1, server })),
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
