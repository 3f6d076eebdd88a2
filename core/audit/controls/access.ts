// Controls over who can reach what: decided exactly as `access check` decides, on the
// compiled rule lists of the site firewalls and the VPN gateway (intended, or the
// firewalls' running rules parsed into the same shape).
import type { FirewallIntent, FirewallRule, SitePlan } from '../../plan/index.js';
import { decider, isExpired, portText, portUniverse, type Decider, type Decision, type Endpoint, type Enforcement, type Hop, type Port } from '../../policy/index.js';
import { INTERNET_SAMPLE } from '../../policy/check.js';
import type { AuditInputs, AuditObject } from '../model.js';
import { guestSsids } from './devices.js';
import { roleInScope, stringList, type Control, type ControlContext } from './types.js';

interface View {
  readonly against: 'intended' | 'running';
  readonly sites: readonly SitePlan[];
  readonly decide: Decider;
}

// Built once per audit, not once per control: compiling thousands of rules takes a while.
const deciders = new WeakMap<Enforcement, Decider>();
function intendedDecider(enf: Enforcement): Decider {
  let d = deciders.get(enf);
  if (!d) deciders.set(enf, (d = decider(enf)));
  return d;
}

/** The intended enforcement, and the same with each firewall replaced by what it runs. */
function* views(ctx: ControlContext): Iterable<View> {
  const enf = ctx.inputs.enforcement;
  // Decided on every site's compile (a role crosses the gateway), reported for the sites audited.
  if (ctx.against.includes('intended')) yield { against: 'intended', sites: ctx.inputs.sites, decide: intendedDecider(enf) };
  if (ctx.against.includes('running') && ctx.inputs.running?.length) {
    const running = new Map(ctx.inputs.running.filter((r) => r.enforced).map((r) => [r.hostname, r.enforced!]));
    const sites = ctx.inputs.sites
      .filter((s) => s.devices.some((d) => running.has(d.hostname)))
      .map((s) => ({ ...s, devices: s.devices.map((d) => running.get(d.hostname) ?? d) }));
    if (sites.length) {
      const runningEnf: Enforcement = { ...enf, sites: enf.sites.map((s) => sites.find((r) => r.code === s.code) ?? s) };
      yield { against: 'running', sites, decide: decider(runningEnf) };
    }
  }
}

const ruleAt = (r: FirewallRule | undefined) => (r?.origin ? `${r.origin.rule} (${r.origin.file}:${r.origin.line})` : r ? `${r.id} (${r.comment})` : 'no rule');
const hopsText = (hops: readonly Hop[]) => hops.map((h) => `${h.at}: ${h.allowed ? 'accepted' : 'dropped'} by ${ruleAt(h.rule)}`).join('; ');
const deciding = (hops: readonly Hop[]) => hops.find((h) => h.allowed && h.rule?.origin)?.rule?.origin;

/** The ports a flow is allowed on, each with its decision, in the universe's order. */
function openOn(decisions: readonly Decision[], ports: readonly Port[]): { p: Port; a: Decision }[] {
  const open: { p: Port; a: Decision }[] = [];
  for (let i = 0; i < decisions.length; i++) if (decisions[i]!.allowed) open.push({ p: ports[i]!, a: decisions[i]! });
  return open;
}

// Every port the policy names, listed once per audit for the controls that walk them all.
const universes = new WeakMap<AuditInputs, readonly Port[]>();
function portsOf(inputs: AuditInputs): readonly Port[] {
  let ports = universes.get(inputs);
  if (!ports) universes.set(inputs, (ports = portUniverse(inputs.inventory, [inputs.policy])));
  return ports;
}

const firewalls = (sites: readonly SitePlan[]) => sites.flatMap((s) => s.devices.filter((d): d is FirewallIntent => d.kind === 'firewall'));

export const noAnyAny: Control = {
  id: 'no-any-any',
  needs: ['intended', 'running'],
  *run(ctx) {
    for (const v of views(ctx)) {
      for (const fw of firewalls(v.sites)) {
        if (ctx.def.scope.sites.length && !ctx.def.scope.sites.includes(fw.site)) continue;
        for (const r of fw.rules) {
          const anyAny = r.action === 'accept' && r.from.any && r.to.any && !r.services.length;
          const object: AuditObject = { kind: 'rule', id: `${fw.hostname}:rule/${r.origin?.rule ?? r.id}`, site: fw.site, device: fw.hostname, ...(r.origin ? { at: r.origin } : {}) };
          yield { object, against: v.against, ...(anyAny ? { problem: `${fw.hostname} accepts any source to any destination on any port (rule ${r.id}${r.comment ? `: ${r.comment}` : ''})` } : {}) };
        }
      }
    }
    // The gateway accepts VPN traffic only; an any-any rule there opens every role to everything.
    if (ctx.against.includes('intended')) {
      for (const r of ctx.inputs.enforcement.gateway.rules) {
        const anyAny = r.action === 'accept' && r.from.any && r.to.any && !r.services.length;
        const object: AuditObject = { kind: 'rule', id: `vpn-gateway:rule/${r.origin?.rule ?? r.id}`, device: 'vpn-gateway', ...(r.origin ? { at: r.origin } : {}) };
        yield { object, against: 'intended', ...(anyAny ? { problem: `the VPN gateway accepts any source to any destination on any port (rule ${r.id})` } : {}) };
      }
    }
  },
};

