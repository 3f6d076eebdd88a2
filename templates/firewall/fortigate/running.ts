// Reads a FortiGate's configuration (`show full-configuration` layout, or the script
// outpost pushed) back into the intent shape: policies as rules in order (each names its
// outpost rule in its comment), address groups as sets, custom services as ports, the
// administrators' trusted hosts, management access per interface, NTP, syslog and SNMP.
import { net } from '../../../core/inventory/index.js';
import type { AddressSet, FirewallIntent, FirewallRule, RuleMatch, RuleService } from '../../../core/plan/index.js';
import type { RuleOrigin } from '../../../core/render/target.js';

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

export function readRunning(text: string, intended: FirewallIntent, origin: RuleOrigin): FirewallIntent {
  const root = parse(text);
  const cfg = (path: string) => root.configs.get(path);

  const objects = new Map<string, string[]>();
  for (const [name, e] of cfg('firewall address')?.entries ?? []) {
    const sub = get(e, 'subnet');
    if (get(e, 'type')[0] === 'iprange') objects.set(name, rangeCidrs(get(e, 'start-ip')[0]!, get(e, 'end-ip')[0]!));
    else if (sub.length === 2) objects.set(name, [cidr(sub[0]!, sub[1]!)]);
    else objects.set(name, ['0.0.0.0/0']);
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

  const zoneNames = new Set(intended.zones.map((z) => z.name));
  const isZone = (a: string) => a.startsWith('net-') && zoneNames.has(a.slice(4));
  // An address object used directly in a policy behaves as a set of its own.
  const useObject = (a: string) => {
    if (groups.has(a) || !objects.has(a)) return;
    sets.push({ name: a, addresses: objects.get(a)!, comment: 'address object' });
    groups.add(a);
  };
  const side = (addrs: string[]): RuleMatch => {
    if (addrs.includes('all')) return { any: true, zones: [], sets: [] };
    const named = addrs.filter((a) => !isZone(a));
    named.forEach(useObject);
    return { any: false, zones: addrs.filter(isZone).map((a) => a.slice(4)), sets: named };
  };

  const rules: FirewallRule[] = [];
  for (const [id, p] of cfg('firewall policy')?.entries ?? []) {
    if (get(p, 'status')[0] === 'disable') continue;
    const ruleId = get(p, 'comments')[0]?.match(/^outpost rule (\S+?):/)?.[1];
    const source = ruleId ? origin(ruleId.replace(/\.\d+$/, '')) : undefined;
    rules.push({
      id: ruleId ?? `policy-${id}`,
      action: get(p, 'action')[0] === 'accept' ? 'accept' : 'drop',
      from: side(get(p, 'srcaddr')),
      to: side(get(p, 'dstaddr')),
      services: servicesOf(get(p, 'service')),
      comment: ruleId ? `running policy ${id}` : `running policy ${id} without an outpost comment: ${get(p, 'name')[0] ?? ''}`,
      ...(source ? { origin: source } : {}),
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

  return {
    ...intended,
    sets,
    rules,
    managementFrom: [...new Set(trusted)],
    ntp,
    syslog,
    mgmtServices: {
      ssh: access.includes('ssh'),
      telnet: access.includes('telnet') || get(cfg('system global'), 'admin-telnet')[0] === 'enable',
      http: access.includes('http') || access.includes('https'),
      snmpCommunities: cfg('system snmp community')?.entries.size ?? 0,
    },
  };
}
