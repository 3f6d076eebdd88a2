// New people written in LDAP transactions (RFC 5805): a few hundred adds committed by
// the server as one database transaction instead of one each. Slapd (back-mdb) then
// copies and writes the pages every add touches (the entry tree, six indexes) once a
// batch rather than once an entry, and a batch lands whole or not at all.
//
// What slapd does, read from its txn.c (2.5): each add sent with the transaction control
// is checked by the front end and answered "success" at once, meaning queued; at the end
// request it runs the queued adds in order through the overlays (memberOf, password
// policy) in one backend transaction, and if one fails it rolls all back and answers
// with that add's error. A queued "success" is therefore no result: an entry counts as
// added only once its batch is committed. When a batch fails, its entries go again one
// by one outside a transaction, so the result names exactly the entry refused and why,
// and the others land as they would have without transactions.
import { Control, type Client } from 'ldapts';
import { isLdapResult } from './client.js';

export const START_TXN = '1.3.6.1.1.21.1';
export const TXN_SPEC = '1.3.6.1.1.21.2';
export const END_TXN = '1.3.6.1.1.21.3';

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
function endRequest(id: string, commit: boolean): Buffer {
  const idBytes = Buffer.from(id, 'utf8');
  if (idBytes.length > 120) throw new Error('transaction identifier too long');
  const body = commit ? [0x04, idBytes.length] : [0x01, 0x01, 0x00, 0x04, idBytes.length];
  return Buffer.concat([Buffer.from([0x30, body.length + idBytes.length, ...body]), idBytes]);
}

export interface Transaction {
  readonly control: Control;
  /** Commits what was queued; throws the server's answer (the failed add's error) when it did not. */
  commit(): Promise<void>;
  /** Drops what was queued (nothing lands). */
  abort(): Promise<void>;
}

/**
 * Starts a transaction, or returns undefined when the server refuses to (no support for
 * RFC 5805, or not for this client): the caller then writes without one.
 */
export async function startTransaction(client: Client): Promise<Transaction | undefined> {
  let id: string;
  try {
    const res = await client.exop(START_TXN);
    id = typeof res.value === 'string' ? res.value : '';
  } catch (e) {
    if (isLdapResult(e)) return undefined;
    throw e;
  }
  return {
    control: new TxnSpecControl(id),
    commit: async () => {
      await client.exop(END_TXN, endRequest(id, true));
    },
    abort: async () => {
      await client.exop(END_TXN, endRequest(id, false));
    },
  };
}
