// `outpost offboard <id>`: an agent leaves. Their row leaves the people file, and in the
// directory they are locked and taken out of every role group. Nothing is deleted.
import type { Command } from 'commander';
import { EXIT, UsageError } from '../exit-codes.js';
import { outputFor, withInventory, withJson } from '../context.js';
import { connection, identity, today, withDirectory, withPolicy, type DirectoryFlags, type IdentityFlags } from '../identity.js';

export function register(program: Command): void {
  const cmd = program
    .command('offboard')
    .description('offboard an agent: remove them from the people files, lock the account and empty their roles (nothing is deleted)')
    .argument('<id>', 'login of the agent')
    .addHelpText('after', '\nExample:\n  outpost offboard marie.schmit');
  withJson(withDirectory(withPolicy(withInventory(cmd)))).action(async (id: string, flags: IdentityFlags & DirectoryFlags) => {
    const out = outputFor(flags);
    const { isValid, removePerson } = await import('../../core/people/index.js');
    if (!isValid('id', id)) throw new UsageError(`${JSON.stringify(id)} is not a login (lower-case letters, digits, . _ -)`);
    const ctx = await identity(flags, out);
    if (!ctx) return;
    const settings = await connection(flags, ctx);
    const { desiredState, syncDirectory, describeChange, connect, findPerson, layoutFor, closeQuietly } = await import('../../core/directory/index.js');
    const person = ctx.people.people.find((p) => p.id === id);
    const client = await connect(settings);
    const found = await findPerson(client, layoutFor(settings.base), id).finally(() => closeQuietly(client));
    if (!person && !found.length) {
      out.error(`no agent ${id} in the people files or the directory`);
      process.exitCode = EXIT.FINDINGS;
      return;
    }
    const rest = ctx.people.people.filter((p) => p.id !== id);
    if (person) {
      removePerson(person);
      out.info(`removed ${id} from ${person.source.file}:${person.source.line}`);
    }
    const sync = await syncDirectory(settings, desiredState(settings.base, rest, ctx.roles, today(flags.today)), { only: [id] });
    for (const f of sync.failed) out.error(f.error ?? 'failed');
    if (flags.json) out.json({ ok: sync.failed.length === 0, id, removedFrom: person?.source.file, changes: sync.plan.changes });
    else {
      for (const c of sync.plan.changes) out.result(describeChange(c));
      out.result(sync.plan.changes.length ? `offboarded ${id}` : `${id} was already disabled and in no role`);
    }
    process.exitCode = sync.failed.length ? EXIT.FINDINGS : EXIT.OK;
  });
}
