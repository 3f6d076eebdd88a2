// `policy lint`, `policy diff` and `access matrix`: the analysis commands of the access
// policy, registered by policy.ts on its `policy` and `access` groups.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EXIT, UsageError } from '../exit-codes.js';
import { outputFor, report, withInventory, withJson, type CommonFlags } from '../context.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import type { AccessPolicy, Enforcement } from '../../core/policy/index.js';

export interface PolicyFlags extends CommonFlags {
  readonly policy?: string;
  readonly today?: string;
  readonly date?: string;
}

type Context = (flags: PolicyFlags) => Promise<{
  diagnostics: readonly Diagnostic[];
  policy?: AccessPolicy;
  enf?: Enforcement;
  lib?: typeof import('../../core/policy/index.js');
}>;

export function registerAnalysis(policy: Command, access: Command, context: Context, withPolicy: (c: Command) => Command): void {
  withJson(withInventory(withPolicy(policy.command('lint'))))
    .description('find shadowed, redundant, too wide, expired and unused rules, each with its file:line')
    .addHelpText('after', '\nExit 0 when only warnings are found, 1 on any error (see docs/access-policy.md for severities).\n\nExample:\n  outpost policy lint --json')
    .action(async (flags: PolicyFlags) => {
      const out = outputFor(flags);
      const ctx = await context(flags);
      if (!ctx.enf || !ctx.policy || !ctx.lib) return void (process.exitCode = report(out, ctx.diagnostics, !!flags.json));
      const date = flags.today ?? flags.date ?? ctx.lib.today();
      const findings = ctx.lib.lintPolicy(ctx.enf.inventory, ctx.policy, date);
      const errors = findings.filter((f) => f.severity === 'error').length;
      if (flags.json) out.json({ ok: errors === 0, errors, warnings: findings.length - errors, findings });
      else {
        out.diagnostics(findings);
        out.result(`${findings.length} finding(s): ${errors} error(s), ${findings.length - errors} warning(s) in ${ctx.policy.rules.length} rules`);
      }
      process.exitCode = errors ? EXIT.FINDINGS : EXIT.OK;
    });

  withJson(withInventory(withPolicy(policy.command('diff'))))
    .description('which (source, destination, port) flows a policy change opens or closes, computed on both compiled policies')
    .argument('<old>', 'the policy before the change')
    .argument('<new>', 'the policy after the change')
    .addHelpText('after', '\nExit 0 when no flow changes, 1 when flows open or close (a CI gate).\n\nExample:\n  git show HEAD~1:policies/access.yaml > /tmp/old.yaml\n  outpost policy diff /tmp/old.yaml policies/access.yaml')
    .action(async (oldFile: string, newFile: string, flags: PolicyFlags) => {
      const out = outputFor(flags);
      const a = await context({ ...flags, policy: oldFile });
      const b = await context({ ...flags, policy: newFile });
      if (!a.enf || !a.policy || !b.enf || !b.policy || !b.lib) {
        return void (process.exitCode = report(out, [...a.diagnostics, ...b.diagnostics], !!flags.json));
      }
      const d = b.lib.diffPolicies(b.enf.inventory, { policy: a.policy, enf: a.enf }, { policy: b.policy, enf: b.enf });
      if (flags.json) out.json({ changed: d.opened.length + d.closed.length > 0, flows: d.flows, opened: d.opened, closed: d.closed });
      else {
        const line = (sign: string, c: (typeof d.opened)[number]) =>
          out.result(`${sign} ${c.site === '*' ? '' : `${c.site}: `}${c.from} -> ${c.to} ${c.port}  (${c.before}  =>  ${c.after})`);
        d.opened.forEach((c) => line('+ opens ', c));
        d.closed.forEach((c) => line('- closes', c));
        out.result(`${d.opened.length} flow(s) opened, ${d.closed.length} closed, of ${d.flows} compared`);
      }
      process.exitCode = d.opened.length + d.closed.length ? EXIT.FINDINGS : EXIT.OK;
    });

  withJson(withInventory(withPolicy(access.command('matrix'))))
    .description('role/zone x service table: allowed or denied on the service\'s first port, and the deciding rule')
    .option('-s, --site <code>', 'the site whose zones make the rows (default: one site of each kind)')
    .option('--html <file>', 'write one self-contained HTML page')
    .addHelpText('after', '\nExamples:\n  outpost access matrix --site vac-esch\n  outpost access matrix --html matrix.html')
    .action(async (flags: PolicyFlags & { site?: string; html?: string }) => {
      const out = outputFor(flags);
      if (flags.json && flags.html) throw new UsageError('--json and --html exclude each other');
      const ctx = await context(flags);
      if (!ctx.enf || !ctx.lib) return void (process.exitCode = report(out, ctx.diagnostics, !!flags.json));
      let matrices;
      try {
        matrices = ctx.lib.accessMatrix(ctx.enf, flags.site);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      if (flags.json) return void out.json({ matrices });
      if (flags.html) {
        writeFileSync(flags.html, ctx.lib.matrixHtml(matrices, 'Access matrix'));
        return void out.info(`wrote ${flags.html}`);
      }
      for (const m of matrices) {
        out.result(`site ${m.site} (${m.kind}); columns: ${m.services.map((s, i) => `${i + 1}=${s}`).join(' ')}`);
        const w = Math.max(...m.rows.map((r) => r.from.length));
        out.result(`${''.padEnd(w)} ${m.services.map((_, i) => String(i + 1).padStart(3)).join('')}`);
        for (const r of m.rows) out.result(`${r.from.padEnd(w)} ${r.cells.map((c) => (c.allowed ? '  +' : '  .')).join('')}`);
        out.result('');
      }
      out.result('+ allowed, . denied; --json or --html name the deciding rule of every cell');
    });
}
