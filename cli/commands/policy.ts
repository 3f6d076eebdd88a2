import { Option, type Command } from 'commander';
import { EXIT, UsageError } from '../exit-codes.js';
import { outputFor, report, withInventory, withJson, type CommonFlags } from '../context.js';
import { registerAnalysis } from './policy-analysis.js';
import { error, type Diagnostic } from '../../core/diagnostics.js';
import { unknownName } from '../../core/names.js';
import type { Inventory } from '../../core/inventory/index.js';
import type { AccessPolicy, Endpoint } from '../../core/policy/index.js';

interface PolicyFlags extends CommonFlags {
  readonly policy?: string;
  readonly today?: string;
  /** The old name of --today, kept hidden so scripts keep working. */
  readonly date?: string;
}

interface CheckFlags extends PolicyFlags {
  readonly from: string;
  readonly to: string;
  readonly port?: string;
  readonly site?: string;
}

/** Roles, services, zones and the site named on the command line that do not exist, as usage diagnostics. */
function unknownEndpoints(inv: Inventory, policy: AccessPolicy, ends: Record<string, Endpoint>, site?: string): Diagnostic[] {
  const known = { role: policy.roles.map((r) => r.name), service: inv.org.services.map((s) => s.name), zone: inv.org.zones.map((z) => z.name) };
  const out: Diagnostic[] = [];
  for (const [flag, e] of Object.entries(ends)) {
    if (e.kind === 'role' || e.kind === 'service' || e.kind === 'zone') {
      if (!known[e.kind].includes(e.name)) out.push(error(`unknown-${e.kind}`, unknownName(e.kind, e.name, known[e.kind]), { path: flag }));
    }
  }
  const sites = inv.sites.map((s) => s.code);
  if (site && !sites.includes(site)) out.push(error('unknown-site', unknownName('site', site, sites), { path: '--site' }));
  return out;
}

async function context(flags: PolicyFlags) {
  const { loadInventory } = await import('../../core/inventory/index.js');
  const policy = await import('../../core/policy/index.js');
  const { platformCatalogue } = await import('../../core/render/index.js');
  const inv = loadInventory(flags.inventory, { platforms: platformCatalogue() });
  if (!inv.ok) return { diagnostics: inv.diagnostics };
  const file = flags.policy ?? policy.policyFileFor(flags.inventory);
  const loaded = policy.loadPolicy(file, inv.value);
  if (!loaded.ok) return { diagnostics: [...inv.diagnostics, ...loaded.diagnostics] };
  const date = flags.today ?? flags.date ?? policy.today();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UsageError(`--today takes YYYY-MM-DD, not ${date}`);
  const enf = policy.enforcement(inv.value, loaded.value, date);
  return { diagnostics: [...inv.diagnostics, ...loaded.diagnostics, ...enf.diagnostics], policy: loaded.value, enf, lib: policy };
}

const withPolicy = (cmd: Command) =>
  cmd
    .option('-p, --policy <file>', 'access policy (default: policies/access.yaml beside the inventory)')
    .option('--today <YYYY-MM-DD>', 'evaluate expiry dates as of this day (default: today)')
    .addOption(new Option('--date <YYYY-MM-DD>').hideHelp());

