// The requests an add connection sends (add-connection.ts), encoded straight into the
// bytes a socket write takes: add (RFC 4511 4.7), which a national first apply sends
// 11,670 times, a quarter with accented names, and the bind and unbind around them. Built
// as strings, their thousands of pieces were copied once more when the socket write
// flattened them; here each value is measured and copied by Buffer's native UTF-8 code
// (a character loop in JavaScript measured slower still), and only the headers are
// written byte by byte. The bytes are the same as ldapts' own encoder's
// (tests/directory-add-request.test.ts).
import { ADD_REQUEST, BIND_REQUEST, INTEGER, OCTET_STRING, SEQUENCE, SET, SIMPLE, UNBIND_REQUEST } from './ber-tags.js';
import type { Attrs } from './layout.js';

/** Bytes of a BER length (definite form, as asn1 writes it). */
const lengthSize = (n: number) => (n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 4);

export function putLength(b: Buffer, o: number, n: number): number {
  if (n < 0x80) {
    b[o] = n;
    return o + 1;
  }
  const size = lengthSize(n) - 1;
  b[o++] = 0x80 | size;
  for (let k = size - 1; k >= 0; k--) b[o++] = (n >>> (8 * k)) & 0xff;
  return o;
}

export const tlv = (n: number) => 1 + lengthSize(n) + n;

const utf8Length = (s: string) => Buffer.byteLength(s, 'utf8');

type Writer = (this: Buffer, s: string, offset: number) => number;
const proto = Buffer.prototype as unknown as { utf8Write?: Writer };
// Buffer's own UTF-8 writer without write()'s argument sorting: it runs 200,000 times an
// apply. A Node without it takes the documented call.
const utf8Write: Writer = typeof proto.utf8Write === 'function' ? proto.utf8Write : function (s, o) { return this.write(s, o, 'utf8'); };

/** Writes s as UTF-8 at b[o] (room counted before); returns the offset after it. */
const putUtf8 = (b: Buffer, o: number, s: string): number => o + utf8Write.call(b, s, o);

const intLength = (n: number) => (n < 0x80 ? 1 : n < 0x8000 ? 2 : n < 0x800000 ? 3 : 4);

// One scratch list of sizes for every add request: a sequence's length is written before
// its content, so sizes are counted first, in the order the parts are written.
const scratch: number[] = [];

/** Counts an attribute list into sizes (from its end); returns the list's content length. */
export function measureList(attrs: Attrs, sizes: number[]): number {
  let list = 0;
  for (const type in attrs) {
    const typeLen = utf8Length(type);
    const at = sizes.length;
    sizes.push(0, typeLen, 0);
    let set = 0;
    for (const v of attrs[type]!) {
      const n = utf8Length(v);
      sizes.push(n);
      set += tlv(n);
    }
    sizes[at] = tlv(typeLen) + tlv(set);
    sizes[at + 2] = set;
    list += tlv(sizes[at]!);
  }
  return list;
}

/** Writes an attribute list counted by measureList, its sizes from sizes[i]; returns the offset after it. */
export function writeList(b: Buffer, o: number, attrs: Attrs, sizes: readonly number[], i: number): number {
  for (const type in attrs) {
    b[o++] = SEQUENCE;
    o = putLength(b, o, sizes[i++]!);
    b[o++] = OCTET_STRING;
    o = putLength(b, o, sizes[i++]!);
    o = putUtf8(b, o, type);
    b[o++] = SET;
    o = putLength(b, o, sizes[i++]!);
    for (const v of attrs[type]!) {
      b[o++] = OCTET_STRING;
      o = putLength(b, o, sizes[i++]!);
      o = putUtf8(b, o, v);
    }
  }
  return o;
}

/** The add request's encoded length; fills `scratch` for writeAdd: the operation's, the DN's and the list's lengths, then the list's sizes. */
function measure(dn: string, attrs: Attrs, id: number): number {
  scratch.length = 0;
  scratch.push(0, utf8Length(dn), 0);
  const list = measureList(attrs, scratch);
  scratch[2] = list;
  scratch[0] = tlv(scratch[1]!) + tlv(list);
  return tlv(messageLength(id, scratch[0]!));
}

