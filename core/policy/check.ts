// "Can X reach Y on port P, and which rule decides?" answered on the compiled intent:
// a VPN role crosses the gateway (and a site firewall when it reaches into a site);
// a zone crosses its site's firewall.
import { net, type Inventory, type PortRange } from '../inventory/index.js';
import type { AddressSet, FirewallIntent, FirewallRule, SitePlan } from '../plan/index.js';
import { evaluate, indexSets, type Packet, type SetIndex } from './evaluate.js';
import type { Endpoint, PolicyTest } from './model.js';

export interface Hop {
  readonly at: string;
  readonly allowed: boolean;
  readonly rule?: FirewallRule;
}

export interface Answer {
  readonly allowed: boolean;
  readonly hops: readonly Hop[];
  readonly packet: Packet;
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

export function check(enf: Enforcement, from: Endpoint, to: Endpoint, port: PortRange | 'icmp' | undefined, siteCode?: string): Answer {
  const site = siteCode ? enf.sites.find((s) => s.code === siteCode) : undefined;
  if (siteCode && !site) throw new Error(`unknown site ${siteCode}`);
  const src = address(from, enf, site);
  const dst = address(to, enf, site);
  const p = port ?? defaultPort(to, enf.inventory) ?? { proto: 'tcp' as const, from: 443, to: 443 };
  const packet: Packet = {
    ...(src.zone ? { srcZone: src.zone } : {}),
    src: src.ip,
    ...(dst.zone ? { dstZone: dst.zone } : {}),
    dst: dst.ip,
    ...(p === 'icmp' ? { proto: 'icmp' as const } : { proto: p.proto, port: p.from }),
  };
  const hops: Hop[] = [];
  const fw = site?.devices.find((d): d is FirewallIntent => d.kind === 'firewall');
  if (from.kind === 'role') {
    const v = evaluate(enf.gateway.rules, enf.gateway.sets, { ...packet, srcZone: undefined, dstZone: undefined } as Packet);
    hops.push({ at: 'vpn-gateway', allowed: v.allowed, ...(v.rule ? { rule: v.rule } : {}) });
  }
  if (fw && (from.kind === 'zone' || to.kind === 'zone')) {
    const v = evaluate(fw.rules, indexSets(fw.sets), packet);
    hops.push({ at: fw.hostname, allowed: v.allowed, ...(v.rule ? { rule: v.rule } : {}) });
  }
  return { allowed: hops.length > 0 && hops.every((h) => h.allowed), hops, packet };
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
