// A rule list turned into closures over integer ranges, for deciding many packets against
// one compiled policy (diff, matrix, batch checks). Same semantics as evaluate(): ordered,
// first match wins, default deny; sets on one side intersect, zones name the interface.
import type { FirewallRule, RuleMatch } from '../plan/index.js';
import type { SetIndex } from './evaluate.js';

type Side = (zone: string | undefined, ip: number) => boolean;

function side(m: RuleMatch, sets: SetIndex): Side {
  if (m.any) return () => true;
  if (!m.zones.length && !m.sets.length) return () => false;
  const zones = m.zones;
  const ranges = m.sets.map((s) => (sets.get(s) ?? []).map((b) => [b.base, b.base + 2 ** (32 - b.prefix) - 1] as const));
  return (zone, ip) => {
    if (zones.length && (zone === undefined || !zones.includes(zone))) return false;
    for (const r of ranges) {
      let hit = false;
      for (const [lo, hi] of r) if (ip >= lo && ip <= hi) { hit = true; break; }
      if (!hit) return false;
    }
    return true;
  };
}

export interface FastPacket {
  readonly srcZone: string | undefined;
  readonly src: number;
  readonly dstZone: string | undefined;
  readonly dst: number;
  readonly proto: 'tcp' | 'udp' | 'icmp';
  readonly port: number | undefined;
}

export type FastList = (p: FastPacket) => FirewallRule | undefined;

/** The deciding rule for a packet, or undefined for the default deny. */
export function fastList(rules: readonly FirewallRule[], sets: SetIndex): FastList {
  const compiled = rules.map((rule) => ({ rule, from: side(rule.from, sets), to: side(rule.to, sets), services: rule.services }));
  return (p) => {
    for (const c of compiled) {
      if (!c.from(p.srcZone, p.src) || !c.to(p.dstZone, p.dst)) continue;
      if (c.services.length === 0) return c.rule;
      for (const s of c.services) {
        if (s.proto !== p.proto) continue;
        if (s.proto === 'icmp') return c.rule;
        if (p.port !== undefined) for (const r of s.ports) if (p.port >= r.from && p.port <= r.to) return c.rule;
      }
    }
    return undefined;
  };
}