function putInt(b: Uint8Array, o: number, n: number): number {
  const len = intLength(n);
  b[o++] = INTEGER;
  b[o++] = len;
  for (let k = len - 1; k >= 0; k--) b[o++] = (n >>> (8 * k)) & 0xff;
  return o;
}

/** The content length of an LDAPMessage: its message id, then an operation of `opLength` content bytes. */
const messageLength = (id: number, opLength: number) => 2 + intLength(id) + tlv(opLength);

/** Writes an LDAPMessage's head (envelope, message id, the operation's tag and length); returns where the operation's content goes. */
function putMessageHead(b: Buffer, o: number, id: number, op: number, opLength: number): number {
  b[o++] = SEQUENCE;
  o = putLength(b, o, messageLength(id, opLength));
  o = putInt(b, o, id);
  b[o++] = op;
  return putLength(b, o, opLength);
}

/**
 * Bytes waiting to be written: requests are appended to a chunk, and what was appended
 * since the last take leaves as one slice of it. A chunk is never written over, so a
 * slice handed to the socket stays valid while the socket holds it.
 */
export class Outbox {
  private chunk = Buffer.allocUnsafe(0);
  private start = 0;
  private end = 0;
  private full: Buffer[] = [];

  constructor(private readonly chunkSize = 256 * 1024) {}

  /** Appends an add request. */
  add(id: number, dn: string, attrs: Attrs): void {
    this.room(measure(dn, attrs, id));
    this.end = writeAdd(this.chunk, this.end, id, dn, attrs);
  }

  /** Appends bytes encoded elsewhere. */
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.chunk.set(b, this.end);
    this.end += b.length;
  }

  /** Room for n more bytes: a new chunk when this one is full, what it holds kept for take(). */
  private room(n: number): void {
    if (this.end + n <= this.chunk.length) return;
    if (this.end > this.start) this.full.push(this.chunk.subarray(this.start, this.end));
    this.chunk = Buffer.allocUnsafe(Math.max(this.chunkSize, n));
    this.start = this.end = 0;
  }

  /** Everything appended since the last take, in order. */
  take(): Buffer[] {
    const out = this.full;
    this.full = [];
    if (this.end > this.start) out.push(this.chunk.subarray(this.start, this.end));
    this.start = this.end;
    return out;
  }
}

/** Writes the add request measured last at b[o]; returns the offset after it. */
function writeAdd(b: Buffer, o: number, id: number, dn: string, attrs: Attrs): number {
  o = putMessageHead(b, o, id, ADD_REQUEST, scratch[0]!);
  b[o++] = OCTET_STRING;
  o = putLength(b, o, scratch[1]!);
  o = putUtf8(b, o, dn);
  b[o++] = SEQUENCE;
  o = putLength(b, o, scratch[2]!);
  return writeList(b, o, attrs, scratch, 3);
}

/** A simple bind (RFC 4511 4.2), LDAP version 3. */
export function bindRequestBytes(id: number, dn: string, password: string): Buffer {
  const dnLen = utf8Length(dn);
  const pwLen = utf8Length(password);
  const op = 3 + tlv(dnLen) + tlv(pwLen);
  const b = Buffer.allocUnsafe(tlv(messageLength(id, op)));
  let o = putMessageHead(b, 0, id, BIND_REQUEST, op);
  o = putInt(b, o, 3);
  b[o++] = OCTET_STRING;
  o = putLength(b, o, dnLen);
  o = putUtf8(b, o, dn);
  b[o++] = SIMPLE;
  o = putLength(b, o, pwLen);
  putUtf8(b, o, password);
  return b;
}

/** An unbind (RFC 4511 4.3). */
export function unbindRequestBytes(id: number): Buffer {
  const b = Buffer.allocUnsafe(tlv(messageLength(id, 0)));
  putMessageHead(b, 0, id, UNBIND_REQUEST, 0);
  return b;
}

/** One add request's bytes (for tests and one-off use). */
export function addRequestBytes(id: number, dn: string, attrs: Attrs): Buffer {
  const box = new Outbox(0);
  box.add(id, dn, attrs);
  return Buffer.concat(box.take());
}
