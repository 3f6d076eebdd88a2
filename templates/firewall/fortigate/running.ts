// Reads a FortiGate's configuration (`show full-configuration` layout, or the script
// outpost pushed): policies as rules in order (each names its outpost rule in its
// comment), address groups as sets, custom services as ports, the administrators'
// trusted hosts, management access per interface, NTP, syslog and SNMP. Only the text:
// an address object stands for a VLAN's whole network only when the device says so.
import { net } from '../../../core/inventory/index.js';
import type { AddressSet, RuleService } from '../../../core/plan/index.js';
import type { SeenFirewall, SeenMatch, SeenRule } from '../../../core/render/running.js';

/** One `config` block or `edit` entry: its `set` values and what is nested in it. */
interface Node {
  readonly sets: Map<string, string[]>;
  readonly configs: Map<string, Node>;
  readonly entries: Map<string, Node>;
}

const node = (): Node => ({ sets: new Map(), configs: new Map(), entries: new Map() });

/** Words of a line, with "double quoted" strings as one word. */
function words(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

function parse(text: string): Node {
  const root = node();
  const stack: Node[] = [root];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [verb, ...rest] = words(line);
    const top = stack[stack.length - 1]!;
    if (verb === 'config') {
      const key = rest.join(' ');
      const child = top.configs.get(key) ?? node();
      top.configs.set(key, child);
      stack.push(child);
    } else if (verb === 'edit') {
      const child = node();
      top.entries.set(rest.join(' '), child);
      stack.push(child);
    } else if ((verb === 'next' || verb === 'end') && stack.length > 1) stack.pop();
    else if (verb === 'set' && rest.length) top.sets.set(rest[0]!, rest.slice(1));
  }
  return root;
}

const get = (n: Node | undefined, key: string) => n?.sets.get(key) ?? [];

/** `a.b.c.d m.m.m.m` -> CIDR. */
function cidr(address: string, mask: string): string {
  const bits = mask.split('.').reduce((n, o) => n + [...Number(o).toString(2)].filter((b) => b === '1').length, 0);
  return `${address}/${bits}`;
}

/** An inclusive address range as the fewest CIDRs. */
function rangeCidrs(start: string, end: string): string[] {
  const out: string[] = [];
  let lo = net.ipToInt(start);
  const hi = net.ipToInt(end);
  while (lo <= hi) {
    let prefix = 32;
    while (prefix > 0 && lo % net.size(prefix - 1) === 0 && lo + net.size(prefix - 1) - 1 <= hi) prefix--;
    out.push(`${net.intToIp(lo)}/${prefix}`);
    lo += net.size(prefix);
  }
  return out;
}

function portRanges(spec: string[]): { from: number; to: number }[] {
  // FortiOS writes `dst[-dst2][:src...]`; only destination ports matter here.
  return spec.map((p) => p.split(':')[0]!).map((p) => {
    const [a, b] = p.split('-').map(Number);
    return { from: a!, to: b ?? a! };
  });
}

/** The network a CIDR with host bits is on; undefined for text that is no address. */
function networkOf(cidrText: string): string | undefined {
  try {
    return net.cidr(net.parseCidr(cidrText));
  } catch {
    return undefined;
  }
}

