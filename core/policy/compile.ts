// Compiles the access policy into enforcement: each site firewall gets the (source,
// destination) pairs of every rule whose traffic passes it (see placement.ts); the VPN
// gateway gets every rule from a role. Shared addresses become named sets, and only the
// sets a compiled rule names are emitted.
import type { Diagnostic, SourceLocation } from '../diagnostics.js';
import { withFields, type Inventory, type PortRange } from '../inventory/index.js';
import { allocateAddresses, type AddressSet, type FirewallRule, type RuleCompiler, type RuleMatch, type RuleService, type SitePlan } from '../plan/index.js';
import { compareText } from '../sorted.js';
import type { AccessPolicy, AccessRule, Endpoint } from './model.js';
import { fastCidr, landsAt, pairsAt, placement, placementDiagnostics, type Place, type Placement } from './placement.js';
import { rolePools } from './pools.js';

export { rolePools } from './pools.js';

export const setName = (kind: string, name: string): string => `${kind}_${name.replace(/[^a-z0-9]/g, '_')}`;

/** True when the rule's expiry date is before `today` (YYYY-MM-DD). */
export const isExpired = (r: AccessRule, today: string): boolean => r.expires !== undefined && r.expires < today;

export function appliesAt(rule: AccessRule, site: { code: string; kind: string }): boolean {
  return rule.at.length === 0 || rule.at.includes(site.code) || rule.at.includes(site.kind);
}

/** The ports as services, in one pass; TCP before UDP, as compiled rules have always listed them. */
function byProto(ports: readonly PortRange[]): RuleService[] {
  const tcp: { from: number; to: number }[] = [];
  const udp: { from: number; to: number }[] = [];
  for (let i = 0; i < ports.length; i++) {
    const p = ports[i]!;
    if (p.proto === 'tcp') tcp.push({ from: p.from, to: p.to });
    else if (p.proto === 'udp') udp.push({ from: p.from, to: p.to });
  }
  const out: RuleService[] = [];
  if (tcp.length) out.push({ proto: 'tcp', ports: tcp });
  if (udp.length) out.push({ proto: 'udp', ports: udp });
  return out;
}

function servicesFor(rule: AccessRule, dst: Endpoint, inv: Inventory): RuleService[] {
  const explicit = byProto(rule.ports);
  if (rule.icmp) explicit.push({ proto: 'icmp', ports: [] });
  if (explicit.length) return explicit;
  if (dst.kind === 'service') return byProto(inv.org.services.find((s) => s.name === dst.name)!.ports);
  return [];
}

const none: RuleMatch = { any: false, zones: [], sets: [] };

