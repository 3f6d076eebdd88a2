// "Can X reach Y on port P, and which rule decides?" answered on the compiled intent for
// any two addresses: each is located (zone, site, role pool, beyond), and the flow is
// decided at every enforcement point on its path: the VPN gateway for the VPN range,
// the firewall of the site it leaves and of the site it enters.
import { net, type Inventory, type PortRange } from '../inventory/index.js';
import type { AddressSet, FirewallIntent, FirewallRule, SitePlan } from '../plan/index.js';
import { indexSets, type Packet, type SetIndex } from './evaluate.js';
import { fastList, type FastList } from './fast.js';
import type { Endpoint, PolicyTest } from './model.js';
import { locator, siteOf, type Locator, type Whereabouts } from './locate.js';

export interface Hop {
  readonly at: string;
  readonly allowed: boolean;
  readonly rule?: FirewallRule;
}

export interface Answer {
  readonly allowed: boolean;
  /** Every enforcement point on the path; none when the path crosses no firewall of outpost's. */
  readonly hops: readonly Hop[];
  readonly packet: Packet;
  /** Where the source and the destination sit. */
  readonly from?: Whereabouts;
  readonly to?: Whereabouts;
}

export interface Enforcement {
  readonly inventory: Inventory;
  readonly sites: readonly SitePlan[];
  readonly pools: ReadonlyMap<string, string>;
  readonly gateway: {
    readonly rules: readonly FirewallRule[];
    readonly sets: SetIndex;
    /** The gateway's compiled sets and rules as rendered, when the caller kept them. */
    readonly compiled?: { readonly sets: readonly AddressSet[]; readonly rules: readonly FirewallRule[] };
  };
}

const host = (cidr: string, offset: number) => {
  const b = net.parseCidr(cidr.includes('/') ? cidr : `${cidr}/32`);
  return net.intToIp(b.prefix >= 31 ? b.base : b.base + offset);
};

// An address outside every private range stands for "the internet" in answers.
export const INTERNET_SAMPLE = '192.0.2.80';

export function address(e: Endpoint, enf: Enforcement, site?: SitePlan): { ip: string; zone?: string } {
  switch (e.kind) {
    case 'role':
      return { ip: host(enf.pools.get(e.name)!, 10) };
    case 'zone': {
      const z = site?.zones.find((x) => x.name === e.name);
      if (!z) throw new Error(`site ${site?.code ?? '?'} has no zone ${e.name}`);
      return { ip: z.dhcp?.start ?? host(z.subnet, 20), zone: z.name };
    }
    case 'service': {
      const a = enf.inventory.org.services.find((s) => s.name === e.name)!.addresses[0]!;
      return { ip: a.endsWith('/0') ? INTERNET_SAMPLE : host(a, 1) };
    }
    case 'net':
      return { ip: host(e.cidr, 1) };
    case 'any':
      return { ip: INTERNET_SAMPLE };
  }
}

export function defaultPort(to: Endpoint, inv: Inventory): PortRange | undefined {
  return to.kind === 'service' ? inv.org.services.find((s) => s.name === to.name)!.ports[0] : undefined;
}

/** One enforcement point on a flow's path, with the zones the packet has there. */
export interface PathHop {
  /** A site code, or undefined for the VPN gateway. */
  readonly site?: string;
  readonly srcZone?: string;
  readonly dstZone?: string;
}

/**
 * The enforcement points a flow crosses, in order: the VPN gateway when it comes from the
 * VPN range, the firewall of the site it leaves, the firewall of the site it enters.
 */
export function pathOf(src: Whereabouts, dst: Whereabouts): PathHop[] {
  const hops: PathHop[] = [];
  if (src.kind === 'role' || src.kind === 'vpn') hops.push({});
  const s = siteOf(src);
  const t = siteOf(dst);
  const dstZone = dst.kind === 'zone' ? dst.zone : undefined;
  if (s) hops.push({ site: s, ...(src.kind === 'zone' ? { srcZone: src.zone } : {}), ...(t === s && dstZone ? { dstZone } : {}) });
  if (t && t !== s) hops.push({ site: t, ...(dstZone ? { dstZone } : {}) });
  return hops;
}

