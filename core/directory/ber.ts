// An entry's attribute list encoded in one pass, straight into the request ldapts is
// writing. ldapts encodes an add request one attribute object at a time (two nested
// sequences each, their bytes moved once the length is known): 11,670 people with 16
// attributes made that a fifth of directory apply's CPU, and its garbage. The bytes are
// the same as ldapts' own (tests/e2e/directory-wire.test.ts compares them).
import { Attribute } from 'ldapts';
import { measureList, writeList } from './add-request.js';
import type { Attrs } from './layout.js';

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
    const sizes: number[] = [];
    const total = measureList(attrs, sizes);
    writer._ensure(total);
    writer._offset = writeList(writer._buf, writer._offset, attrs, sizes, 0);
  }

  /** ldapts' debug log stringifies every request, logging on or not: no value, no work. */
  toJSON(): string {
    return '(attributes)';
  }
}