export const guestIsolated: Control = {
  id: 'guest-isolated',
  needs: ['intended', 'running'],
  *run(ctx) {
    yield* guestSsids(ctx);
    const ports = portsOf(ctx.inputs);
    for (const v of views(ctx)) {
      for (const site of v.sites) {
        if (ctx.def.scope.sites.length && !ctx.def.scope.sites.includes(site.code)) continue;
        const fw = site.devices.find((d) => d.kind === 'firewall');
        for (const guest of site.zones.filter((z) => z.trust === 'guest')) {
          for (const zone of site.zones.filter((z) => z.trust !== 'guest')) {
            const from: Endpoint = { kind: 'zone', name: guest.name };
            const to: Endpoint = { kind: 'zone', name: zone.name };
            const open = openOn(v.decide.many(from, to, ports, site.code), ports);
            const origin = open.length ? deciding(open[0]!.a.hops) : undefined;
            const object: AuditObject = { kind: 'flow', id: `${site.code}:zone/${guest.name}->zone/${zone.name}`, site: site.code, ...(fw ? { device: fw.hostname } : {}), ...(origin ? { at: origin } : {}) };
            const problem = open.length
              ? `guest zone ${guest.name} reaches ${zone.trust} zone ${zone.name} on ${open.map((x) => portText(x.p)).join(', ')}: ${hopsText(open[0]!.a.hops)}`
              : undefined;
            yield { object, against: v.against, ...(problem ? { problem } : {}) };
          }
        }
      }
    }
  },
};

export const vpnRoleScope: Control = {
  id: 'vpn-role-scope',
  needs: ['intended', 'running'],
  params: ['exempt'],
  *run(ctx) {
    const { policy } = ctx.inputs;
    const exempt = new Set(stringList(ctx, 'exempt', ['netadmin']));
    const ports = portsOf(ctx.inputs);
    const internet: Endpoint = { kind: 'net', cidr: `${INTERNET_SAMPLE}/32` };
    for (const v of views(ctx)) {
      for (const role of policy.roles) {
        if (exempt.has(role.name) || !roleInScope(ctx, role.name)) continue;
        const from: Endpoint = { kind: 'role', name: role.name };
        const reaches: string[] = [];
        let origin: FirewallRule['origin'];
        const note = (what: string, to: Endpoint, site?: string) => {
          const open = openOn(v.decide.many(from, to, ports, site), ports);
          if (!open.length) return;
          reaches.push(`${what} on ${open.map((x) => portText(x.p)).join(', ')} (${hopsText(open[0]!.a.hops)})`);
          origin ??= deciding(open[0]!.a.hops);
        };
        // The internet is decided by the gateway alone, which the audit does not read running.
        if (v.against === 'intended') note('the internet (0.0.0.0/0)', internet);
        for (const site of v.sites) {
          for (const zone of site.zones.filter((z) => z.trust === 'management')) note(`management zone ${zone.name} at ${site.code}`, { kind: 'zone', name: zone.name }, site.code);
        }
        const object: AuditObject = { kind: 'role', id: `role/${role.name}`, at: origin ?? role.source };
        yield { object, against: v.against, ...(reaches.length ? { problem: `role ${role.name} reaches ${reaches.join('; ')}` } : {}) };
      }
    }
  },
};

export const expiredRulesRemoved: Control = {
  id: 'expired-rules-removed',
  needs: ['intended', 'running'],
  *run(ctx) {
    const { policy, date } = ctx.inputs;
    const expired = new Map(policy.rules.filter((r) => isExpired(r, date)).map((r) => [r.id, r]));
    if (ctx.against.includes('intended')) {
      for (const r of policy.rules) {
        const object: AuditObject = { kind: 'rule', id: `rule/${r.id}`, at: r.source };
        yield { object, against: 'intended', ...(expired.has(r.id) ? { problem: `rule ${r.id} expired on ${r.expires} and is still in ${policy.file}` } : {}) };
      }
    }
    if (ctx.against.includes('running')) {
      for (const run of ctx.inputs.running ?? []) {
        if (run.seen?.kind !== 'firewall') continue;
        const left = [...new Set(run.seen.rules.map((r) => r.rule?.replace(/\.\d+$/, '')).filter((id): id is string => !!id && expired.has(id)))];
        const object: AuditObject = { kind: 'device', id: run.hostname, site: run.site, device: run.hostname };
        yield { object, against: 'running', ...(left.length ? { problem: `${run.hostname} still enforces expired rule${left.length > 1 ? 's' : ''} ${left.map((id) => `${id} (expired ${expired.get(id)!.expires})`).join(', ')}` } : {}) };
      }
    }
  },
};

/** Roles with no one in them, or with no rule: a door nobody uses, or people with no access. */
export const noIdleRoles: Control = {
  id: 'no-idle-roles',
  needs: ['intended'],
  missing: (ctx) => (ctx.inputs.people || ctx.inputs.accounts ? undefined : 'needs the people files or the directory to count members'),
  *run(ctx) {
    const { policy, people, accounts, date } = ctx.inputs;
    const members = new Map<string, number>();
    const count = (roles: readonly string[]) => roles.forEach((r) => members.set(r, (members.get(r) ?? 0) + 1));
    if (people) for (const p of people.people) count(p.roles);
    else for (const a of accounts ?? []) if (!a.locked) count(a.roles);
    const ruled = new Set(policy.rules.filter((r) => !isExpired(r, date)).flatMap((r) => [...r.from, ...r.to]).flatMap((e) => (e.kind === 'role' ? [e.name] : [])));
    for (const role of policy.roles) {
      if (!roleInScope(ctx, role.name)) continue;
      const problems = [...(members.get(role.name) ? [] : [`no member in ${people ? 'the people files' : 'the directory'}`]), ...(ruled.has(role.name) ? [] : ['no rule that is still in force names it'])];
      yield { object: { kind: 'role', id: `role/${role.name}`, at: role.source }, against: 'intended', ...(problems.length ? { problem: `role ${role.name}: ${problems.join(' and ')}` } : {}) };
    }
  },
};
