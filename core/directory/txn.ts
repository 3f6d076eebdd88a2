// New entries written in LDAP transactions (RFC 5805): a few hundred adds committed by
// the server as one database transaction instead of one each. Slapd (back-mdb) then
// copies and writes the pages every add touches (the entry tree, six indexes) once a
// batch rather than once an entry, and memberOf's update of every member of a new role
// group happens in the group's transaction too: it halves slapd's work for a national
// first apply. A batch lands whole or not at all.
//
// What slapd does, read from its txn.c (2.5): an add sent with the transaction control
// is checked by the front end and answered "success" at once, meaning queued; at the end
// request it runs the queued adds in order through the overlays in one backend
// transaction, and if one fails it rolls all back and answers with that add's error. A
// queued "success" is therefore no result: an entry counts as added only once its batch
// is committed. When a batch fails, its entries go again one by one outside a
// transaction, so the results name exactly the entry refused and why, and the others
// land as they would have without transactions.
import { Control, type Client } from 'ldapts';
import { isLdapResult } from './client.js';
import type { Change } from './plan.js';
import { attributes, coalesceWrites, memberBatches } from './wire.js';

export const START_TXN = '1.3.6.1.1.21.1';
export const TXN_SPEC = '1.3.6.1.1.21.2';
export const END_TXN = '1.3.6.1.1.21.3';

/**
 * Adds queued at a time, sent in one socket write (slapd only queues them, so their
 * answers come back together too). Far below the requests slapd holds for a connection
 * before it drops it (100 unbound, 1,000 bound by default): slapd 2.5 can fail badly when
 * a connection goes away in the middle of a transaction.
 */
const WAVE = 64;

/**
 * Entries written before a transaction is worth its two extra round trips; it also keeps
 * onboarding one agent to a plain add. A role group counts its members: memberOf writes
 * each of them.
 */
const WORTH = 100;

/** A change that is one add request: the only kind a transaction carries here. */
export type Single = Extract<Change, { op: 'add-person' | 'add-role' }>;

export function isSingle(c: Change, batch: number): c is Single {
  return c.op === 'add-person' || (c.op === 'add-role' && memberBatches(c.members, batch).length === 1);
}

/** Whether these adds, all of one phase, are worth transactions. */
export function worthTransactions(adds: readonly Single[]): boolean {
  let writes = 0;
  for (const c of adds) writes += c.op === 'add-role' ? c.members.length : 1;
  return writes >= WORTH;
}

const request = (c: Single) => attributes(c.op === 'add-person' ? c.attrs : { objectClass: ['groupOfNames'], cn: [c.role], member: c.members });

type Writer = Parameters<Control['write']>[0];

/** The transaction specification control: critical, its value the transaction's id. */
class TxnSpecControl extends Control {
  constructor(private readonly id: string) {
    super(TXN_SPEC, { critical: true });
  }

  protected override writeControl(writer: Writer): void {
    writer.writeString(this.id);
  }
}

/** txnEndReq ::= SEQUENCE { commit BOOLEAN DEFAULT TRUE, identifier OCTET STRING } */
export function endRequest(id: string, commit: boolean): Buffer {
  const idBytes = Buffer.from(id, 'utf8');
  if (idBytes.length > 120) throw new Error('transaction identifier too long');
  const body = commit ? [0x04, idBytes.length] : [0x01, 0x01, 0x00, 0x04, idBytes.length];
  return Buffer.concat([Buffer.from([0x30, body.length + idBytes.length, ...body]), idBytes]);
}

/** The transaction's id, or undefined when the server will not start one (no RFC 5805 here). */
async function start(client: Client): Promise<string | undefined> {
  try {
    const res = await client.exop(START_TXN);
    return typeof res.value === 'string' ? res.value : '';
  } catch (e) {
    if (isLdapResult(e)) return undefined;
    throw e;
  }
}

export type Outcome = 'done' | 'refused' | 'unsupported';

/**
 * Adds in one transaction, then reports each. 'unsupported': no transaction started and
 * nothing changed, the caller adds them itself. 'refused': the server queued none (it will
 * take no add in a transaction here); they were added one by one. Entries it would not
 * queue, and all of a batch it would not commit, go again one by one through `plain`,
 * whose results are reported. A dropped connection is thrown, nothing of the open batch
 * reported: the next pass reads what the server holds.
 */
export async function addInTransaction(
  client: Client,
  adds: readonly Single[],
  plain: (c: Single) => Promise<void>,
  report: (r: { change: Change; ok: true }) => void,
  parallel: number,
): Promise<Outcome> {
  const id = await start(client);
  if (id === undefined) return 'unsupported';
  const control = new TxnSpecControl(id);
  const queued: Single[] = [];
  const again: Single[] = [];
  for (let k = 0; k < adds.length; k += WAVE) {
    coalesceWrites(client);
    await Promise.all(
      adds.slice(k, k + WAVE).map(async (c) => {
        try {
          await client.add(c.dn, request(c), control);
          queued.push(c);
        } catch (e) {
          if (!isLdapResult(e)) throw e;
          again.push(c);
        }
      }),
    );
  }
  let committed = false;
  try {
    await client.exop(END_TXN, endRequest(id, queued.length > 0));
    committed = queued.length > 0;
  } catch (e) {
    if (!isLdapResult(e)) throw e;
  }
  if (committed) for (const c of queued) report({ change: c, ok: true });
  const retry = committed ? again : [...queued, ...again];
  let next = 0;
  const one = async () => {
    while (next < retry.length) await plain(retry[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, retry.length) }, one));
  return queued.length ? 'done' : 'refused';
}
