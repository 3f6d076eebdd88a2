// Decides a packet against a compiled rule list exactly as the firewall does: ordered,
// first match wins, default deny. Pure; the lab's real packets are the other witness.
import { net } from '../inventory/index.js';
import type { AddressSet, FirewallRule, RuleMatch } from '../plan/index.js';

export interface Packet {
  /** Zone the packet enters from (its interface), or none when it arrives over the WAN or a tunnel. */
  readonly srcZone?: string;
  readonly src: string;
  readonly dstZone?: string;
  readonly dst: string;
  readonly proto: 'tcp' | 'udp' | 'icmp';
  readonly port?: number;
}

export interface Verdict {
  readonly allowed: boolean;
  /** The deciding rule; undefined for the default deny. */
  readonly rule?: FirewallRule;
}

export type SetIndex = ReadonlyMap<string, readonly net.Block[]>;

export function indexSets(sets: readonly AddressSet[]): SetIndex {
  return new Map(sets.map((s) => [s.name, s.addresses.map((a) => net.parseCidr(a.includes('/') ? a : `${a}/32`))]));
}

function side(m: RuleMatch, zone: string | undefined, ip: number, sets: SetIndex): boolean {
  if (m.any) return true;
  if (m.zones.length && (!zone || !m.zones.includes(zone))) return false;
  for (const s of m.sets) if (!(sets.get(s) ?? []).some((b) => net.containsIp(b, ip))) return false;
  return m.zones.length > 0 || m.sets.length > 0;
}

export function evaluate(rules: readonly FirewallRule[], sets: SetIndex, p: Packet): Verdict {
  const src = net.ipToInt(p.src);
  const dst = net.ipToInt(p.dst);
  for (const rule of rules) {
    if (!side(rule.from, p.srcZone, src, sets) || !side(rule.to, p.dstZone, dst, sets)) continue;
    const svc =
      rule.services.length === 0 ||
      rule.services.some((s) => s.proto === p.proto && (s.proto === 'icmp' || (p.port !== undefined && s.ports.some((r) => p.port! >= r.from && p.port! <= r.to))));
    if (svc) return { allowed: rule.action === 'accept', rule };
  }
  return { allowed: false };
}