export function register(program: Command): void {
  const policy = program.command('policy').description('the access policy: run its embedded tests, lint it, diff two versions');
  withJson(withInventory(withPolicy(policy.command('test'))))
    .description('run the tests embedded in policies/access.yaml against the compiled firewalls and VPN gateway')
    .addHelpText('after', '\nExit 0 when every test passes, 1 naming each failing test.\n\nExample:\n  outpost policy test --json')
    .action(async (flags: PolicyFlags) => {
      const out = outputFor(flags);
      const ctx = await context(flags);
      if (!ctx.enf) return void (process.exitCode = report(out, ctx.diagnostics, !!flags.json));
      const results = ctx.lib.runTests(ctx.enf, ctx.policy.tests);
      const failed = results.filter((r) => !r.passed);
      for (const r of results) {
        const why = r.answer.hops.map((h) => `${h.at}: ${h.rule ? `rule ${h.rule.id}` : 'default deny'}`).join(', ');
        out.result(`${r.passed ? 'pass' : 'FAIL'}  ${r.test.name}  (expected ${r.test.expect}, got ${r.answer.allowed ? 'allow' : 'deny'}; ${why})`);
        if (!r.passed) out.error(`${r.test.source.file}:${r.test.source.line}:${r.test.source.col}: test "${r.test.name}" failed`);
      }
      out.result(`${results.length - failed.length} passed, ${failed.length} failed`);
      if (flags.json) {
        out.json({
          ok: failed.length === 0,
          passed: results.length - failed.length,
          failed: failed.length,
          tests: results.map((r) => ({ name: r.test.name, passed: r.passed, expect: r.test.expect, allowed: r.answer.allowed, hops: r.answer.hops.map((h) => ({ at: h.at, allowed: h.allowed, rule: h.rule?.id ?? null })), source: r.test.source })),
        });
      }
      process.exitCode = failed.length ? EXIT.FINDINGS : EXIT.OK;
    });

  const access = program.command('access').description('who can reach what, and through which rule');
  withJson(withInventory(withPolicy(access.command('check'))))
    .description('is a flow allowed, and which policy rule (file:line) and rendered rule decide it')
    .requiredOption('--from <endpoint>', 'role:<name>, zone:<name> or net:<cidr>')
    .requiredOption('--to <endpoint>', 'service:<name>, zone:<name> or net:<cidr>')
    .option('--port <port>', 'e.g. 443/tcp (default: the service\'s first port)')
    .option('-s, --site <code>', 'the site, when a zone is involved')
    .addHelpText('after', '\nExit 0 when allowed, 1 when denied.\n\nExamples:\n  outpost access check --from role:tracing-agent --to service:tracing-app\n  outpost access check --from zone:guest --to zone:staff --port 445/tcp --site vac-esch')
    .action(async (flags: CheckFlags) => {
      const out = outputFor(flags);
      const ctx = await context(flags);
      if (!ctx.enf) return void (process.exitCode = report(out, ctx.diagnostics, !!flags.json));
      const ep = /^(any|(role|zone|service):[a-z][a-z0-9-]*|net:\d+\.\d+\.\d+\.\d+\/\d+)$/;
      if (!ep.test(flags.from) || !ep.test(flags.to)) throw new UsageError('--from and --to take role:<name>, zone:<name>, service:<name> or net:<cidr>');
      if (flags.port && !/^\d{1,5}\/(tcp|udp)$/.test(flags.port)) throw new UsageError(`--port takes e.g. 443/tcp, not ${flags.port}`);
      const { parsePortSpec } = await import('../../core/inventory/index.js');
      const from = ctx.lib.parseEndpoint(flags.from);
      const to = ctx.lib.parseEndpoint(flags.to);
      const unknown = unknownEndpoints(ctx.enf.inventory, ctx.policy, { '--from': from, '--to': to }, flags.site);
      if (unknown.length) return void (process.exitCode = report(out, unknown, !!flags.json));
      if ((from.kind === 'zone' || to.kind === 'zone') && !flags.site) throw new UsageError('a zone lives at a site: pass --site CODE');
      let answer;
      try {
        answer = ctx.lib.check(ctx.enf, from, to, flags.port ? parsePortSpec(flags.port) : undefined, flags.site);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const hops = answer.hops.map((h) => ({
        at: h.at,
        allowed: h.allowed,
        rule: h.rule ? { id: h.rule.id, policy: h.rule.origin ? `${h.rule.origin.file}:${h.rule.origin.line}` : null, comment: h.rule.comment } : null,
      }));
      if (flags.json) out.json({ allowed: answer.allowed, from: flags.from, to: flags.to, packet: answer.packet, hops });
      out.result(`${answer.allowed ? 'ALLOWED' : 'DENIED'}: ${flags.from} -> ${flags.to} ${answer.packet.proto}${answer.packet.port ? `/${answer.packet.port}` : ''} (${answer.packet.src} -> ${answer.packet.dst})`);
      for (const h of hops) out.result(`  ${h.at}: ${h.allowed ? 'accept' : 'drop'} by ${h.rule ? `rule ${h.rule.id} (${h.rule.policy}) "${h.rule.comment}"` : 'default deny (no rule matches)'}`);
      process.exitCode = answer.allowed ? EXIT.OK : EXIT.FINDINGS;
    });

  registerAnalysis(policy, access, context, withPolicy);
}
