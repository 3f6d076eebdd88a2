// The flow space of a policy: every role and zone source against every service and zone
// destination on every port the policies speak of, decided exactly as check() decides
// (same addresses, same hops), with every rule list compiled once.
import { net, type Inventory, type PortRange } from '../inventory/index.js';
import type { FirewallIntent, FirewallRule, SitePlan } from '../plan/index.js';
import { address, check, locate, pathOf, type Answer, type Enforcement, type Hop } from './check.js';
import { indexSets, type Packet } from './evaluate.js';
import { fastList, PortBatch, type FastFlow, type FastList } from './fast.js';
import type { AccessPolicy, Endpoint } from './model.js';

export type Port = PortRange | 'icmp';

/** Whether a flow is allowed on one port, and the enforcement points that decide it. */
export interface Decision {
  readonly allowed: boolean;
  readonly hops: readonly Hop[];
}

export interface Decider {
  (from: Endpoint, to: Endpoint, port: Port | undefined, site?: string): Answer;
  /**
   * One flow on each of many ports: `allowed` and `hops` exactly as the single call gives
   * them port by port, with each rule list on the path read once for all the ports.
   */
  many(from: Endpoint, to: Endpoint, ports: readonly Port[], site?: string): Decision[];
}

/** No enforcement point on the path: nothing of outpost's lets the flow through. */
const NOWHERE: Decision = Object.freeze({ allowed: false, hops: Object.freeze([]) });

