// Executes a directory plan: entries first (concurrent over a small pool of bound
// connections, many requests in flight on each; new people over connections that only
// add, add-connection.ts), then role groups (membership changes batched per group), then
// deletions. A failed LDAP operation is recorded against its change and the rest go on;
// a dropped connection stops the pass, and `syncDirectory` reconnects, re-reads the
// directory and carries on from where the directory is.
//
// No LDAP transactions (RFC 5805), measured and refused: batches of 500 adds in one halve
// slapd's CPU for a national first apply, but slapd 2.5.13 (Debian 12; the code is the
// same upstream) then corrupts its database when it rolls a transaction back (an agent
// another writer added meanwhile is enough: later reads fail with "internal error in
// mdb_entry_decode", slapcat too; its mdb_txn abort forgets attribute types the batch
// registered but keeps their numbers), and it crashed when a connection went in the
// middle of one. tests/e2e/directory-refused.test.ts is that case.
import { Change as LdapChange, type Client } from 'ldapts';
import { append } from '../diagnostics.js';
import { AddConnection } from './add-connection.js';
import { closeQuietly, connect, isLdapResult, readState } from './client.js';
import { DISABLED, type DesiredState } from './layout.js';
import { describeChange, planDirectory, type Change, type DirectoryPlan, type PlanOptions } from './plan.js';
import type { ConnectionSettings } from './settings.js';
import { attr, attributes, coalesceWrites, memberBatches } from './wire.js';

