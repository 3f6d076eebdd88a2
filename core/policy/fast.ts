// A rule list turned into closures over integer ranges, for deciding many packets against
// one compiled policy (diff, matrix, batch checks). Same semantics as evaluate(): ordered,
// first match wins, default deny; sets on one side intersect, zones name the interface.
import type { FirewallRule, RuleMatch } from '../plan/index.js';
import type { SetIndex } from './evaluate.js';
import { firstAbove, firstAtLeast } from '../sorted.js';

type Side = (zone: string | undefined, ip: number) => boolean;

function side(m: RuleMatch, sets: SetIndex): Side {
  if (m.any) return () => true;
  if (!m.zones.length && !m.sets.length) return () => false;
  const zones = m.zones;
  // Each set as sorted, merged ranges searched by halves: a set of thousands of networks
  // costs a few comparisons per packet, not a scan.
  const ranges = m.sets.map((s) => merged((sets.get(s) ?? []).map((b) => [b.base, b.base + 2 ** (32 - b.prefix) - 1] as const)));
  return (zone, ip) => {
    if (zones.length && (zone === undefined || !zones.includes(zone))) return false;
    for (const r of ranges) if (!within(r, ip)) return false;
    return true;
  };
}

type Range = readonly [number, number];

function merged(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function within(ranges: readonly Range[], ip: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (ip < r[0]) hi = mid - 1;
    else if (ip > r[1]) lo = mid + 1;
    else return true;
  }
  return false;
}

export interface FastPacket {
  readonly srcZone: string | undefined;
  readonly src: number;
  readonly dstZone: string | undefined;
  readonly dst: number;
  readonly proto: 'tcp' | 'udp' | 'icmp';
  readonly port: number | undefined;
}

/** A packet's addresses and zones: what a flow keeps whatever port it is on. */
export type FastFlow = Omit<FastPacket, 'proto' | 'port'>;

/** One port of a flow: tcp/udp with a port (none reads as any port), or icmp. */
export interface PortQuery {
  readonly proto: FastPacket['proto'];
  readonly port: number | undefined;
}

export interface FastList {
  /** The deciding rule for a packet, or undefined for the default deny. */
  (p: FastPacket): FirewallRule | undefined;
  /**
   * The deciding rule of one flow on each of many ports, as the single call answers port
   * by port, in one pass over the rules: each rule's sides are matched once for the flow
   * and its port ranges answer every port they hold at once. Auditing a policy of
   * thousands of rules on every port it names is then rules + ports, not their product.
   */
  many(flow: FastFlow, ports: PortBatch): (FirewallRule | undefined)[];
}

/**
 * For each protocol, the rules a packet of that protocol and port could match, in rule
 * order: rules without services plus those naming the port. Built once per list, so a
 * policy of thousands of rules on distinct ports costs a lookup, not a scan, per packet.
 */
function portIndex(rules: readonly FirewallRule[]): (proto: FastPacket['proto'], port: number | undefined) => readonly number[] {
  const generic = rules.flatMap((r, i) => (r.services.length ? [] : [i]));
  const icmp = rules.flatMap((r, i) => (!r.services.length || r.services.some((s) => s.proto === 'icmp') ? [i] : []));
  const byProto = new Map<string, { bounds: number[]; lists: number[][] }>();
  for (const proto of ['tcp', 'udp'] as const) {
    const points = new Set<number>([0]);
    for (const r of rules) for (const s of r.services) if (s.proto === proto) for (const x of s.ports) points.add(x.from).add(x.to + 1);
    const bounds = [...points].sort((a, b) => a - b);
    const lists: number[][] = bounds.map(() => []);
    const slot = (n: number) => firstAbove(bounds, n) - 1;
    rules.forEach((r, i) => {
      if (!r.services.length) {
        for (const l of lists) l.push(i);
        return;
      }
      const hit = new Set<number>();
      for (const s of r.services) if (s.proto === proto) for (const x of s.ports) for (let k = slot(x.from); k <= slot(x.to); k++) hit.add(k);
      for (const k of [...hit].sort((a, b) => a - b)) lists[k]!.push(i);
    });
    byProto.set(proto, { bounds, lists });
  }
  return (proto, port) => {
    if (proto === 'icmp') return icmp;
    const ix = byProto.get(proto);
    if (!ix || port === undefined) return generic;
    return ix.lists[firstAbove(ix.bounds, port) - 1] ?? generic;
  };
}

