// Compiles the access policy into enforcement: each site firewall gets the rules whose
// sources live at that site (its zones) or that reach into it (a VPN role to a zone);
// the VPN gateway gets every rule from a role. Shared addresses become named sets.
import type { Diagnostic } from '../diagnostics.js';
import { net, type Inventory, type PortRange } from '../inventory/index.js';
import { firstFree, type AddressSet, type FirewallRule, type RuleCompiler, type RuleMatch, type RuleService, type SitePlan } from '../plan/index.js';
import type { AccessPolicy, AccessRule, Endpoint } from './model.js';

export const setName = (kind: string, name: string): string => `${kind}_${name.replace(/[^a-z0-9]/g, '_')}`;

/** True when the rule's expiry date is before `today` (YYYY-MM-DD). */
export const isExpired = (r: AccessRule, today: string): boolean => r.expires !== undefined && r.expires < today;

/** One VPN address pool per role, carved in role order from the org's VPN range. */
export function rolePools(inv: Inventory, policy: AccessPolicy): Map<string, string> {
  const range = net.parseCidr(inv.org.addressPlan.vpn);
  const used: net.Block[] = [];
  const pools = new Map<string, string>();
  for (const r of policy.roles) {
    const b = firstFree(range, Math.max(r.pool, range.prefix), used);
    if (!b) continue;
    used.push(b);
    pools.set(r.name, net.cidr(b));
  }
  return pools;
}

function appliesAt(rule: AccessRule, site: { code: string; kind: string }): boolean {
  return rule.at.length === 0 || rule.at.includes(site.code) || rule.at.includes(site.kind);
}

function servicesFor(rule: AccessRule, dst: Endpoint, inv: Inventory): RuleService[] {
  const byProto = (ports: readonly PortRange[]): RuleService[] => {
    const out: RuleService[] = [];
    for (const proto of ['tcp', 'udp'] as const) {
      const ps = ports.filter((p) => p.proto === proto).map((p) => ({ from: p.from, to: p.to }));
      if (ps.length) out.push({ proto, ports: ps });
    }
    return out;
  };
  const explicit = byProto(rule.ports);
  if (rule.icmp) explicit.push({ proto: 'icmp', ports: [] });
  if (explicit.length) return explicit;
  if (dst.kind === 'service') return byProto(inv.org.services.find((s) => s.name === dst.name)!.ports);
  return [];
}

const none: RuleMatch = { any: false, zones: [], sets: [] };

interface Emit {
  readonly sets: Map<string, AddressSet>;
  readonly rules: FirewallRule[];
}

function emit(out: Emit, rule: AccessRule, from: RuleMatch, to: RuleMatch, services: readonly RuleService[], n: number, split: boolean): void {
  out.rules.push({
    id: split ? `${rule.id}.${n}` : rule.id,
    action: rule.action === 'allow' ? 'accept' : 'drop',
    from,
    to,
    services,
    comment: `${rule.reason} (owner: ${rule.owner})`,
    origin: { ...rule.source, rule: rule.id },
  });
}

interface Resolver {
  zone(name: string): RuleMatch | undefined;
}

/** A rule's source as matched, with the address sets the match names. */
interface Source {
  readonly match: RuleMatch;
  readonly sets: readonly AddressSet[];
}

const matchOnly = (match: RuleMatch): Source => ({ match, sets: [] });

/** A role's VPN pool as a source. */
function roleSource(pools: ReadonlyMap<string, string>, role: string): Source {
  const name = setName('role', role);
  return { match: { ...none, sets: [name] }, sets: [{ name, addresses: [pools.get(role)!], comment: `VPN pool of role ${role}` }] };
}

function compileRules(inv: Inventory, rules: readonly AccessRule[], resolve: Resolver, sources: (r: AccessRule) => Source[]): Emit {
  const out: Emit = { sets: new Map(), rules: [] };
  const addSet = (name: string, addresses: readonly string[], comment: string) => {
    if (!out.sets.has(name)) out.sets.set(name, { name, addresses: [...addresses], comment });
    return name;
  };
  for (const r of rules) {
    const dsts: RuleMatch[] = [];
    const svcs: RuleService[][] = [];
    r.to.forEach((d, j) => {
      let m: RuleMatch | undefined;
      if (d.kind === 'any') m = { any: true, zones: [], sets: [] };
      else if (d.kind === 'zone') m = resolve.zone(d.name);
      else if (d.kind === 'service') {
        const s = inv.org.services.find((x) => x.name === d.name)!;
        m = { ...none, sets: [addSet(setName('svc', s.name), s.addresses, `${s.name}: ${s.description}`)] };
      } else if (d.kind === 'net') m = { ...none, sets: [addSet(setName('net', `${r.id}_${j}`), [d.cidr], `rule ${r.id}`)] };
      if (!m) return;
      dsts.push(m);
      svcs.push(servicesFor(r, d, inv));
    });
    const srcs = sources(r).map((s) => {
      for (const set of s.sets) addSet(set.name, set.addresses, set.comment);
      return s.match;
    });
    const split = srcs.length * dsts.length > 1;
    let n = 0;
    for (const s of srcs) for (let k = 0; k < dsts.length; k++) emit(out, r, s, dsts[k]!, svcs[k]!, ++n, split);
  }
  return out;
}

