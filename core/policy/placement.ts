// Where a rule's traffic passes. A site firewall sees a flow when its source or its
// destination sits behind it: a zone of the site, a network that overlaps the site's
// block, or `any`. A role's traffic crosses the VPN gateway first; services and
// networks beyond every site are reached over the WAN. A rule is placed on every
// enforcement point one of its (source, destination) pairs passes, and only there.
import { error, type Diagnostic } from '../diagnostics.js';
import { net, type Inventory } from '../inventory/index.js';
import type { AccessRule, Endpoint } from './model.js';

/** What the placement needs to know of a site. */
export interface Place {
  readonly code: string;
  readonly kind: string;
  readonly zones: ReadonlySet<string>;
  readonly block: net.Block;
}

/** `a.b.c.d/n` to a block without a parser object: the compiler's hot path at ACL scale. */
export function fastCidr(cidr: string): net.Block {
  const slash = cidr.indexOf('/');
  const ip = net.ipToInt(slash < 0 ? cidr : cidr.slice(0, slash));
  const prefix = slash < 0 ? 32 : Number(cidr.slice(slash + 1));
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (ip & mask) >>> 0, prefix };
}

interface Range {
  readonly lo: number;
  readonly hi: number;
}

const rangeOf = (b: net.Block): Range => ({ lo: b.base, hi: b.base + 2 ** (32 - b.prefix) - 1 });
const meets = (a: Range, b: Range) => a.lo <= b.hi && b.lo <= a.hi;

export interface Placement {
  /** Does the endpoint sit behind the site's firewall? */
  behind(e: Endpoint, place: Place): boolean;
  /** Can the endpoint be named at the site at all (a zone must exist there)? */
  resolvable(e: Endpoint, place: Place): boolean;
  /** Does any (source, destination) pair of the rule pass the site? See landsAt(). */
  lands(rule: AccessRule, place: Place): boolean;
  /**
   * For these places, a function giving the indexes of the places a rule lands at. Only
   * places one of the rule's ends sits behind can take it (a pair passes a site only
   * when one end is behind it), found by zone and by address range, so a policy is
   * placed in time linear in its rules rather than rules times sites.
   */
  landing(places: readonly Place[]): (rule: AccessRule) => number[];
}

/** An endpoint reduced to what placement compares: its kind, zone name, address ranges. */
interface Prepared {
  readonly kind: Endpoint['kind'];
  readonly zone: string | undefined;
  readonly ranges: readonly Range[];
}

export function placement(inv: Inventory): Placement {
  // Parsed once per distinct network, however many sites ask.
  const ranges = new Map<string, Range>();
  const rangeFor = (cidr: string) => {
    let r = ranges.get(cidr);
    if (!r) ranges.set(cidr, (r = rangeOf(fastCidr(cidr))));
    return r;
  };
  const sites = new WeakMap<net.Block, Range>();
  const siteRange = (b: net.Block) => {
    let r = sites.get(b);
    if (!r) sites.set(b, (r = rangeOf(b)));
    return r;
  };
  const services = new Map(inv.org.services.map((s) => [s.name, s.addresses.filter((a) => !a.endsWith('/0')).map(rangeFor)]));
  const prepare = (e: Endpoint): Prepared => ({
    kind: e.kind,
    zone: e.kind === 'zone' ? e.name : undefined,
    ranges: e.kind === 'net' ? [rangeFor(e.cidr)] : e.kind === 'service' ? (services.get(e.name) ?? []) : [],
  });
  const prepared = new WeakMap<AccessRule, { from: Prepared[]; to: Prepared[] }>();
  const behindP = (e: Prepared, place: Place, site: Range): boolean => {
    if (e.kind === 'any') return true;
    if (e.kind === 'zone') return place.zones.has(e.zone!);
    // Indexed loops on this path: a fresh process runs it before it is optimised, when a
    // for-of allocates an iterator and a result per step (6 MB of garbage at ACL scale).
    const ranges = e.ranges;
    for (let i = 0; i < ranges.length; i++) if (meets(ranges[i]!, site)) return true;
    return false;
  };
  const named = (e: Prepared, place: Place) => e.kind !== 'zone' || place.zones.has(e.zone!);
  const preparedRule = (rule: AccessRule) => {
    let r = prepared.get(rule);
    if (!r) prepared.set(rule, (r = { from: rule.from.map(prepare), to: rule.to.map(prepare) }));
    return r;
  };
  const lands = (rule: AccessRule, place: Place): boolean => {
    const r = preparedRule(rule);
    const site = siteRange(place.block);
    let srcBehind = false;
    let srcNamed = false;
    for (let i = 0; i < r.from.length; i++) {
      const s = r.from[i]!;
      if (!named(s, place)) continue;
      srcNamed = true;
      if (behindP(s, place, site)) {
        srcBehind = true;
        break;
      }
    }
    if (!srcNamed) return false;
    for (let j = 0; j < r.to.length; j++) {
      const d = r.to[j]!;
      if (named(d, place) && (srcBehind || behindP(d, place, site))) return true;
    }
    return false;
  };
  return {
    behind: (e, place) => behindP(prepare(e), place, siteRange(place.block)),
    resolvable: (e, place) => e.kind !== 'zone' || place.zones.has(e.name),
    lands,
    landing(places) {
      const byZone = new Map<string, number[]>();
      for (let k = 0; k < places.length; k++) for (const z of places[k]!.zones) (byZone.get(z) ?? byZone.set(z, []).get(z)!).push(k);
      // Site blocks by their first address, with the highest last address so far: the
      // blocks a range meets are found by a binary search and a short walk back.
      const byStart = places.map((x, k) => ({ k, range: siteRange(x.block) })).sort((a, b) => a.range.lo - b.range.lo);
      const reach: number[] = [];
      for (let i = 0; i < byStart.length; i++) reach.push(Math.max(byStart[i]!.range.hi, i ? reach[i - 1]! : -1));
      // One rule at a time: the place each was last considered for, and where it lands.
      const seen = new Int32Array(places.length).fill(-1);
      let stamp = -1;
      let rule: AccessRule;
      let at: number[];
      const consider = (k: number) => {
        if (seen[k] === stamp) return;
        seen[k] = stamp;
        if (lands(rule, places[k]!)) at.push(k);
      };
      const visit = (e: Prepared) => {
        if (e.kind === 'any') for (let k = 0; k < places.length; k++) consider(k);
        else if (e.kind === 'zone') {
          const ks = byZone.get(e.zone!);
          if (ks) for (let i = 0; i < ks.length; i++) consider(ks[i]!);
        } else
          for (let j = 0; j < e.ranges.length; j++) {
            const q = e.ranges[j]!;
            // The last block starting at or before the range's end.
            let lo = 0;
            let hi = byStart.length - 1;
            while (lo <= hi) {
              const mid = (lo + hi) >> 1;
              if (byStart[mid]!.range.lo <= q.hi) lo = mid + 1;
              else hi = mid - 1;
            }
            for (let i = hi; i >= 0 && reach[i]! >= q.lo; i--) if (byStart[i]!.range.hi >= q.lo) consider(byStart[i]!.k);
          }
      };
      return (r) => {
        const prep = preparedRule(r);
        rule = r;
        at = [];
        stamp++;
        for (let i = 0; i < prep.from.length; i++) visit(prep.from[i]!);
        for (let i = 0; i < prep.to.length; i++) visit(prep.to[i]!);
        return at;
      };
    },
  };
}