/** check(), with every rule list compiled to closures once; answers are identical. */
export function decider(enf: Enforcement): Decider {
  const fws = new Map<string, { fw: FirewallIntent; list: FastList; site: SitePlan }>();
  for (const site of enf.sites) {
    const fw = site.devices.find((d): d is FirewallIntent => d.kind === 'firewall');
    if (fw) fws.set(site.code, { fw, list: fastList(fw.rules, indexSets(fw.sets)), site });
  }
  const gateway = fastList(enf.gateway.rules, enf.gateway.sets);
  // Addresses depend on the endpoint and the site only: resolve each once.
  const addresses = new Map<string, { ip: string; int: number; zone?: string }>();
  const addr = (e: Endpoint, site: SitePlan | undefined) => {
    const key = `${site?.code ?? '-'} ${endpointText(e)}`;
    let a = addresses.get(key);
    if (!a) {
      const x = address(e, enf, site);
      addresses.set(key, (a = { ...x, int: net.ipToInt(x.ip) }));
    }
    return a;
  };
  const one = (from: Endpoint, to: Endpoint, port: Port | undefined, siteCode?: string): Answer => {
    const here = siteCode ? fws.get(siteCode) : undefined;
    // Without a site only the VPN gateway decides (a role to a service or a net).
    const siteless = !siteCode && from.kind !== 'zone' && to.kind !== 'zone';
    // Networks and `any` may sit anywhere: check() locates them.
    const located = from.kind === 'net' || to.kind === 'net' || from.kind === 'any' || to.kind === 'any';
    if ((!here && !siteless) || port === undefined || located) return check(enf, from, to, port, siteCode);
    const src = addr(from, here?.site);
    const dst = addr(to, here?.site);
    const proto = port === 'icmp' ? 'icmp' : port.proto;
    const n = port === 'icmp' ? undefined : port.from;
    const hops: Hop[] = [];
    if (from.kind === 'role') {
      const rule = gateway({ srcZone: undefined, src: src.int, dstZone: undefined, dst: dst.int, proto, port: n });
      hops.push(rule ? { at: 'vpn-gateway', allowed: rule.action === 'accept', rule } : { at: 'vpn-gateway', allowed: false });
    }
    if (here && (from.kind === 'zone' || to.kind === 'zone')) {
      const rule = here.list({ srcZone: src.zone, src: src.int, dstZone: dst.zone, dst: dst.int, proto, port: n });
      hops.push(rule ? { at: here.fw.hostname, allowed: rule.action === 'accept', rule } : { at: here.fw.hostname, allowed: false });
    }
    return { allowed: hops.length > 0 && hops.every((h) => h.allowed), hops, packet: packetOf(src, dst, proto, n) };
  };

  /** The rule lists a flow meets and its addresses there: the path the single call takes, port aside. */
  const path = (from: Endpoint, to: Endpoint, siteCode: string | undefined): { at: string; list: FastList; flow: FastFlow }[] => {
    const here = siteCode ? fws.get(siteCode) : undefined;
    const siteless = !siteCode && from.kind !== 'zone' && to.kind !== 'zone';
    const located = from.kind === 'net' || to.kind === 'net' || from.kind === 'any' || to.kind === 'any';
    if ((!here && !siteless) || located) {
      // As check() does: the addresses located, then every enforcement point between them.
      const site = siteCode ? enf.sites.find((s) => s.code === siteCode) : undefined;
      if (siteCode && !site) throw new Error(`unknown site ${siteCode}`);
      const src = net.ipToInt(address(from, enf, site).ip);
      const dst = net.ipToInt(address(to, enf, site).ip);
      const where = locate(enf);
      return pathOf(where(src), where(dst)).flatMap((h) => {
        const fw = h.site === undefined ? { at: 'vpn-gateway', list: gateway } : fws.get(h.site) && { at: fws.get(h.site)!.fw.hostname, list: fws.get(h.site)!.list };
        return fw ? [{ ...fw, flow: { srcZone: h.srcZone, src, dstZone: h.dstZone, dst } }] : [];
      });
    }
    const src = addr(from, here?.site);
    const dst = addr(to, here?.site);
    return [
      ...(from.kind === 'role' ? [{ at: 'vpn-gateway', list: gateway, flow: { srcZone: undefined, src: src.int, dstZone: undefined, dst: dst.int } }] : []),
      ...(here && (from.kind === 'zone' || to.kind === 'zone') ? [{ at: here.fw.hostname, list: here.list, flow: { srcZone: src.zone, src: src.int, dstZone: dst.zone, dst: dst.int } }] : []),
    ];
  };

  // The audit asks every flow about the same ports: sorted once per list of ports.
  const batches = new WeakMap<readonly Port[], PortBatch>();
  const batchOf = (ports: readonly Port[]) => {
    let b = batches.get(ports);
    if (!b) batches.set(ports, (b = new PortBatch(ports.map((p) => (p === 'icmp' ? { proto: 'icmp', port: undefined } : { proto: p.proto, port: p.from })))));
    return b;
  };

  const many = (from: Endpoint, to: Endpoint, ports: readonly Port[], siteCode?: string): Decision[] => {
    const batch = batchOf(ports);
    const hops = path(from, to, siteCode).map((h) => ({ at: h.at, rules: h.list.many(h.flow, batch) }));
    if (!hops.length) return ports.map(() => NOWHERE);
    // Ports decided by the same rules share one decision (a few distinct ones per flow).
    const memo = new Map<FirewallRule | undefined, unknown>();
    return ports.map((_, k) => {
      let node = memo;
      for (let j = 0; j < hops.length - 1; j++) {
        const r = hops[j]!.rules[k];
        let child = node.get(r) as Map<FirewallRule | undefined, unknown> | undefined;
        if (!child) node.set(r, (child = new Map()));
        node = child;
      }
      const last = hops[hops.length - 1]!.rules[k];
      let d = node.get(last) as Decision | undefined;
      if (!d) {
        const decided = hops.map(({ at, rules }): Hop => {
          const rule = rules[k];
          return rule ? { at, allowed: rule.action === 'accept', rule } : { at, allowed: false };
        });
        node.set(last, (d = { allowed: decided.every((h) => h.allowed), hops: decided }));
      }
      return d;
    });
  };
  return Object.assign(one, { many });
}

/**
 * The packet an answer is about, built property by property in the order check() gives:
 * conditional spreads here made every decision of a large audit allocate slow objects.
 */
function packetOf(src: { ip: string; zone?: string }, dst: { ip: string; zone?: string }, proto: Packet['proto'], port: number | undefined): Packet {
  const p: { -readonly [K in keyof Packet]: Packet[K] } = {} as Packet;
  if (src.zone) p.srcZone = src.zone;
  p.src = src.ip;
  if (dst.zone) p.dstZone = dst.zone;
  p.dst = dst.ip;
  p.proto = proto;
  if (port !== undefined) p.port = port;
  return p;
}

