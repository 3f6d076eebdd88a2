import { Option, type Command } from 'commander';
import { EXIT, UsageError } from '../exit-codes.js';
import { outputFor, report, withInventory, withJson, type CommonFlags } from '../context.js';
import { registerAnalysis } from './policy-analysis.js';
import { registerCheck } from './access-check.js';

interface PolicyFlags extends CommonFlags {
  readonly policy?: string;
  readonly today?: string;
  /** The old name of --today, kept hidden so scripts keep working. */
  readonly date?: string;
}

interface TestFlags extends PolicyFlags {
  readonly coverage?: boolean;
  readonly minCoverage?: string;
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
  // A rule enforced nowhere (or a plan error) makes every answer meaningless: report it.
  if (enf.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: [...inv.diagnostics, ...loaded.diagnostics, ...enf.diagnostics] };
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
    .option('--coverage', 'mutate every rule in turn (allow<->deny, drop a port, drop a source) and list the mutations no test notices')
    .option('--min-coverage <percent>', 'with --coverage: fail when fewer mutations than this are noticed (0-100)')
    .addHelpText(
      'after',
      '\nExit 0 when every test passes (and, with --min-coverage, coverage reaches it), 1 naming each failing test or surviving mutation.\n\n' +
        'Examples:\n  outpost policy test --json\n  outpost policy test --coverage --min-coverage 100',
    )
    .action(async (flags: TestFlags) => {
      const out = outputFor(flags);
      const min = flags.minCoverage === undefined ? undefined : Number(flags.minCoverage);
      if (min !== undefined && (!/^\d+(\.\d+)?$/.test(flags.minCoverage!) || min > 100)) throw new UsageError(`--min-coverage takes a percentage from 0 to 100, not ${flags.minCoverage}`);
      if (min !== undefined && !flags.coverage) throw new UsageError('--min-coverage goes with --coverage');
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
      const coverage = flags.coverage ? ctx.lib.mutationCoverage(ctx.enf.inventory, ctx.policy, flags.date ?? ctx.lib.today()) : undefined;
      const survivors = coverage?.mutations.filter((m) => m.noticedBy.length === 0) ?? [];
      if (coverage) {
        for (const m of survivors) out.result(`survives  ${m.source.file}:${m.source.line}: rule ${m.rule}: ${m.change} (no test notices)`);
        for (const s of coverage.skipped) out.result(`skipped   rule ${s.rule}: ${s.reason}`);
        out.result(`coverage: ${coverage.killed} of ${coverage.total} mutations noticed (${coverage.percent}%)`);
      }
      const short = coverage !== undefined && min !== undefined && coverage.percent < min;
      if (short) out.error(`coverage ${coverage!.percent}% is below --min-coverage ${min}%`);
      if (flags.json) {
        out.json({
          ok: failed.length === 0 && !short,
          passed: results.length - failed.length,
          failed: failed.length,
          tests: results.map((r) => ({ name: r.test.name, passed: r.passed, expect: r.test.expect, allowed: r.answer.allowed, hops: r.answer.hops.map((h) => ({ at: h.at, allowed: h.allowed, rule: h.rule?.id ?? null })), source: r.test.source })),
          ...(coverage ? { coverage: { percent: coverage.percent, killed: coverage.killed, total: coverage.total, survivors, mutations: coverage.mutations, skipped: coverage.skipped } } : {}),
        });
      }
      process.exitCode = failed.length || short ? EXIT.FINDINGS : EXIT.OK;
    });

  const access = program.command('access').description('who can reach what, and through which rule');
  registerCheck(access, context, withPolicy);
  registerAnalysis(policy, access, context, withPolicy);
}
