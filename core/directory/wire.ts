// How outpost's writes go out through ldapts: attributes that stay out of ldapts' debug
// log, member lists cut to what a server takes in one request, and the requests of one
// burst written to the socket together.
import { Socket } from 'node:net';
import { Attribute, type Client } from 'ldapts';
import { EntryAttributes } from './ber.js';

/**
 * An attribute whose values never reach a log. ldapts writes every request it sends
 * through JSON.stringify into its debug log (DEBUG=ldapts), eagerly, debug on or not:
 * a password hash or a TOTP seed would be printed, and 11,670 entries cost that
 * stringify each. This one shows its type and how many values it has.
 */
export class QuietAttribute extends Attribute {
  toJSON(): { type: string; values: number } {
    return { type: this.type, values: this.values.length };
  }
}

export const attr = (type: string, values: readonly string[] | readonly Buffer[]): QuietAttribute => new QuietAttribute({ type, values: values as string[] | Buffer[] });

/**
 * An entry's attributes as ldapts sends them: one object that encodes them all in one
 * pass (see ber.ts), and that ldapts' debug log shows by name only.
 */
export function attributes(attrs: Readonly<Record<string, readonly string[]>>): Attribute[] {
  return [new EntryAttributes(attrs)];
}

/**
 * Slapd refuses a request larger than its sockbuf_max_incoming_auth (4 MiB by default)
 * and drops the connection; a group's members go in requests of at most this many bytes
 * of values. 11,670 agents in one role take about 0.6 MiB.
 */
export const MAX_VALUE_BYTES = 1 << 20;

/**
 * Member DNs in as few requests as the limits allow: one for any group outpost makes
 * today. Fewer, larger requests matter: slapd checks each value added to a group against
 * the ones it holds, so adding 5,000 members 1,000 at a time costs it several times one
 * request with all of them.
 */
export function memberBatches(members: readonly string[], maxCount = Infinity, maxBytes = MAX_VALUE_BYTES): string[][] {
  const out: string[][] = [];
  let part: string[] = [];
  let bytes = 0;
  for (const m of members) {
    const size = Buffer.byteLength(m) + 4;
    if (part.length && (part.length >= maxCount || bytes + size > maxBytes)) {
      out.push(part);
      part = [];
      bytes = 0;
    }
    part.push(m);
    bytes += size;
  }
  if (part.length) out.push(part);
  return out;
}

/**
 * The socket ldapts writes a client's requests to. ldapts keeps it private and offers no
 * hook; when a later version names it otherwise this finds nothing and writes simply go
 * out one by one, as before.
 */
function socketOf(client: Client): Socket | undefined {
  const s = (client as unknown as { socket?: unknown }).socket;
  return s instanceof Socket ? s : undefined;
}

/**
 * Holds the client's socket writes until the current burst of work is done, then sends
 * them in one write: when slapd's answers arrive together, the requests that follow them
 * leave together, one system call (and one read on slapd's side) instead of one each.
 */
export function coalesceWrites(client: Client): void {
  const s = socketOf(client);
  if (!s || s.writableCorked || s.destroyed) return;
  s.cork();
  // A tick queued from a promise continuation runs once every continuation ready has run.
  process.nextTick(() => s.uncork());
}