export const portText = (p: Port): string => (p === 'icmp' ? 'icmp' : `${p.from}${p.to !== p.from ? `-${p.to}` : ''}/${p.proto}`);

let portOrderCollator: Intl.Collator | undefined;
/** localeCompare(b, 'en', { numeric: true }) of port texts, made on first use. */
export const portCollator = (): Intl.Collator => (portOrderCollator ??= new Intl.Collator('en', { numeric: true }));

/** Every single port the policies or the services name (each range by its two ends), and icmp. */
export function portUniverse(inv: Inventory, policies: readonly AccessPolicy[]): Port[] {
  const seen = new Map<string, Port>();
  const add = (p: PortRange) => {
    for (const n of new Set([p.from, p.to])) {
      const one: Port = { proto: p.proto, from: n, to: n };
      seen.set(portText(one), one);
    }
  };
  for (const s of inv.org.services) s.ports.forEach(add);
  for (const pol of policies) for (const r of pol.rules) r.ports.forEach(add);
  if (policies.some((pol) => pol.rules.some((r) => r.icmp))) seen.set('icmp', 'icmp');
  const ports = [...seen.values()];
  // `n/tcp`, `n/udp` and `icmp` in the collator's order, without the collator: 2,000 ports
  // cost it 15 ms. tests/policy-port-order.test.ts holds the two to one order on every port.
  if (ports.every(plainPort)) return ports.sort(portOrder);
  // localeCompare(b, 'en', { numeric: true }) is this collator's compare, made once here
  // rather than once per comparison (thousands of ports sort in a few ms, not hundreds),
  // and only here: starting ICU's collation costs any command that loads this module ~8 ms.
  const texts = new Map([...seen].map(([text, p]) => [p, text]));
  const order = portCollator();
  return ports.sort((a, b) => order.compare(texts.get(a)!, texts.get(b)!));
}

/** A single tcp/udp port numbered 0-65535, or icmp: the ports portOrder sorts as portCollator() does. */
const plainPort = (p: Port): boolean => p === 'icmp' || ((p.proto === 'tcp' || p.proto === 'udp') && p.from === p.to && Number.isInteger(p.from) && p.from >= 0 && p.from <= 65535);

/** portCollator() on portText of plain ports: by number, tcp before udp at one number, icmp after all. */
export function portOrder(a: Port, b: Port): number {
  if (a === 'icmp') return b === 'icmp' ? 0 : 1;
  if (b === 'icmp') return -1;
  return a.from - b.from || (a.proto === b.proto ? 0 : a.proto === 'tcp' ? -1 : 1);
}


export interface Flow {
  /** Site code, or `*` for a role reaching a service (the VPN gateway alone decides). */
  readonly site: string;
  readonly from: string;
  readonly to: string;
  readonly port: string;
}

export const endpointText = (e: Endpoint): string => (e.kind === 'any' ? 'any' : e.kind === 'net' ? `net:${e.cidr}` : `${e.kind}:${e.name}`);

/** Calls `visit` for every flow of the space with its endpoints. */
export function forEachFlow(
  inv: Inventory,
  sites: readonly SitePlan[],
  roles: readonly string[],
  ports: readonly Port[],
  visit: (site: string | undefined, from: Endpoint, to: Endpoint, port: Port) => void,
): void {
  const services: Endpoint[] = inv.org.services.map((s) => ({ kind: 'service', name: s.name }));
  const roleEps: Endpoint[] = roles.map((name) => ({ kind: 'role', name }));
  for (const from of roleEps) for (const to of services) for (const p of ports) visit(undefined, from, to, p);
  for (const site of sites) {
    const zones: Endpoint[] = site.zones.map((z) => ({ kind: 'zone', name: z.name }));
    for (const from of roleEps) for (const to of zones) for (const p of ports) visit(site.code, from, to, p);
    for (const from of zones) {
      for (const to of [...services, ...zones]) {
        if (to.kind === 'zone' && to.name === (from as { name: string }).name) continue;
        for (const p of ports) visit(site.code, from, to, p);
      }
    }
  }
}
