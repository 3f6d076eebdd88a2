// Containment of compiled firewall rules: does an earlier rule match every packet a later
// rule matches? Decided on sets, zones and port ranges, never by sampling, so a rule the
// lint calls shadowed truly never matches. Conservative: when containment cannot be
// proven (e.g. a zone against a set with no known subnet) the answer is "not covered".
import { net } from '../inventory/index.js';
import type { FirewallRule, RuleMatch, RuleService } from '../plan/index.js';
import type { SetIndex } from './evaluate.js';

export interface CoverContext {
  readonly sets: SetIndex;
  /** Zone name -> its subnet at this site (absent at the VPN gateway). */
  readonly zoneSubnets: ReadonlyMap<string, net.Block>;
}

const inside = (inner: readonly net.Block[], outer: readonly net.Block[]): boolean =>
  inner.length > 0 && inner.every((b) => outer.some((o) => net.contains(o, b)));

/** The addresses a side certainly stays within, or undefined when unknown. */
function addressesOf(m: RuleMatch, ctx: CoverContext): readonly net.Block[] | undefined {
  // Several sets intersect; any one of them bounds the side.
  for (const s of m.sets) {
    const blocks = ctx.sets.get(s);
    if (blocks && blocks.length) return blocks;
  }
  if (m.zones.length) {
    const blocks = m.zones.map((z) => ctx.zoneSubnets.get(z));
    if (blocks.every((b) => b)) return blocks as net.Block[];
  }
  return undefined;
}

export function sideCovers(a: RuleMatch, b: RuleMatch, ctx: CoverContext): boolean {
  if (a.any) return true;
  if (b.any) return false;
  if (a.zones.length && !(b.zones.length && b.zones.every((z) => a.zones.includes(z)))) return false;
  if (a.sets.length) {
    const inner = addressesOf(b, ctx);
    if (!inner) return false;
    for (const s of a.sets) if (!inside(inner, ctx.sets.get(s) ?? [])) return false;
  }
  return a.zones.length > 0 || a.sets.length > 0;
}

function rangeCovered(r: { from: number; to: number }, ranges: readonly { from: number; to: number }[]): boolean {
  const sorted = [...ranges].sort((x, y) => x.from - y.from);
  let next = r.from;
  for (const x of sorted) {
    if (x.from > next) break;
    if (x.to >= next) next = x.to + 1;
    if (next > r.to) return true;
  }
  return next > r.to;
}

export function servicesCover(a: readonly RuleService[], b: readonly RuleService[]): boolean {
  if (a.length === 0) return true;
  if (b.length === 0) return false;
  return b.every((s) => {
    const same = a.filter((x) => x.proto === s.proto);
    if (!same.length) return false;
    if (s.proto === 'icmp') return true;
    const ranges = same.flatMap((x) => x.ports);
    return s.ports.every((r) => rangeCovered(r, ranges));
  });
}

export function covers(a: FirewallRule, b: FirewallRule, ctx: CoverContext): boolean {
  return sideCovers(a.from, b.from, ctx) && sideCovers(a.to, b.to, ctx) && servicesCover(a.services, b.services);
}
