// `outpost offboard <id>`: an agent leaves. Their row leaves the people file, and in the
// directory they are locked and taken out of every role group (the entry stays, as the
// record). Their kit folder is deleted (it holds their first password, TOTP secret and
// SIP digests: nothing in it should outlive their access) and their PBX subscriber goes.
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { EXIT, UsageError } from '../exit-codes.js';
import { outputFor, withInventory, withJson } from '../context.js';
import { connection, identity, today, withDirectory, withPolicy, type DirectoryFlags, type IdentityFlags } from '../identity.js';

export function register(program: Command): void {
  const cmd = program
    .command('offboard')
    .description('offboard an agent: remove them from the people files, lock the account and empty their roles, delete their kit and PBX subscriber')
    .argument('<id>', 'login of the agent')
    .option('--kits <dir>', 'where kits are (the agent\'s folder is deleted)', 'kits')
    .option('--pbx-db <file>', 'the PBX subscriber store (env OUTPOST_PBX_DB; default /var/lib/outpost/pbx/subscriber.db, when it exists)')
    .addHelpText('after', '\nThe directory entry stays, locked and in no role. Without a PBX store on this host,\n`outpost pbx apply` where the store is removes the subscriber.\n\nExample:\n  outpost offboard marie.schmit');
  withJson(withDirectory(withPolicy(withInventory(cmd)))).action(async (id: string, flags: IdentityFlags & DirectoryFlags & { kits: string; pbxDb?: string }) => {
    const out = outputFor(flags);
    const { isValid, removePerson } = await import('../../core/people/index.js');
    if (!isValid('id', id)) throw new UsageError(`${JSON.stringify(id)} is not a login (lower-case letters, digits, . _ -)`);
    const givenDb = flags.pbxDb ?? process.env.OUTPOST_PBX_DB;
    // A store named explicitly must be there before anything changes; the default one
    // exists only on a PBX host.
    if (givenDb && !existsSync(givenDb)) throw new UsageError(`--pbx-db ${givenDb}: no such file`);
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
    const kit = removeKit(flags.kits, id);
    const pbx = await removeSubscriber(givenDb, id);
    if (pbx.error) out.error(pbx.error);
    if (flags.json) out.json({ ok: sync.failed.length === 0 && !pbx.error, id, removedFrom: person?.source.file, changes: sync.plan.changes, kitRemoved: kit, pbx });
    else {
      for (const c of sync.plan.changes) out.result(describeChange(c));
      if (kit) out.result(`deleted the kit ${kit}/`);
      for (const s of pbx.removed) out.result(`removed PBX subscriber ${s} from ${pbx.db}`);
      if (!pbx.db) out.result(`no PBX store here: run \`outpost pbx apply\` where it is to remove ${id}'s subscriber`);
      out.result(sync.plan.changes.length ? `offboarded ${id}; a live VPN session of theirs ends within seconds (the gateways check the directory)` : `${id} was already disabled and in no role`);
    }
    process.exitCode = sync.failed.length || pbx.error ? EXIT.FINDINGS : EXIT.OK;
  });
}

/** Deletes <kits>/<id>/ when it exists; returns the folder deleted. */
function removeKit(kits: string, id: string): string | undefined {
  const dir = join(kits, id);
  if (!existsSync(dir)) return undefined;
  rmSync(dir, { recursive: true, force: true });
  return dir;
}

async function removeSubscriber(given: string | undefined, id: string): Promise<{ db?: string; removed: string[]; error?: string }> {
  const { DEFAULT_DB_FILE, removeAgentSubscribers, StoreError } = await import('../../core/pbx/index.js');
  const db = resolve(given ?? DEFAULT_DB_FILE);
  if (!existsSync(db)) return { removed: [] };
  try {
    return { db, removed: removeAgentSubscribers(db, id).map((c) => `${c.row.username}@${c.row.domain}`) };
  } catch (e) {
    if (e instanceof StoreError) return { db, removed: [], error: e.message };
    throw e;
  }
}