export interface CompiledPolicy {
  readonly pools: ReadonlyMap<string, string>;
  readonly compiler: RuleCompiler;
  /** Rules dropped because their expiry date passed. */
  readonly expired: readonly AccessRule[];
  readonly diagnostics: readonly Diagnostic[];
}

export function compilePolicy(inv: Inventory, policy: AccessPolicy, today: string): CompiledPolicy {
  const pools = rolePools(inv, policy);
  const live = policy.rules.filter((r) => !isExpired(r, today));
  const expired = policy.rules.filter((r) => isExpired(r, today));
  const compiler: RuleCompiler = (site) => {
    const zonesHere = new Set(site.zones.map((z) => z.name));
    const resolve: Resolver = { zone: (name) => (zonesHere.has(name) ? { ...none, zones: [name] } : undefined) };
    const here = live.filter((r) => appliesAt(r, site));
    const out = compileRules(inv, here, resolve, (r) => {
      const srcs: Source[] = [];
      const zones = r.from.filter((e): e is { kind: 'zone'; name: string } => e.kind === 'zone' && zonesHere.has(e.name)).map((e) => e.name);
      if (zones.length) srcs.push(matchOnly({ ...none, zones }));
      if (r.from.some((e) => e.kind === 'any')) srcs.push(matchOnly({ any: true, zones: [], sets: [] }));
      // A role or a network reaches into a site only where the rule names one of the site's zones.
      if (r.to.some((e) => e.kind === 'zone' && zonesHere.has(e.name))) {
        for (const e of r.from) if (e.kind === 'role') srcs.push(roleSource(pools, e.name));
        const nets = r.from.flatMap((e) => (e.kind === 'net' ? [e.cidr] : []));
        if (nets.length) {
          // Every source network of the rule in one set: a packet from any of them matches.
          const name = setName('net', `${r.id}_src`);
          srcs.push({ match: { ...none, sets: [name] }, sets: [{ name, addresses: nets, comment: `rule ${r.id}` }] });
        }
      }
      return srcs;
    });
    return { sets: [...out.sets.values()].sort((a, b) => a.name.localeCompare(b.name)), rules: out.rules, diagnostics: [] };
  };
  return { pools, compiler, expired, diagnostics: [] };
}

/** The VPN gateway's rules: every live rule from a role, with zones as the subnets of every site where the rule applies. */
export function compileGateway(inv: Inventory, policy: AccessPolicy, sites: readonly SitePlan[], today: string): { sets: AddressSet[]; rules: FirewallRule[] } {
  const pools = rolePools(inv, policy);
  const live = policy.rules.filter((r) => !isExpired(r, today) && r.from.some((e) => e.kind === 'role'));
  const out: Emit = { sets: new Map(), rules: [] };
  for (const r of live) {
    const resolve: Resolver = {
      zone: (name) => {
        const subnets = sites.filter((s) => appliesAt(r, s)).flatMap((s) => s.zones.filter((z) => z.name === name).map((z) => z.subnet));
        if (!subnets.length) return undefined;
        const set = setName('zone', `${r.id}_${name}`);
        out.sets.set(set, { name: set, addresses: subnets, comment: `zone ${name} at the sites of rule ${r.id}` });
        return { ...none, sets: [set] };
      },
    };
    const part = compileRules(inv, [r], resolve, (rule) => rule.from.flatMap((e) => (e.kind === 'role' ? [roleSource(pools, e.name)] : [])));
    for (const [k, v] of part.sets) out.sets.set(k, v);
    out.rules.push(...part.rules);
  }
  return { sets: [...out.sets.values()].sort((a, b) => a.name.localeCompare(b.name)), rules: out.rules };
}
