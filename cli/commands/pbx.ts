// `outpost pbx apply`: the PBX's subscribers from the people files and the rows their kits
// carry (HA1 only), in one transaction; agents offboarded or out of the files removed.
import type { Command } from 'commander';
import { EXIT, UsageError } from '../exit-codes.js';
import { outputFor, report, withInventory, withJson } from '../context.js';
import { identity, today, withPolicy, type IdentityFlags } from '../identity.js';

interface Flags extends IdentityFlags {
  readonly kits: string;
  readonly db?: string;
  readonly dryRun?: boolean;
}

export function register(program: Command): void {
  const pbx = program.command('pbx').description("the PBX behind the agents' softphones: subscribers from the people files and their kits");
  const apply = pbx
    .command('apply')
    .description('add, update and remove PBX subscribers (HA1 only) in one transaction')
    .option('--kits <dir>', 'where `outpost kit` wrote the kits (their admin/pbx-subscriber.json)', 'kits')
    .option('--db <file>', 'the subscriber store kamailio reads (env OUTPOST_PBX_DB; default /var/lib/outpost/pbx/subscriber.db)')
    .option('--dry-run', 'print the plan, change nothing')
    .addHelpText(
      'after',
      '\nEvery agent of the people files with an extension gets the subscriber row their kit\n' +
        'holds (made from the SIP password when the kit was issued with --enrol; the store never\n' +
        'holds a SIP password). Agents gone from the files, offboarded, or past their end date\n' +
        'are removed. The plan prints as + add, ~ update, - remove.\n\n' +
        'Examples:\n  outpost pbx apply --dry-run\n  outpost pbx apply --kits /srv/kits --db /var/lib/outpost/pbx/subscriber.db --json',
    );
  withJson(withPolicy(withInventory(apply))).action(async (flags: Flags) => {
    const out = outputFor(flags);
    const ctx = await identity(flags, out);
    if (!ctx) return;
    const { provisionSubscribers, describeSubscriberChange, countChanges, StoreError, DEFAULT_DB_FILE } = await import('../../core/pbx/index.js');
    const { resolve } = await import('node:path');
    const db = resolve(flags.db ?? process.env.OUTPOST_PBX_DB ?? DEFAULT_DB_FILE);
    const started = performance.now();
    let r;
    try {
      r = provisionSubscribers({ people: ctx.people.people, kitsDir: flags.kits, dbFile: db, domain: ctx.inventory.org.domain, today: today(flags.today), dryRun: !!flags.dryRun });
    } catch (e) {
      if (e instanceof StoreError) throw new UsageError(e.message);
      throw e;
    }
    if (!r.ok) {
      process.exitCode = report(out, r.diagnostics, !!flags.json);
      return;
    }
    const ms = Math.round(performance.now() - started);
    const counts = countChanges(r.value);
    if (flags.json) {
      out.json({ ok: true, db, dryRun: !!flags.dryRun, applied: r.value.applied, counts: { ...counts, unchanged: r.value.unchanged }, changes: r.value.changes.map((c) => ({ op: c.op, username: c.row.username, domain: c.row.domain, agent: c.row.agent, ...('why' in c ? { why: c.why } : {}) })), diagnostics: r.diagnostics, ms });
      return;
    }
    out.diagnostics(r.diagnostics);
    for (const c of r.value.changes) out.result(describeSubscriberChange(c));
    const summary = `+${counts.add} ~${counts.update} -${counts.remove}, ${r.value.unchanged} unchanged`;
    out.result(flags.dryRun ? `plan: ${summary} (dry run: nothing written)` : r.value.applied ? `applied ${summary} to ${db} in ${ms} ms` : `nothing to change (${r.value.unchanged} subscribers)`);
    process.exitCode = EXIT.OK;
  });
}
