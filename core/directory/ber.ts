// An entry's attribute list encoded in one pass, straight into the request ldapts is
// writing. ldapts encodes an add request one attribute object at a time (two nested
// sequences each, their bytes moved once the length is known): 11,670 people with 16
// attributes made that a fifth of directory apply's CPU, and its garbage. The bytes are
// the same as ldapts' own (tests/e2e/directory-wire.test.ts compares them).
import { Attribute } from 'ldapts';

type Attrs = Readonly<Record<string, readonly string[]>>;

/**
 * What this needs of the BER writer ldapts uses (asn1 0.2.6, pinned by ldapts). A
 * writer without it gets the attributes the ordinary way.
 */
interface RawWriter {
  _buf: Buffer;
  _offset: number;
  _ensure(n: number): void;
}

const isRaw = (w: unknown): w is RawWriter => {
  const r = w as Partial<RawWriter>;
  return Buffer.isBuffer(r._buf) && typeof r._offset === 'number' && typeof r._ensure === 'function';
};

/** Bytes of a BER length (definite form, as asn1 writes it). */
const lengthSize = (n: number) => (n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 4);

function putLength(b: Buffer, o: number, n: number): number {
  if (n < 0x80) {
    b[o] = n;
    return o + 1;
  }
  const size = lengthSize(n) - 1;
  b[o++] = 0x80 | size;
  for (let k = size - 1; k >= 0; k--) b[o++] = (n >>> (8 * k)) & 0xff;
  return o;
}

const tlv = (n: number) => 1 + lengthSize(n) + n;

// Nearly every entry outpost writes is plain ASCII. Such an entry's encoding is built as one
// string of bytes (headers as characters below 0x100, then the text) and copied into the
// request in one call: a third less time than a Buffer.write for each of its ~40 strings.

/** The encoded size if every type and value is ASCII (one byte a character), else -1. */
function asciiTotal(attrs: Attrs, sizes: readonly number[]): number {
  let i = 0;
  let total = 0;
  for (const type in attrs) {
    const seq = sizes[i++]!;
    if (sizes[i++] !== type.length) return -1;
    i++;
    for (const v of attrs[type]!) if (sizes[i++] !== v.length) return -1;
    total += tlv(seq);
  }
  return total;
}

const header = (tag: number, n: number): string => {
  if (n < 0x80) return String.fromCharCode(tag, n);
  if (n < 0x100) return String.fromCharCode(tag, 0x81, n);
  if (n < 0x10000) return String.fromCharCode(tag, 0x82, n >>> 8, n & 0xff);
  return String.fromCharCode(tag, 0x83, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
};

/** The whole attribute list as one string of bytes (ASCII only), written in one call. */
function latin1(attrs: Attrs, sizes: readonly number[]): string {
  let out = '';
  let i = 0;
  for (const type in attrs) {
    out += header(0x30, sizes[i++]!) + header(0x04, sizes[i++]!) + type + header(0x31, sizes[i++]!);
    for (const v of attrs[type]!) out += header(0x04, sizes[i++]!) + v;
  }
  return out;
}

/** The attributes of an entry to add, as one attribute object that writes them all. */
export class EntryAttributes extends Attribute {
  constructor(private readonly attrs: Attrs) {
    super();
  }

  override write(writer: Parameters<Attribute['write']>[0]): void {
    const attrs = this.attrs;
    if (!isRaw(writer)) {
      for (const type in attrs) new Attribute({ type, values: [...attrs[type]!] }).write(writer);
      return;
    }
    // Sizes first (a sequence's length comes before its content), then one write.
    const sizes: number[] = [];
    let total = 0;
    for (const type in attrs) {
      const typeLen = Buffer.byteLength(type);
      let set = 0;
      const at = sizes.length;
      sizes.push(0, typeLen, 0);
      for (const v of attrs[type]!) {
        const n = Buffer.byteLength(v);
        sizes.push(n);
        set += tlv(n);
      }
      const seq = tlv(typeLen) + tlv(set);
      sizes[at] = seq;
      sizes[at + 2] = set;
      total += tlv(seq);
    }
    writer._ensure(total);
    const b = writer._buf;
    let o = writer._offset;
    let i = 0;
    if (total === asciiTotal(attrs, sizes)) {
      writer._offset = o + b.write(latin1(attrs, sizes), o, total, 'latin1');
      return;
    }
    for (const type in attrs) {
      b[o++] = 0x30; // SEQUENCE
      o = putLength(b, o, sizes[i++]!);
      b[o++] = 0x04; // OCTET STRING: the type
      const typeLen = sizes[i++]!;
      o = putLength(b, o, typeLen);
      o += b.write(type, o, typeLen, 'utf8');
      b[o++] = 0x31; // SET OF values
      o = putLength(b, o, sizes[i++]!);
      for (const v of attrs[type]!) {
        const n = sizes[i++]!;
        b[o++] = 0x04;
        o = putLength(b, o, n);
        o += b.write(v, o, n, 'utf8');
      }
    }
    writer._offset = o;
  }

  /** ldapts' debug log stringifies every request, logging on or not: no value, no work. */
  toJSON(): string {
    return '(attributes)';
  }
}
