// The flow space of a policy: every role and zone source against every service and zone
// destination on every port the policies speak of, decided exactly as check() decides
// (same addresses, same hops), with the firewalls' set indexes built once.
import type { Inventory, PortRange } from '../inventory/index.js';
import type { FirewallIntent, SitePlan } from '../plan/index.js';
import { address, check, type Answer, type Enforcement } from './check.js';
import { evaluate, indexSets, type Packet, type SetIndex } from './evaluate.js';
import type { AccessPolicy, Endpoint } from './model.js';

export type Port = PortRange | 'icmp';

export interface Decider {
  (from: Endpoint, to: Endpoint, port: Port | undefined, site?: string): Answer;
}

/** check(), with every firewall's sets indexed once; answers are identical. */
export function decider(enf: Enforcement): Decider {
  const fws = new Map<string, { fw: FirewallIntent; sets: SetIndex; site: SitePlan }>();
  for (const site of enf.sites) {
    const fw = site.devices.find((d): d is FirewallIntent => d.kind === 'firewall');
    if (fw) fws.set(site.code, { fw, sets: indexSets(fw.sets), site });
  }
  // Addresses depend on the endpoint and the site only: resolve each once.
  const addresses = new Map<string, ReturnType<typeof address>>();
  const addr = (e: Endpoint, site: SitePlan) => {
    const key = `${site.code} ${endpointText(e)}`;
    let a = addresses.get(key);
    if (!a) addresses.set(key, (a = address(e, enf, site)));
    return a;
  };
  return (from, to, port, siteCode) => {
    const here = siteCode ? fws.get(siteCode) : undefined;
    if (!here || port === undefined) return check(enf, from, to, port, siteCode);
    const src = addr(from, here.site);
    const dst = addr(to, here.site);
    const packet: Packet = {
      ...(src.zone ? { srcZone: src.zone } : {}),
      src: src.ip,
      ...(dst.zone ? { dstZone: dst.zone } : {}),
      dst: dst.ip,
      ...(port === 'icmp' ? { proto: 'icmp' as const } : { proto: port.proto, port: port.from }),
    };
    const hops: Answer['hops'][number][] = [];
    if (from.kind === 'role') {
      const v = evaluate(enf.gateway.rules, enf.gateway.sets, { ...packet, srcZone: undefined, dstZone: undefined } as Packet);
      hops.push({ at: 'vpn-gateway', allowed: v.allowed, ...(v.rule ? { rule: v.rule } : {}) });
    }
    if (from.kind === 'zone' || to.kind === 'zone') {
      const v = evaluate(here.fw.rules, here.sets, packet);
      hops.push({ at: here.fw.hostname, allowed: v.allowed, ...(v.rule ? { rule: v.rule } : {}) });
    }
    return { allowed: hops.length > 0 && hops.every((h) => h.allowed), hops, packet };
  };
}

export const portText = (p: Port): string => (p === 'icmp' ? 'icmp' : `${p.from}${p.to !== p.from ? `-${p.to}` : ''}/${p.proto}`);

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
  return [...seen.values()].sort((a, b) => portText(a).localeCompare(portText(b), 'en', { numeric: true }));
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