/** The deciding rule for a packet, or undefined for the default deny. */
export function fastList(rules: readonly FirewallRule[], sets: SetIndex): FastList {
  const compiled = rules.map((rule) => ({ rule, from: side(rule.from, sets), to: side(rule.to, sets) }));
  // Indexed on the first single question: a batch (many) reads the rules in order instead.
  let candidates: ReturnType<typeof portIndex> | undefined;
  const one = (p: FastPacket) => {
    candidates ??= portIndex(rules);
    // Every candidate's services already match the packet's protocol and port.
    for (const i of candidates(p.proto, p.port)) {
      const c = compiled[i]!;
      if (c.from(p.srcZone, p.src) && c.to(p.dstZone, p.dst)) return c.rule;
    }
    return undefined;
  };
  const many = (flow: FastFlow, ports: PortBatch) => {
    const open = new PortsLeft(ports);
    // First match wins: rules in order, each taking the ports no earlier rule took.
    for (const c of compiled) {
      if (!open.left) break;
      if (!c.from(flow.srcZone, flow.src) || !c.to(flow.dstZone, flow.dst)) continue;
      const r = c.rule;
      if (!r.services.length) {
        open.takeAll(r);
        break;
      }
      for (const s of r.services) {
        if (s.proto === 'icmp') open.takeIcmp(r);
        else for (const x of s.ports) open.takeRange(s.proto, x.from, x.to, r);
      }
    }
    return open.answers;
  };
  return Object.assign(one, { many });
}

/**
 * Ports to decide together, sorted once per protocol: many flows are asked about the same
 * ports (the audit asks every flow about every port the policy names).
 */
export class PortBatch {
  readonly icmp: readonly number[];
  /** Per protocol: query positions sorted by port, and those ports. */
  readonly numbered: ReadonlyMap<string, { readonly at: readonly number[]; readonly ports: readonly number[] }>;

  constructor(readonly queries: readonly PortQuery[]) {
    const icmp: number[] = [];
    const by = new Map<string, number[]>();
    queries.forEach((q, k) => {
      if (q.proto === 'icmp') icmp.push(k);
      // A tcp/udp packet without a port is matched by rules without services only.
      else if (q.port !== undefined) {
        const list = by.get(q.proto);
        if (list) list.push(k);
        else by.set(q.proto, [k]);
      }
    });
    this.icmp = icmp;
    this.numbered = new Map(
      [...by].map(([proto, at]) => {
        at.sort((a, b) => queries[a]!.port! - queries[b]!.port!);
        return [proto, { at, ports: at.map((k) => queries[k]!.port!) }];
      }),
    );
  }
}

/**
 * The ports of a batch not yet decided for one flow, each run of taken ports skipped in
 * one step (a "next free" pointer with path halving): every port is answered once, every
 * rule range costs a binary search.
 */
class PortsLeft {
  readonly answers: (FirewallRule | undefined)[];
  left: number;
  private readonly taken: Uint8Array;
  private readonly next = new Map<string, Int32Array>();

  constructor(private readonly batch: PortBatch) {
    const n = batch.queries.length;
    this.answers = new Array<FirewallRule | undefined>(n).fill(undefined);
    this.left = n;
    this.taken = new Uint8Array(n);
    for (const [proto, { at }] of batch.numbered) {
      const next = new Int32Array(at.length + 1);
      for (let i = 0; i <= at.length; i++) next[i] = i;
      this.next.set(proto, next);
    }
  }

  private take(k: number, rule: FirewallRule): void {
    if (this.taken[k]) return;
    this.taken[k] = 1;
    this.answers[k] = rule;
    this.left--;
  }

  takeAll(rule: FirewallRule): void {
    for (let k = 0; k < this.answers.length; k++) this.take(k, rule);
  }

  takeIcmp(rule: FirewallRule): void {
    for (const k of this.batch.icmp) this.take(k, rule);
  }

  takeRange(proto: string, from: number, to: number, rule: FirewallRule): void {
    const ix = this.batch.numbered.get(proto);
    const next = this.next.get(proto);
    if (!ix || !next) return;
    const { at, ports } = ix;
    const find = (i: number) => {
      while (next[i] !== i) {
        next[i] = next[next[i]!]!;
        i = next[i]!;
      }
      return i;
    };
    for (let i = find(firstAtLeast(ports, from)); i < ports.length && ports[i]! <= to; i = find(i + 1)) {
      this.take(at[i]!, rule);
      next[i] = i + 1;
    }
  }
}
