import type { Command } from 'commander';
import { EXIT, UsageError } from '../exit-codes.js';
import { outputFor, report, withInventory, withJson, type CommonFlags } from '../context.js';
import { registerAnalysis } from './policy-analysis.js';
import { registerCheck } from './access-check.js';

interface PolicyFlags extends CommonFlags {
  readonly policy?: string;
  readonly date?: string;
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
  const date = flags.date ?? policy.today();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UsageError(`--date takes YYYY-MM-DD, not ${date}`);
  const enf = policy.enforcement(inv.value, loaded.value, date);
  // A rule enforced nowhere (or a plan error) makes every answer meaningless: report it.
  if (enf.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: [...inv.diagnostics, ...loaded.diagnostics, ...enf.diagnostics] };
  return { diagnostics: [...inv.diagnostics, ...loaded.diagnostics, ...enf.diagnostics], policy: loaded.value, enf, lib: policy };
}

const withPolicy = (cmd: Command) =>
  cmd
    .option('-p, --policy <file>', 'access policy (default: policies/access.yaml beside the inventory)')
    .option('--date <YYYY-MM-DD>', 'evaluate expiry dates as of this day (default: today)');

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
  registerCheck(access, context, withPolicy);
  registerAnalysis(policy, access, context, withPolicy);
}