export interface ApplyOptions {
  /** Bound connections to write over. */
  readonly connections?: number;
  /**
   * Requests in flight per connection. 32 on each of four connections: the requests
   * that follow one burst of answers leave in one socket write (see coalesceWrites).
   * Two per connection measured no faster and cost outpost more CPU (one write, and one
   * wake-up of slapd, per request); interleaved runs on the loaded 2-core machine gave
   * no setting a lead beyond the noise.
   */
  readonly inFlight?: number;
  /** Most member values per request when writing a group (never more than MAX_VALUE_BYTES of them). */
  readonly batch?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ChangeResult {
  readonly change: Change;
  readonly ok: boolean;
  readonly error?: string;
}

/** A pass stopped because the connection went away, not because LDAP said no. */
export class ConnectionLost extends Error {
  constructor(
    override readonly cause: unknown,
    readonly done: number,
    /** What this pass changed before the drop: it stays changed, and counts. */
    readonly results: readonly ChangeResult[] = [],
  ) {
    super(`connection lost: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

async function execute(client: Client, adds: AddConnection | undefined, c: Change, batch: number): Promise<void> {
  switch (c.op) {
    case 'add-container':
      // Writers working side by side (Pulumi creates role groups in parallel) may each find
      // ou=people or ou=roles missing; the one that comes second finds it made (LDAP 68).
      return client.add(c.dn, attributes(c.attrs)).catch((e: unknown) => {
        if (!(isLdapResult(e) && e.code === 68)) throw e;
      });
    case 'add-person':
      return adds ? adds.add(c.dn, c.attrs) : client.add(c.dn, attributes(c.attrs));
    case 'modify-person': {
      const mods: LdapChange[] = [];
      if (c.addClasses.length) mods.push(new LdapChange({ operation: 'add', modification: attr('objectClass', c.addClasses) }));
      for (const a of c.changes) {
        if (a.to.length) mods.push(new LdapChange({ operation: 'replace', modification: attr(a.attr, a.to) }));
        else mods.push(new LdapChange({ operation: 'delete', modification: attr(a.attr, []) }));
      }
      return client.modify(c.dn, mods);
    }
    case 'enable':
      return client.modify(c.dn, new LdapChange({ operation: 'delete', modification: attr('pwdAccountLockedTime', []) }));
    case 'disable':
      return client.modify(c.dn, new LdapChange({ operation: 'replace', modification: attr('pwdAccountLockedTime', [DISABLED]) }));
    case 'add-role': {
      const [first = [], ...rest] = memberBatches(c.members, batch);
      await client.add(c.dn, attributes({ objectClass: ['groupOfNames'], cn: [c.role], member: first }));
      for (const part of rest) await client.modify(c.dn, new LdapChange({ operation: 'add', modification: attr('member', part) }));
      return;
    }
    case 'add-to-role':
      for (const part of memberBatches(c.members, batch)) await client.modify(c.dn, new LdapChange({ operation: 'add', modification: attr('member', part) }));
      return;
    case 'remove-from-role':
      for (const part of memberBatches(c.members, batch)) {
        try {
          await client.modify(c.dn, new LdapChange({ operation: 'delete', modification: attr('member', part) }));
        } catch (e) {
          // A value already gone (LDAP 16): another writer removed it meanwhile (Pulumi adds
          // people to the same role in parallel, each taking the placeholder out); the rest
          // of the batch goes one by one.
          if (isLdapResult(e) && e.code === 16) {
            for (const m of part) {
              await client.modify(c.dn, new LdapChange({ operation: 'delete', modification: attr('member', [m]) })).catch((e2: unknown) => {
                if (!(isLdapResult(e2) && e2.code === 16)) throw e2;
              });
            }
            continue;
          }
          // The last member left (an offboarding planned for one person): a group needs
          // a member, so the placeholder takes its place in the same request.
          if (!(isLdapResult(e) && e.code === 65 && c.placeholder)) throw e;
          await client.modify(c.dn, [
            new LdapChange({ operation: 'add', modification: attr('member', [c.placeholder]) }),
            new LdapChange({ operation: 'delete', modification: attr('member', part) }),
          ]);
        }
      }
      return;
    case 'delete-person':
      return client.del(c.dn);
  }
}

const PHASE: Record<Change['op'], number> = {
  'add-container': 0,
  'add-person': 1,
  'modify-person': 1,
  enable: 1,
  disable: 1,
  'add-role': 2,
  'add-to-role': 2,
  'remove-from-role': 2,
  'delete-person': 3,
};

/**
 * Runs one plan over the given connections; people are added over `adders` when given,
 * paired with the clients in order. Throws ConnectionLost when a socket drops.
 */
export async function executePlan(clients: readonly Client[], plan: DirectoryPlan, o: ApplyOptions = {}, adders: readonly AddConnection[] = []): Promise<ChangeResult[]> {
  const results: ChangeResult[] = [];
  const inFlight = o.inFlight ?? 32;
  const batch = o.batch ?? Infinity;
  let done = 0;
  let lost: unknown;
  for (const phase of [0, 1, 2, 3]) {
    // A lane runs in order; lanes run concurrently. Changes to one entry share a lane:
    // a new person is added before being disabled, a group gains members before it
    // loses others (so it is never left empty).
    const lanes = new Map<string, Change[]>();
    for (const c of plan.changes) {
      if (PHASE[c.op] !== phase) continue;
      const key = c.dn.toLowerCase();
      const lane = lanes.get(key);
      if (lane) lane.push(c);
      else lanes.set(key, [c]);
    }
    // A lane that only adds a person (all of them, on a first apply) goes out in bulk.
    const bulk: AddPerson[] = [];
    const queue: Change[][] = [];
    for (const lane of lanes.values()) {
      const only = lane[0]!;
      if (adders.length && lane.length === 1 && only.op === 'add-person') bulk.push(only);
      else queue.push(lane);
    }
    const record = (c: Change, e: unknown): boolean => {
      if (e === undefined) results.push({ change: c, ok: true });
      else if (isLdapResult(e)) results.push({ change: c, ok: false, error: `${describeChange(c)}: ${e.message} (LDAP ${e.code})` });
      else {
        lost ??= e;
        return false;
      }
      o.onProgress?.(++done, plan.changes.length);
      return true;
    };
    let next = 0;
    const worker = async (client: Client, adds: AddConnection | undefined) => {
      while (lost === undefined && next < queue.length) {
        for (const c of queue[next++]!) {
          let error: unknown;
          try {
            coalesceWrites(client);
            await execute(client, adds, c, batch);
          } catch (e) {
            error = e;
          }
          if (!record(c, error)) return;
        }
      }
    };
    const workers: Promise<void>[] = [addInBulk(adders, bulk, inFlight, record)];
    clients.forEach((client, i) => {
      for (let k = 0; k < inFlight; k++) workers.push(worker(client, adders[i]));
    });
    await Promise.all(workers);
    if (lost !== undefined) throw new ConnectionLost(lost, done, results);
  }
  return results;
}

const ADDS_PER_CONNECTION = 200;

type AddPerson = Extract<Change, { op: 'add-person' }>;

/**
 * People added over the adders, `inFlight` at a time on each, each answer sending the
 * next: no promise or async step per add. The count in flight is this sender's own: the
 * lanes that add and then lock a person share the adders, and counting their requests
 * too left the sender waiting for answers it had no request out for. Stops sending once
 * `record` says the connection was lost; settles when every add sent has its answer.
 */
function addInBulk(adders: readonly AddConnection[], adds: readonly AddPerson[], inFlight: number, record: (c: Change, e: unknown) => boolean): Promise<void> {
  return new Promise<void>((resolve) => {
    let next = 0;
    let open = 0;
    let stopped = false;
    const pump = (a: AddConnection, sent: { n: number }) => {
      while (!stopped && sent.n < inFlight && next < adds.length) {
        const c = adds[next++]!;
        open++;
        sent.n++;
        a.send(c.dn, c.attrs, (e) => {
          open--;
          sent.n--;
          if (!record(c, e)) stopped = true;
          pump(a, sent);
          if (open === 0 && (stopped || next >= adds.length)) resolve();
        });
      }
    };
    for (const a of adders) pump(a, { n: 0 });
    if (open === 0) resolve();
  });
}

export interface SyncReport {
  /** The plan computed at the start. */
  readonly plan: DirectoryPlan;
  readonly results: readonly ChangeResult[];
  /** Passes it took: more than one means a connection dropped and apply resumed. */
  readonly passes: number;
  readonly failed: readonly ChangeResult[];
}

export interface SyncOptions extends ApplyOptions, PlanOptions {
  readonly dryRun?: boolean;
  readonly maxPasses?: number;
  readonly onResume?: (pass: number, reason: string) => void;
}

/** Reads the directory, plans against the desired state and applies, resuming after drops. */
export async function syncDirectory(settings: ConnectionSettings, desired: DesiredState, o: SyncOptions = {}): Promise<SyncReport> {
  const maxPasses = o.maxPasses ?? 5;
  let first: DirectoryPlan | undefined;
  const results: ChangeResult[] = [];
  for (let pass = 1; ; pass++) {
    const clients: Client[] = [];
    const adders: AddConnection[] = [];
    try {
      const n = o.dryRun ? 1 : (o.connections ?? 4);
      // Bound side by side: one round trip to the server, not one per connection.
      const bound = await Promise.allSettled(Array.from({ length: n }, () => connect(settings)));
      for (const b of bound) if (b.status === 'fulfilled') clients.push(b.value);
      for (const b of bound) if (b.status === 'rejected') throw b.reason;
      const state = await readState(clients[0]!, desired.layout);
      const plan = planDirectory(desired, state, o);
      first ??= plan;
      if (!o.dryRun) {
        // People to add go over connections that only add (add-connection.ts), one per
        // client up to one per ADDS_PER_CONNECTION of them: an onboarding opens one.
        const opened = await Promise.allSettled(Array.from({ length: Math.min(clients.length, Math.ceil(plan.summary['add-person'] / ADDS_PER_CONNECTION)) }, () => AddConnection.open(settings)));
        for (const a of opened) if (a.status === 'fulfilled') adders.push(a.value);
        for (const a of opened) if (a.status === 'rejected') throw a.reason;
        append(results, await executePlan(clients, plan, o, adders));
      }
      return { plan: first, results, passes: pass, failed: results.filter((r) => !r.ok) };
    } catch (e) {
      if (e instanceof ConnectionLost || (!isLdapResult(e) && isNetworkError(e))) {
        // Changes made before the drop are done; the next pass plans only what is left,
        // so without these the report would count only the last pass.
        if (e instanceof ConnectionLost) append(results, e.results.filter((r) => r.ok));
        if (pass >= maxPasses) throw e;
        o.onResume?.(pass, e instanceof Error ? e.message : String(e));
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** pass)));
        continue;
      }
      throw e;
    } finally {
      await Promise.all([...clients.map(closeQuietly), ...adders.map((a) => a.close())]);
    }
  }
}

function isNetworkError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  const msg = e instanceof Error ? e.message : '';
  return Boolean(code && /^E(CONNRESET|CONNREFUSED|PIPE|TIMEDOUT)$/.test(code)) || /connection|socket|closed|timeout/i.test(msg);
}