// Sets in the order localeCompare gives. Compiled names are [a-z0-9_] only, where that
// order is the code point order with '_' before the digits: thousands of sets sort on
// plain string keys instead of a collator. (A comparator walking the characters sorts
// faster once optimised, but a fresh process runs it cold, where it was several times slower.)
function sortSets(sets: AddressSet[]): AddressSet[] {
  if (!sets.every((s) => /^[a-z0-9_]+$/.test(s.name))) return sets.sort((a, b) => compareText(a.name, b.name));
  const keyed = sets.map((s) => ({ s, k: s.name.replaceAll('_', ' ') }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.s);
}
const ANY: RuleMatch = { any: true, zones: [], sets: [] };

interface Emit {
  readonly sets: Map<string, AddressSet>;
  readonly rules: FirewallRule[];
}

const newEmit = (): Emit => ({ sets: new Map(), rules: [] });

/** A side as matched, with the address sets the match names (emitted only when a rule uses them). */
interface Side {
  readonly match: RuleMatch;
  readonly sets: readonly AddressSet[];
}

function roleSide(pools: ReadonlyMap<string, string>, role: string): Side {
  const name = setName('role', role);
  return { match: { ...none, sets: [name] }, sets: [{ name, addresses: [pools.get(role)!], comment: `VPN pool of role ${role}` }] };
}

function serviceSide(inv: Inventory, name: string): Side {
  const s = inv.org.services.find((x) => x.name === name)!;
  const set = setName('svc', s.name);
  return { match: { ...none, sets: [set] }, sets: [{ name: set, addresses: s.addresses, comment: `${s.name}: ${s.description}` }] };
}

function netSide(name: string, cidrs: readonly string[], comment: string): Side {
  return { match: { ...none, sets: [name] }, sets: [{ name, addresses: cidrs, comment }] };
}

// Indexed loops on the per-rule paths: a fresh process runs them before they are
// optimised, when a for-of allocates an iterator and a result object per step.
function addSets(out: Emit, sets: readonly AddressSet[]): void {
  for (let i = 0; i < sets.length; i++) {
    const s = sets[i]!;
    if (!out.sets.has(s.name)) out.sets.set(s.name, s);
  }
}

// One origin per access rule, shared by every rule it compiles to (a rule lands at many
// sites): frozen, so sharing it is safe, and each one costs two closures and a freeze.
const origins = new WeakMap<AccessRule, SourceLocation & { rule: string }>();

function originOf(rule: AccessRule): SourceLocation & { rule: string } {
  let o = origins.get(rule);
  // Not a spread: that would work out the rule's line and col, which few runs print.
  if (!o) origins.set(rule, (o = withFields(rule.source, { rule: rule.id })));
  return o;
}

function emit(out: Emit, rule: AccessRule, from: Side, to: Side, services: readonly RuleService[], id: string): void {
  addSets(out, from.sets);
  addSets(out, to.sets);
  out.rules.push({
    id,
    action: rule.action === 'allow' ? 'accept' : 'drop',
    from: from.match,
    to: to.match,
    services,
    comment: `${rule.reason} (owner: ${rule.owner})`,
    origin: originOf(rule),
  });
}

/**
 * Emits one compiled rule per (source group, destination) pair in source-group order,
 * numbered `id.n` when there is more than one. `valid(group, dst)` says whether the pair's
 * traffic passes this enforcement point.
 */
function emitPairs(out: Emit, r: AccessRule, groups: readonly { side: Side; dsts: ReadonlySet<number> }[], dsts: readonly (Side | undefined)[], services: readonly RuleService[][]): void {
  const pairs: [Side, number][] = [];
  for (const g of groups) for (let j = 0; j < dsts.length; j++) if (dsts[j] && g.dsts.has(j)) pairs.push([g.side, j]);
  const split = pairs.length > 1;
  pairs.forEach(([s, j], k) => emit(out, r, s, dsts[j]!, services[j]!, split ? `${r.id}.${k + 1}` : r.id));
}

function dstSide(inv: Inventory, r: AccessRule, j: number): Side {
  const d = r.to[j]!;
  if (d.kind === 'any') return { match: ANY, sets: [] };
  if (d.kind === 'zone') return { match: { ...none, zones: [d.name] }, sets: [] };
  if (d.kind === 'service') return serviceSide(inv, d.name);
  return netSide(setName('net', `${r.id}_${j}`), [(d as { cidr: string }).cidr], `rule ${r.id}`);
}

function srcSide(r: AccessRule, i: number, pools: ReadonlyMap<string, string>): Side {
  const e = r.from[i]!;
  if (e.kind === 'any') return { match: ANY, sets: [] };
  if (e.kind === 'zone') return { match: { ...none, zones: [e.name] }, sets: [] };
  if (e.kind === 'role') return roleSide(pools, e.name);
  return netSide(setName('net', `${r.id}_src`), [(e as { cidr: string }).cidr], `rule ${r.id}`);
}

/** A site firewall's part of one rule; `landed` when the rule is known to land at the site. */
function compileAtSite(out: Emit, inv: Inventory, r: AccessRule, place: Place, p: Placement, pools: ReadonlyMap<string, string>, landed: boolean): void {
  if (!landed && !landsAt(r, place, p)) return;
  const pairs = pairsAt(r, place, p);
  if (!pairs.length) return;
  if (pairs.length === 1 && r.from.length === 1) {
    // The ACL shape (one source, one destination here): no grouping to do.
    const j = pairs[0]!.dst;
    emit(out, r, srcSide(r, 0, pools), dstSide(inv, r, j), servicesFor(r, r.to[j]!, inv), r.id);
    return;
  }
  const dsts: (Side | undefined)[] = r.to.map(() => undefined);
  const services: RuleService[][] = r.to.map(() => []);
  for (const { dst: j } of pairs) {
    dsts[j] = dstSide(inv, r, j);
    services[j] = servicesFor(r, r.to[j]!, inv);
  }
  // Sources group as before: the rule's zones together, any, each role, the networks.
  const usedBy = new Map<number, Set<number>>();
  for (const { dst, srcs } of pairs) for (const i of srcs) (usedBy.get(i) ?? usedBy.set(i, new Set()).get(i)!).add(dst);
  const groups: { side: Side; dsts: Set<number> }[] = [];
  const union = (idx: number[]) => new Set(idx.flatMap((i) => [...(usedBy.get(i) ?? [])]));
  const zoneIdx = r.from.flatMap((e, i) => (e.kind === 'zone' && usedBy.has(i) ? [i] : []));
  if (zoneIdx.length) groups.push({ side: { match: { ...none, zones: zoneIdx.map((i) => (r.from[i] as { name: string }).name) }, sets: [] }, dsts: union(zoneIdx) });
  r.from.forEach((e, i) => {
    if (e.kind === 'any' && usedBy.has(i)) groups.push({ side: { match: ANY, sets: [] }, dsts: usedBy.get(i)! });
  });
  r.from.forEach((e, i) => {
    if (e.kind === 'role' && usedBy.has(i)) groups.push({ side: roleSide(pools, e.name), dsts: usedBy.get(i)! });
  });
  // Networks: every one of them towards destinations behind this site; towards the rest
  // (beyond the WAN) only the networks that sit behind it themselves.
  const netIdx = r.from.flatMap((e, i) => (e.kind === 'net' && usedBy.has(i) ? [i] : []));
  if (netIdx.length) {
    const all = netIdx.filter((i) => usedBy.get(i)!.size > 0);
    const local = all.filter((i) => p.behind(r.from[i]!, place));
    const cidrs = (idx: number[]) => idx.map((i) => (r.from[i] as { cidr: string }).cidr);
    const inward = new Set(pairs.filter((x) => p.behind(r.to[x.dst]!, place)).map((x) => x.dst));
    const outward = new Set(pairs.filter((x) => !inward.has(x.dst)).map((x) => x.dst));
    if (local.length === all.length) groups.push({ side: netSide(setName('net', `${r.id}_src`), cidrs(all), `rule ${r.id}`), dsts: union(all) });
    else {
      if (inward.size) groups.push({ side: netSide(setName('net', `${r.id}_src`), cidrs(all), `rule ${r.id}`), dsts: inward });
      if (local.length && outward.size) groups.push({ side: netSide(setName('net', `${r.id}_src_here`), cidrs(local), `rule ${r.id}, networks of this site`), dsts: outward });
    }
  }
  emitPairs(out, r, groups, dsts, services);
}

export interface CompiledPolicy {
  readonly pools: ReadonlyMap<string, string>;
  readonly compiler: RuleCompiler;
  /** Rules dropped because their expiry date passed. */
  readonly expired: readonly AccessRule[];
  /** A live rule enforced nowhere is an error (rule-lands-nowhere). */
  readonly diagnostics: readonly Diagnostic[];
}

const placeOf = (site: SitePlan): Place => ({ code: site.code, kind: site.kind, zones: new Set(site.zones.map((z) => z.name)), block: fastCidr(site.block) });

export function compilePolicy(inv: Inventory, policy: AccessPolicy, today: string, pools: ReadonlyMap<string, string> = rolePools(inv, policy)): CompiledPolicy {
  const live = policy.rules.filter((r) => !isExpired(r, today));
  const expired = policy.rules.filter((r) => isExpired(r, today));
  const p = placement(inv);
  const addresses = allocateAddresses(inv);
  const places: Place[] = inv.sites.flatMap((s) => {
    const a = addresses.sites.get(s.code);
    return a ? [{ code: s.code, kind: s.kind, zones: new Set(s.zones.map((z) => z.zone)), block: a.block }] : [];
  });
  // Where each live rule lands, `at:` aside: found once per rule (by zone and address
  // range, not by asking every site), then used both for the diagnostics and by every
  // site's compile (in rule order).
  const landing = new Map<string, AccessRule[]>(places.map((x) => [x.code, []]));
  const nowhere = new Set<AccessRule>();
  const lists = places.map((x) => landing.get(x.code)!);
  const landsAtPlaces = p.landing(places);
  for (let i = 0; i < live.length; i++) {
    const r = live[i]!;
    const at = landsAtPlaces(r);
    for (let j = 0; j < at.length; j++) lists[at[j]!]!.push(r);
    if (!at.length) nowhere.add(r);
  }
  const compiler: RuleCompiler = (site) => {
    const place = placeOf(site);
    const known = places.find((x) => x.code === site.code);
    // The plan's site is the one placed above unless a caller hands in another.
    const same = known && known.block.base === place.block.base && known.block.prefix === place.block.prefix && [...place.zones].every((z) => known.zones.has(z));
    const rules = same ? landing.get(site.code)! : live;
    const out = newEmit();
    for (let i = 0; i < rules.length; i++) if (appliesAt(rules[i]!, site)) compileAtSite(out, inv, rules[i]!, place, p, pools, !!same);
    return { sets: sortSets([...out.sets.values()]), rules: out.rules, diagnostics: [] };
  };
  const zoneSites = (zone: string) => places.some((x) => x.zones.has(zone));
  const diagnostics = placementDiagnostics(policy.rules, (r) => isExpired(r, today) || !nowhere.has(r), places, p, zoneSites);
  return { pools, compiler, expired, diagnostics };
}

/** The VPN gateway's rules: every live rule from a role, with zones as the subnets of every site where the rule applies. */
export function compileGateway(
  inv: Inventory,
  policy: AccessPolicy,
  sites: readonly SitePlan[],
  today: string,
  pools: ReadonlyMap<string, string> = rolePools(inv, policy),
): { sets: AddressSet[]; rules: FirewallRule[] } {
  const live = policy.rules.filter((r) => !isExpired(r, today) && r.from.some((e) => e.kind === 'role'));
  const out = newEmit();
  for (const r of live) {
    const dsts = r.to.map((d, j): Side | undefined => {
      if (d.kind !== 'zone') return dstSide(inv, r, j);
      const subnets = sites.filter((s) => appliesAt(r, s)).flatMap((s) => s.zones.filter((z) => z.name === d.name).map((z) => z.subnet));
      if (!subnets.length) return undefined;
      return netSide(setName('zone', `${r.id}_${d.name}`), subnets, `zone ${d.name} at the sites of rule ${r.id}`);
    });
    const services = r.to.map((d) => servicesFor(r, d, inv));
    const every = new Set(r.to.map((_, j) => j));
    const groups = r.from.flatMap((e) => (e.kind === 'role' ? [{ side: roleSide(pools, e.name), dsts: every }] : []));
    emitPairs(out, r, groups, dsts, services);
  }
  return { sets: sortSets([...out.sets.values()]), rules: out.rules };
}