export function readRunning(text: string): SeenFirewall {
  const root = parse(text);
  const cfg = (path: string) => root.configs.get(path);

  // VLAN interfaces and the network each one is on.
  const vlanNets = new Map<string, { vlan: number; network: string }>();
  for (const [name, e] of cfg('system interface')?.entries ?? []) {
    const vlan = get(e, 'vlanid')[0];
    const ip = get(e, 'ip');
    const network = ip.length === 2 ? networkOf(cidr(ip[0]!, ip[1]!)) : undefined;
    if (vlan && network) vlanNets.set(name, { vlan: Number(vlan), network });
  }

  const objects = new Map<string, string[]>();
  /** Address objects that are exactly a VLAN interface's network: the device's own zone objects. */
  const zoneObjects = new Map<string, number>();
  for (const [name, e] of cfg('firewall address')?.entries ?? []) {
    const sub = get(e, 'subnet');
    if (get(e, 'type')[0] === 'iprange') objects.set(name, rangeCidrs(get(e, 'start-ip')[0]!, get(e, 'end-ip')[0]!));
    else if (sub.length === 2) objects.set(name, [cidr(sub[0]!, sub[1]!)]);
    else objects.set(name, ['0.0.0.0/0']);
    const on = vlanNets.get(get(e, 'associated-interface')[0] ?? '');
    const addrs = objects.get(name)!;
    if (on && addrs.length === 1 && addrs[0] === on.network) zoneObjects.set(name, on.vlan);
  }
  const sets: AddressSet[] = [];
  for (const [name, e] of cfg('firewall addrgrp')?.entries ?? []) {
    sets.push({ name, addresses: get(e, 'member').flatMap((m) => objects.get(m) ?? []), comment: get(e, 'comment')[0] ?? '' });
  }
  const groups = new Set(sets.map((s) => s.name));

  const custom = new Map<string, RuleService[]>();
  for (const [name, e] of cfg('firewall service custom')?.entries ?? []) {
    const svcs: RuleService[] = [];
    for (const proto of ['tcp', 'udp'] as const) {
      const spec = get(e, `${proto}-portrange`);
      if (spec.length) svcs.push({ proto, ports: portRanges(spec) });
    }
    custom.set(name, svcs);
  }
  const servicesOf = (names: string[]): RuleService[] =>
    names.includes('ALL') ? [] : names.flatMap((n) => (n === 'ALL_ICMP' ? [{ proto: 'icmp' as const, ports: [] }] : (custom.get(n) ?? [])));

  // An address object used directly in a policy behaves as a set of its own.
  const useObject = (a: string) => {
    if (groups.has(a) || !objects.has(a)) return;
    sets.push({ name: a, addresses: objects.get(a)!, comment: 'address object' });
    groups.add(a);
  };
  const side = (addrs: string[]): SeenMatch => {
    if (addrs.includes('all')) return { any: true, vlans: [], ifaces: [], sets: [] };
    const named = addrs.filter((a) => !zoneObjects.has(a));
    named.forEach(useObject);
    return { any: false, vlans: addrs.filter((a) => zoneObjects.has(a)).map((a) => zoneObjects.get(a)!), ifaces: [], sets: named };
  };

  const rules: SeenRule[] = [];
  for (const [id, p] of cfg('firewall policy')?.entries ?? []) {
    if (get(p, 'status')[0] === 'disable') continue;
    const rule = get(p, 'comments')[0]?.match(/^outpost rule (\S+?):/)?.[1];
    rules.push({
      ...(rule ? { rule } : {}),
      at: `policy ${id}`,
      text: get(p, 'name')[0] ?? '',
      action: get(p, 'action')[0] === 'accept' ? 'accept' : 'drop',
      from: side(get(p, 'srcaddr')),
      to: side(get(p, 'dstaddr')),
      services: servicesOf(get(p, 'service')),
    });
  }

  const access = [...(cfg('system interface')?.entries.values() ?? [])].flatMap((e) => get(e, 'allowaccess'));
  const admins = [...(cfg('system admin')?.entries.values() ?? [])];
  const trusted = admins.flatMap((a) => {
    const hosts = [...a.sets].filter(([k]) => /^trusthost\d+$/.test(k)).map(([, v]) => cidr(v[0]!, v[1]!));
    return hosts.length ? hosts : ['0.0.0.0/0'];
  });
  const ntp = [...(cfg('system ntp')?.configs.get('ntpserver')?.entries.values() ?? [])].map((e) => get(e, 'server')[0]).filter((x): x is string => !!x);
  const syslog = [...root.configs]
    .filter(([k, n]) => /^log syslogd\d* setting$/.test(k) && get(n, 'status')[0] === 'enable')
    .map(([, n]) => ({ address: get(n, 'server')[0] ?? '', port: Number(get(n, 'port')[0] ?? 514) }));
  const hostname = get(cfg('system global'), 'hostname')[0];

  return {
    kind: 'firewall',
    ...(hostname ? { hostname } : {}),
    sets,
    rules,
    managementFrom: [...new Set(trusted)],
    ntp,
    syslog,
    snmpv3Users: [...(cfg('system snmp user')?.entries.keys() ?? [])],
    mgmtServices: {
      ssh: access.includes('ssh'),
      telnet: access.includes('telnet') || get(cfg('system global'), 'admin-telnet')[0] === 'enable',
      http: access.includes('http') || access.includes('https'),
      snmpCommunities: cfg('system snmp community')?.entries.size ?? 0,
    },
  };
}