/**
 * Does any (source, destination) pair of the rule pass the site? A pair passes when both
 * ends can be named there and one of them sits behind it; no arrays are built, so asking
 * it for every rule at every site stays cheap at ACL scale.
 */
export function landsAt(rule: AccessRule, place: Place, p: Placement): boolean {
  return p.lands(rule, place);
}

/** Indexes of the rule's destinations, each with the sources whose flow to it passes the site. */
export function pairsAt(rule: AccessRule, place: Place, p: Placement): { dst: number; srcs: number[] }[] {
  const out: { dst: number; srcs: number[] }[] = [];
  const from = rule.from;
  // Most ACL rules have one source: no per-site arrays for them.
  const one = from.length === 1 ? from[0]! : undefined;
  const oneOk = one ? p.resolvable(one, place) : false;
  const oneIn = one && oneOk ? p.behind(one, place) : false;
  if (one && !oneOk) return out;
  const srcOk = one ? [] : from.map((s) => p.resolvable(s, place));
  const srcIn = one ? [] : from.map((s, i) => srcOk[i]! && p.behind(s, place));
  for (let j = 0; j < rule.to.length; j++) {
    const d = rule.to[j]!;
    if (!p.resolvable(d, place)) continue;
    if (one) {
      if (oneIn || p.behind(d, place)) out.push({ dst: j, srcs: [0] });
      continue;
    }
    const dIn = p.behind(d, place);
    const srcs: number[] = [];
    for (let i = 0; i < from.length; i++) if (srcOk[i] && (srcIn[i] || dIn)) srcs.push(i);
    if (srcs.length) out.push({ dst: j, srcs });
  }
  return out;
}

const text = (e: Endpoint) => (e.kind === 'any' ? 'any' : e.kind === 'net' ? `net:${e.cidr}` : `${e.kind}:${e.name}`);

/**
 * Rules that would land on no enforcement point even if `at:` allowed every site: the
 * silent no-op other policy compilers are blamed for, made an error. A rule that lands
 * somewhere but is limited away by `at:` is the author's choice and passes.
 */
export function placementDiagnostics(rules: readonly AccessRule[], skip: (r: AccessRule) => boolean, places: readonly Place[], p: Placement, zoneSites: (zone: string) => boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (skip(r)) continue;
    const roles = r.from.some((e) => e.kind === 'role');
    // The VPN gateway takes a role's rule when one destination exists somewhere.
    if (roles && r.to.some((d) => d.kind !== 'zone' || zoneSites(d.name))) continue;
    if (places.some((place) => landsAt(r, place, p))) continue;
    const why = roles
      ? `its role sources reach no destination that exists (${r.to.map(text).join(', ')} is at no site)`
      : `neither its sources (${r.from.map(text).join(', ')}) nor its destinations (${r.to.map(text).join(', ')}) sit behind any site firewall, and it has no role source for the VPN gateway`;
    out.push(error('rule-lands-nowhere', `rule ${r.id} is enforced nowhere: ${why}; name a site zone or network, or a role`, { ...r.source, path: `rules[${i}]` }));
  }
  return out;
}
