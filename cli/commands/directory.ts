// `outpost directory plan|apply`: keep the directory in step with the people files.
import type { Command } from 'commander';
import { EXIT, UsageError } from '../exit-codes.js';
import { outputFor, withInventory, withJson } from '../context.js';
import { connection, identity, interactive, today, withDirectory, withPolicy, type DirectoryFlags, type IdentityFlags } from '../identity.js';
import type { Output } from '../output.js';
import type { DirectoryPlan } from '../../core/directory/index.js';

interface Flags extends IdentityFlags, DirectoryFlags {
  readonly prune?: boolean;
  readonly yes?: boolean;
  readonly connections?: string;
}

function printPlan(out: Output, plan: DirectoryPlan, describe: (c: DirectoryPlan['changes'][number]) => string): void {
  for (const c of plan.changes) out.result(describe(c));
  const s = plan.summary;
  out.result(
    plan.changes.length === 0
      ? 'directory is up to date: no changes'
      : `${plan.changes.length} change(s): ${s['add-person']} to add, ${s['modify-person']} to modify, ${s.disable} to disable, ${s.enable} to enable, ` +
          `${s['add-to-role'] + s['add-role']} role addition(s), ${s['remove-from-role']} role removal(s)${s['delete-person'] ? `, ${s['delete-person']} to DELETE` : ''}`,
  );
}

function common(cmd: Command): Command {
  return withJson(withDirectory(withPolicy(withInventory(cmd))));
}

export function register(program: Command): void {
  const dir = program.command('directory').description('keep the directory (people, role groups, expiry) in step with the people files');

  common(
    dir
      .command('plan')
      .description('show the exact changes apply would make; changes nothing')
      .addHelpText(
        'after',
        '\nReads the directory and the people files; prints one line per change (+ add, ~ modify, ! disable).\n\n' +
          'Examples:\n  eval "$(outpost lab directory up)" && outpost directory plan\n  outpost directory plan --today 2027-01-01 --json',
      ),
  ).action(async (flags: Flags) => {
    const out = outputFor(flags);
    const ctx = await identity(flags, out);
    if (!ctx) return;
    const settings = await connection(flags, ctx);
    const { desiredState, syncDirectory, describeChange } = await import('../../core/directory/index.js');
    const desired = desiredState(settings.base, ctx.people.people, ctx.roles, today(flags.today));
    const r = await syncDirectory(settings, desired, { dryRun: true }).catch(failure(settings.url));
    if (flags.json) out.json({ ok: true, directory: settings.url, base: settings.base, summary: r.plan.summary, changes: r.plan.changes });
    else printPlan(out, r.plan, describeChange);
  });

  common(
    dir
      .command('apply')
      .description('make the changes: add and update people, fix role membership, disable leavers and expired staff (never deletes)')
      .option('--prune', 'DELETE the entries of people no longer in the files (asks for confirmation)')
      .option('-y, --yes', 'confirm --prune without asking (for scripts)')
      .option('--connections <n>', 'parallel connections to write over', '4')
      .addHelpText(
        'after',
        '\nApply is idempotent: a second run changes nothing. A dropped connection is resumed\n' +
          '(the directory is read again and the remaining changes made). Leavers and people\n' +
          'whose end date has passed are locked (password policy) and leave their role groups.\n\n' +
          'Examples:\n  outpost directory apply\n  outpost directory apply --ldap-url ldaps://ldap.example.lu --bind-dn cn=admin,dc=example,dc=lu --password-file /run/secrets/ldap',
      ),
  ).action(async (flags: Flags) => {
    const out = outputFor(flags);
    const ctx = await identity(flags, out);
    if (!ctx) return;
    const settings = await connection(flags, ctx);
    const n = Number(flags.connections ?? 4);
    if (!Number.isInteger(n) || n < 1 || n > 32) throw new UsageError(`--connections ${flags.connections}: expected 1 to 32`);
    const { desiredState, syncDirectory, describeChange } = await import('../../core/directory/index.js');
    const desired = desiredState(settings.base, ctx.people.people, ctx.roles, today(flags.today));
    if (flags.prune) {
      const dry = await syncDirectory(settings, desired, { dryRun: true, prune: true }).catch(failure(settings.url));
      const doomed = dry.plan.changes.filter((c) => c.op === 'delete-person');
      if (doomed.length && !flags.yes) {
        if (!interactive()) throw new UsageError(`--prune would delete ${doomed.length} entr${doomed.length === 1 ? 'y' : 'ies'}: pass --yes to confirm in a non-interactive run`);
        for (const c of doomed) out.info(describeChange(c));
        const { confirm } = await import('@inquirer/prompts');
        if (!(await confirm({ message: `Delete these ${doomed.length} entries for good?`, default: false }))) {
          out.result('nothing deleted');
          return;
        }
      }
    }
    const started = performance.now();
    const r = await syncDirectory(settings, desired, {
      connections: n,
      prune: !!flags.prune,
      onResume: (pass, why) => out.warn(`connection lost (${why}); resuming, pass ${pass + 1}`),
    }).catch(failure(settings.url));
    const ms = Math.round(performance.now() - started);
    if (flags.json) {
      out.json({ ok: r.failed.length === 0, directory: settings.url, summary: r.plan.summary, applied: r.results.filter((x) => x.ok).length, passes: r.passes, failed: r.failed.map((f) => f.error), ms });
    } else {
      // Every change for a helpdesk-sized apply; a national one would drown the terminal.
      if (r.plan.changes.length <= 50) for (const c of r.plan.changes) out.info(describeChange(c));
      for (const f of r.failed) out.error(f.error ?? 'failed');
      out.result(
        r.plan.changes.length === 0
          ? `directory is up to date: no changes (${ctx.people.people.length} people, ${ms} ms)`
          : `applied ${r.results.filter((x) => x.ok).length} of ${r.plan.changes.length} change(s) in ${ms} ms${r.passes > 1 ? ` (resumed ${r.passes - 1} time(s) after a dropped connection)` : ''}`,
      );
    }
    process.exitCode = r.failed.length ? EXIT.FINDINGS : EXIT.OK;
  });
}

/** Connection and bind problems are environment errors (exit 2), said plainly. */
export function failure(url: string) {
  return (e: unknown): never => {
    const msg = e instanceof Error ? e.message : String(e);
    if (/Invalid Credentials|0x31/i.test(msg)) throw new UsageError(`the directory at ${url} refused the bind: check --bind-dn and --password-file`);
    if (/ECONNREFUSED|connect|timeout|closed/i.test(msg)) throw new UsageError(`cannot reach the directory at ${url}: ${msg}`);
    throw e;
  };
}
