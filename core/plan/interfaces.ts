// Which interfaces of a firewall a rule side's traffic uses: a zone's own interface, the
// tunnel for the remote agents' pools (a VPN gateway), the WAN for everything beyond.
// Vendor-neutral, so every target names the real incoming and outgoing interfaces of a
// flow the same way, and tests can hold rendered configs to it.
import { net } from '../inventory/index.js';
import type { FirewallIntent, RuleMatch } from './intent.js';

export interface SideInterfaces {
  /** Zone names whose subnets the side reaches, in the firewall's zone order. */
  readonly zones: readonly string[];
  readonly tunnel: boolean;
  readonly wan: boolean;
}

interface Span {
  readonly lo: number;
  readonly hi: number;
}

/** `a.b.c.d[/n]` as an integer span; set addresses come validated from the compiler. */
const span = (cidr: string): Span => {
  const slash = cidr.indexOf('/');
  const prefix = slash < 0 ? 32 : Number(cidr.slice(slash + 1));
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const lo = (net.ipToInt(slash < 0 ? cidr : cidr.slice(0, slash)) & mask) >>> 0;
  return { lo, hi: lo + net.size(prefix) - 1 };
};

/**
 * One firewall's interface resolver; set addresses and zone subnets are parsed once. Its
 * answers are a few shared objects (sides reaching the same interfaces get the same one),
 * so a target can work out what it writes for each answer once.
 */
export function interfaceResolver(fw: FirewallIntent): (m: RuleMatch) => SideInterfaces {
  const zones = fw.zones.map((z) => ({ name: z.name, span: span(z.subnet) }));
  const pools = (fw.tunnel?.pools ?? []).map(span);
  const sets = new Map(fw.sets.map((s) => [s.name, s]));
  const cache = new Map<string, SideInterfaces>();
  const zoneNames = zones.map((z) => z.name);
  // Every answer given, by what it says: the same interfaces are always the same object.
  const answers = new Map<string, SideInterfaces>();
  // `reached` tells the zones reached; none when omitted (most ACL sets).
  const answer = (reached: ((zone: string, i: number) => boolean) | undefined, tunnel: boolean, wan: boolean): SideInterfaces => {
    let key = tunnel ? (wan ? 'tw' : 't') : wan ? 'w' : '';
    if (reached) for (let i = 0; i < zoneNames.length; i++) if (reached(zoneNames[i]!, i)) key += `,${i}`;
    let out = answers.get(key);
    if (!out) answers.set(key, (out = { zones: reached ? zoneNames.filter(reached) : [], tunnel, wan }));
    return out;
  };
  const all = answer(() => true, pools.length > 0, true);
  const ofSet = (name: string): SideInterfaces => {
    const hit = cache.get(name);
    if (hit) return hit;
    // Zones reached, by index: allocated only for a set that reaches one (most ACL sets
    // are a host or network beyond the site's zones, or inside exactly one).
    let inZone: boolean[] | undefined;
    let tunnel = false;
    let wan = false;
    // Indexed loops: the FortiGate target asks for thousands of sets at ACL scale, in a fresh
    // process before this is optimised, when a for-of allocates per step.
    const addresses = sets.get(name)?.addresses ?? [];
    for (let k = 0; k < addresses.length; k++) {
      const s = span(addresses[k]!);
      // Zones are disjoint: what they do not cover lies in the tunnel pools or beyond the WAN.
      let covered = 0;
      for (let i = 0; i < zones.length; i++) {
        const z = zones[i]!.span;
        const lo = Math.max(s.lo, z.lo);
        const hi = Math.min(s.hi, z.hi);
        if (lo <= hi) {
          (inZone ??= [])[i] = true;
          covered += hi - lo + 1;
        }
      }
      if (covered >= s.hi - s.lo + 1) continue;
      let pooled = 0;
      for (let k2 = 0; k2 < pools.length; k2++) {
        const p = pools[k2]!;
        const lo = Math.max(s.lo, p.lo);
        const hi = Math.min(s.hi, p.hi);
        if (lo <= hi) {
          tunnel = true;
          pooled += hi - lo + 1;
        }
      }
      if (covered + pooled < s.hi - s.lo + 1) wan = true;
    }
    const reached = inZone;
    const out = answer(reached && ((_, i) => reached[i] === true), tunnel, wan);
    cache.set(name, out);
    return out;
  };
  return (m) => {
    if (m.any) return all;
    if (m.zones.length) return answer((z) => m.zones.includes(z), false, false);
    if (m.sets.length === 1) return ofSet(m.sets[0]!);
    // Several sets on one side intersect: the interfaces every one of them reaches.
    const each = m.sets.map(ofSet);
    return answer(
      (z) => each.every((x) => x.zones.includes(z)),
      each.every((x) => x.tunnel),
      each.every((x) => x.wan),
    );
  };
}