const locators = new WeakMap<Enforcement, Locator>();

/** The enforcement's address locator, built once per enforcement. */
export function locate(enf: Enforcement): Locator {
  let l = locators.get(enf);
  if (!l) locators.set(enf, (l = locator(enf.sites, enf.pools, enf.inventory.org.addressPlan.vpn)));
  return l;
}

export interface FastHop {
  readonly at: string;
  readonly allowed: boolean;
  readonly rule?: FirewallRule;
}

export type FastChecker = (src: number, dst: number, proto: 'tcp' | 'udp' | 'icmp', port: number | undefined) => { allowed: boolean; hops: FastHop[]; from: Whereabouts; to: Whereabouts };

const checkers = new WeakMap<Enforcement, FastChecker>();

/**
 * The decision for many questions against one enforcement: every rule list compiled to
 * closures once (fastList), addresses as integers. A property test holds its answers,
 * deciding rule included, to evaluate() on a naive reading of the path.
 */
export function fastChecker(enf: Enforcement): FastChecker {
  const hit = checkers.get(enf);
  if (hit) return hit;
  const where = locate(enf);
  const gateway = { at: 'vpn-gateway', list: fastList(enf.gateway.rules, enf.gateway.sets) };
  const fws = new Map<string, { at: string; list: FastList }>();
  for (const site of enf.sites) {
    const fw = site.devices.find((d): d is FirewallIntent => d.kind === 'firewall');
    if (fw) fws.set(site.code, { at: fw.hostname, list: fastList(fw.rules, indexSets(fw.sets)) });
  }
  const checker: FastChecker = (src, dst, proto, port) => {
    const from = where(src);
    const to = where(dst);
    const hops: FastHop[] = [];
    for (const h of pathOf(from, to)) {
      const fw = h.site === undefined ? gateway : fws.get(h.site);
      if (!fw) continue;
      const rule = fw.list({ srcZone: h.srcZone, src, dstZone: h.dstZone, dst, proto, port });
      hops.push(rule ? { at: fw.at, allowed: rule.action === 'accept', rule } : { at: fw.at, allowed: false });
    }
    return { allowed: hops.length > 0 && hops.every((h) => h.allowed), hops, from, to };
  };
  checkers.set(enf, checker);
  return checker;
}

/** "Is this address allowed to reach that one on this port, and which rule decides at each hop?" */
export function checkAddresses(enf: Enforcement, srcIp: string, dstIp: string, port: PortRange | 'icmp'): Answer {
  const base = { src: srcIp, dst: dstIp, ...(port === 'icmp' ? { proto: 'icmp' as const } : { proto: port.proto, port: port.from }) };
  const a = fastChecker(enf)(net.ipToInt(srcIp), net.ipToInt(dstIp), base.proto, port === 'icmp' ? undefined : port.from);
  const packet: Packet = { ...base, ...(a.from.kind === 'zone' ? { srcZone: a.from.zone } : {}), ...(a.to.kind === 'zone' ? { dstZone: a.to.zone } : {}) };
  return { allowed: a.allowed, hops: a.hops, packet, from: a.from, to: a.to };
}

export function check(enf: Enforcement, from: Endpoint, to: Endpoint, port: PortRange | 'icmp' | undefined, siteCode?: string): Answer {
  const site = siteCode ? enf.sites.find((s) => s.code === siteCode) : undefined;
  if (siteCode && !site) throw new Error(`unknown site ${siteCode}`);
  const src = address(from, enf, site);
  const dst = address(to, enf, site);
  const p = port ?? defaultPort(to, enf.inventory) ?? { proto: 'tcp' as const, from: 443, to: 443 };
  return checkAddresses(enf, src.ip, dst.ip, p);
}

export interface TestResult {
  readonly test: PolicyTest;
  readonly passed: boolean;
  readonly answer: Answer;
}

export function runTests(enf: Enforcement, tests: readonly PolicyTest[]): TestResult[] {
  return tests.map((t) => {
    const answer = check(enf, t.from, t.to, t.port, t.site);
    return { test: t, answer, passed: answer.allowed === (t.expect === 'allow') };
  });
}
