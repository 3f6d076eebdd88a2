// `policy lint`: finds rules that do nothing, do twice what another rule does, open more
// than they should, or have run out. Shadowing and redundancy are proven on the compiled
// rule lists of every site firewall and of the VPN gateway (set and port containment),
// then mapped back to the policy rule through each compiled rule's origin.
import { error, warning, type Diagnostic } from '../diagnostics.js';
import { net, type Inventory } from '../inventory/index.js';
import { planInventory, type FirewallIntent, type FirewallRule } from '../plan/index.js';
import { compileGateway, compilePolicy, isExpired } from './compile.js';
import { compareText } from '../sorted.js';
import { covers, type CoverContext } from './cover.js';
import { indexSets } from './evaluate.js';
import type { AccessPolicy, AccessRule, Endpoint } from './model.js';

export interface LintFinding extends Diagnostic {
  /** The policy rule the finding is about. */
  readonly rule: string;
}

export interface RuleList {
  /** Firewall hostname or `vpn-gateway`. */
  readonly at: string;
  readonly rules: readonly FirewallRule[];
  readonly ctx: CoverContext;
}

/** The compiled rule lists (each site firewall, then the VPN gateway) as of `date`. */
export function ruleLists(inv: Inventory, policy: AccessPolicy, date: string): RuleList[] {
  const compiled = compilePolicy(inv, policy, date);
  const plan = planInventory(inv, { rules: compiled.compiler });
  const lists: RuleList[] = [];
  for (const site of plan.sites) {
    const zoneSubnets = new Map(site.zones.map((z) => [z.name, net.parseCidr(z.subnet)]));
    for (const d of site.devices) {
      if (d.kind !== 'firewall') continue;
      const fw = d as FirewallIntent;
      lists.push({ at: fw.hostname, rules: fw.rules, ctx: { sets: indexSets(fw.sets), zoneSubnets } });
    }
  }
  const gw = compileGateway(inv, policy, plan.sites, date, compiled.pools);
  lists.push({ at: 'vpn-gateway', rules: gw.rules, ctx: { sets: indexSets(gw.sets), zoneSubnets: new Map() } });
  return lists;
}

// A date before any expiry: the lint looks at every rule, expired ones included, so an
// expired rule that is also shadowed is reported as both.
const EVERYTHING_LIVE = '0000-01-01';

const where = (r: AccessRule) => ({ file: r.source.file, line: r.source.line, col: r.source.col });

const isInternet = (inv: Inventory, e: Endpoint): boolean =>
  (e.kind === 'net' && e.cidr.endsWith('/0')) ||
  (e.kind === 'service' && (inv.org.services.find((s) => s.name === e.name)?.addresses.some((a) => a.endsWith('/0')) ?? false));

function wideFindings(inv: Inventory, r: AccessRule): LintFinding[] {
  if (r.action !== 'allow') return [];
  const at = where(r);
  const fromAny = r.from.some((e) => e.kind === 'any');
  const toAny = r.to.some((e) => e.kind === 'any');
  if (fromAny && toAny) return [{ ...error('any-any', `rule ${r.id} allows anything to anything`, at), rule: r.id }];
  const out: LintFinding[] = [];
  if (fromAny) out.push({ ...error('wide-source', `rule ${r.id} allows traffic from any source`, at), rule: r.id });
  const roles = r.from.filter((e) => e.kind === 'role').map((e) => (e as { name: string }).name);
  const wideDst = r.to.filter((e) => e.kind === 'any' || isInternet(inv, e));
  if (roles.length && wideDst.length) {
    out.push({ ...error('wide-role', `rule ${r.id} lets VPN role ${roles.join(', ')} reach ${wideDst.some((e) => e.kind === 'any') ? 'any destination' : 'the whole internet (0.0.0.0/0)'}`, at), rule: r.id });
  }
  const zones = r.from.filter((e) => e.kind === 'zone').map((e) => (e as { name: string }).name);
  if (zones.length && wideDst.length) {
    // A site zone browsing the internet is a normal, reviewed design choice (visitor
    // Wi-Fi); it is listed so a reviewer sees every exit, but does not fail the lint.
    out.push({ ...warning('internet-egress', `rule ${r.id} lets zone ${zones.join(', ')} reach ${wideDst.some((e) => e.kind === 'any') ? 'any destination' : 'the whole internet (0.0.0.0/0)'}`, at), rule: r.id });
  }
  return out;
}

interface Coverage {
  pieces: number;
  covered: number;
  /** First covering rule per covered piece. */
  by: FirewallRule[];
  sites: Set<string>;
}

export function lintPolicy(inv: Inventory, policy: AccessPolicy, today: string): LintFinding[] {
  const findings: LintFinding[] = [];
  const coverage = new Map<string, Coverage>();
  for (const list of ruleLists(inv, policy, EVERYTHING_LIVE)) {
    list.rules.forEach((b, i) => {
      const id = b.origin?.rule ?? b.id;
      const c = coverage.get(id) ?? { pieces: 0, covered: 0, by: [], sites: new Set<string>() };
      coverage.set(id, c);
      c.pieces++;
      c.sites.add(list.at);
      for (let j = 0; j < i; j++) {
        const a = list.rules[j]!;
        if ((a.origin?.rule ?? a.id) === id) continue;
        if (covers(a, b, list.ctx)) {
          c.covered++;
          c.by.push(a);
          break;
        }
      }
    });
  }
  for (const r of policy.rules) {
    const at = where(r);
    const expired = isExpired(r, today);
    if (expired) findings.push({ ...warning('expired', `rule ${r.id} expired on ${r.expires}; it is left out of every compiled firewall`, at), rule: r.id });
    findings.push(...wideFindings(inv, r));
    const c = coverage.get(r.id);
    if (!c) {
      findings.push({ ...warning('unused', `rule ${r.id} compiles to nothing: no site where it applies has its source and destination`, at), rule: r.id });
      continue;
    }
    if (c.covered < c.pieces) continue;
    const coverers = [...new Set(c.by.map((a) => a.origin?.rule ?? a.id))];
    const names = coverers.map((id) => {
      const o = policy.rules.find((x) => x.id === id);
      return o ? `${id} (line ${o.source.line})` : id;
    });
    const action = r.action === 'allow' ? 'accept' : 'drop';
    if (c.by.some((a) => a.action !== action)) {
      // A live rule whose intent is silently overruled is a bug; an expired one is
      // already out of the output, so its expiry is the thing to act on.
      const mk = expired ? warning : error;
      findings.push({ ...mk('shadowed', `rule ${r.id} never matches: earlier ${names.join(', ')} decide all its traffic first, at ${[...c.sites].sort().join(', ')}`, at), rule: r.id });
    } else {
      findings.push({ ...warning('redundant', `rule ${r.id} adds nothing: earlier ${names.join(', ')} already ${r.action} all its traffic`, at), rule: r.id });
    }
  }
  return findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || compareText(a.code, b.code));
}
