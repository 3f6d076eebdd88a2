// Search result entries decoded in one pass over the bytes slapd sent. ldapts reads each
// message with a BER reader of its own (a reader, a buffer slice per value, an Attribute
// object per attribute, then an entry object built from those): reading 11,670 accounts
// for an audit spent more time there than slapd took to send them. This reads
// SearchResultEntry messages of the plain shape (definite lengths, no controls) straight
// into the entry ldapts would have made; every other message, and any entry it does not
// recognise, goes to ldapts' own parser unchanged. tests/e2e/directory-read.test.ts
// compares the two on real slapd replies.
import { SearchEntry, type Client, type Entry } from 'ldapts';
import { INTEGER, OCTET_STRING, SEARCH_ENTRY, SEQUENCE, SET } from './ber-tags.js';

/** What this needs of ldapts' message parser (7.x): it is private there, so it is checked before use. */
interface Parser {
  buffer?: Buffer;
  read(data: Buffer, details: Map<string, Details>): void;
  emit(event: 'message' | 'error', message: unknown): boolean;
}

interface Details {
  readonly message?: { readonly explicitBufferAttributes?: readonly string[] };
}


/** An entry decoded here: ldapts' SearchEntry (so its client files it as one), its object made already. */
class DecodedEntry extends SearchEntry {
  constructor(
    messageId: number,
    private readonly entry: Entry,
  ) {
    super({ messageId, name: entry.dn });
  }

  /** As ldapts' toObject: every requested attribute the server left out is an empty list. */
  override toObject(requestAttributes: string[]): Entry {
    const e = this.entry;
    for (const a of requestAttributes) if (e[a] === undefined) e[a] = [];
    return e;
  }
}

/**
 * The definite BER length at `at` (the byte after the tag), its content starting at
 * `contentAt` (contentStart()); -2 when the bytes stop first; -1 for the indefinite form
 * and lengths of more than 4 bytes (ldapts refuses both too, and LDAP has neither: RFC
 * 4511 5.1). The add connection's answers reader uses it too.
 */
export function lengthAt(b: Buffer, at: number, end: number): number {
  if (at >= end) return -2;
  const first = b[at]!;
  if (first < 0x80) {
    contentAt = at + 1;
    return first;
  }
  const n = first & 0x7f;
  if (n === 0 || n > 4) return -1;
  if (at + n >= end) return -2;
  let len = 0;
  for (let i = 1; i <= n; i++) len = len * 256 + b[at + i]!;
  contentAt = at + 1 + n;
  return len;
}
/** Where the content of the last length read starts (set by lengthAt; one reader runs at a time). */
let contentAt = 0;
/** Where the content of the length lengthAt() read last starts. */
export const contentStart = (): number => contentAt;

const ascii = (b: Buffer, start: number, end: number): boolean => {
  for (let i = start; i < end; i++) if (b[i]! >= 0x80) return false;
  return true;
};

// Buffer's own slicers (what toString calls after looking the encoding up by name, once
// per value); toString where a Node version does not have them.
type Slicer = (this: Buffer, start: number, end: number) => string;
const proto = Buffer.prototype as unknown as { latin1Slice?: Slicer; utf8Slice?: Slicer };
const latin1: Slicer = typeof proto.latin1Slice === 'function' ? proto.latin1Slice : function (s, e) { return this.toString('latin1', s, e); };
const utf8: Slicer = typeof proto.utf8Slice === 'function' ? proto.utf8Slice : function (s, e) { return this.toString('utf8', s, e); };

/**
 * The bytes being read, and the same bytes as one Latin-1 string made once per read:
 * an ASCII value (nearly every value) is then a slice of that string, not a call into
 * the UTF-8 decoder of its own.
 */
const EMPTY = Buffer.alloc(0);
let bytes: Buffer = EMPTY;
let chars: string | undefined;

/** The text of bytes [start, end) of `bytes`, as UTF-8. */
function text(start: number, end: number): string {
  if (!ascii(bytes, start, end)) return utf8.call(bytes, start, end);
  chars ??= latin1.call(bytes, 0, bytes.length);
  return chars.slice(start, end);
}

/** Attribute types come back spelled the same on every entry: each spelling is decoded once. */
class TypeNames {
  private readonly seen: { bytes: Buffer; name: string }[] = [];

  name(b: Buffer, start: number, end: number): string {
    const len = end - start;
    next: for (const s of this.seen) {
      if (s.bytes.length !== len) continue;
      for (let i = 0; i < len; i++) if (s.bytes[i] !== b[start + i]) continue next;
      return s.name;
    }
    const name = text(start, end);
    if (this.seen.length < 64) this.seen.push({ bytes: Buffer.from(b.subarray(start, end)), name });
    return name;
  }
}

/**
 * The entry in the protocol operation's content [at, end), as ldapts' SearchEntry.toObject
 * would give it, or undefined when it is not of the plain shape.
 */
function decodeEntry(b: Buffer, at: number, end: number, types: TypeNames): Entry | undefined {
  if (b[at] !== OCTET_STRING) return undefined;
  let len = lengthAt(b, at + 1, end);
  if (len < 0 || contentAt + len > end) return undefined;
  const entry: Entry = { dn: text(contentAt, contentAt + len) };
  at = contentAt + len;
  if (b[at] !== SEQUENCE) return undefined;
  len = lengthAt(b, at + 1, end);
  if (len < 0 || contentAt + len !== end) return undefined;
  at = contentAt;
  while (at < end) {
    if (b[at] !== SEQUENCE) return undefined;
    len = lengthAt(b, at + 1, end);
    if (len < 0) return undefined;
    const attrEnd = contentAt + len;
    if (attrEnd > end) return undefined;
    at = contentAt;
    if (b[at] !== OCTET_STRING) return undefined;
    len = lengthAt(b, at + 1, attrEnd);
    if (len < 0 || contentAt + len > attrEnd) return undefined;
    const type = types.name(b, contentAt, contentAt + len);
    // ldapts gives `;binary` values as buffers: that is its parser's to do.
    if (type.length > 7 && /;binary$/i.test(type)) return undefined;
    at = contentAt + len;
    const values: string[] = [];
    // ldapts reads values only from a SET; an attribute without one has none.
    if (at < attrEnd && b[at] === SET) {
      len = lengthAt(b, at + 1, attrEnd);
      if (len < 0 || contentAt + len > attrEnd) return undefined;
      const setEnd = contentAt + len;
      at = contentAt;
      while (at < setEnd) {
        if (b[at] !== OCTET_STRING) return undefined;
        len = lengthAt(b, at + 1, setEnd);
        if (len < 0 || contentAt + len > setEnd) return undefined;
        values.push(text(contentAt, contentAt + len));
        at = contentAt + len;
      }
    }
    if (at !== attrEnd) return undefined;
    entry[type] = values.length === 1 ? values[0]! : values;
  }
  return entry;
}

/** The message ID: a positive INTEGER of 1 to 4 bytes, or undefined; `afterId` is set to the byte after it. */
function messageIdAt(b: Buffer, at: number, end: number): number | undefined {
  if (b[at] !== INTEGER) return undefined;
  const len = lengthAt(b, at + 1, end);
  if (len < 1 || len > 4 || contentAt + len > end || b[contentAt]! >= 0x80) return undefined;
  let id = 0;
  for (let i = 0; i < len; i++) id = id * 256 + b[contentAt + i]!;
  afterId = contentAt + len;
  return id;
}
let afterId = 0;

const isParser = (p: unknown): p is Parser => {
  const x = p as Partial<Parser> | undefined;
  return typeof x?.read === 'function' && typeof x.emit === 'function';
};

/** How many entries a reader decoded itself, and how many messages it left to ldapts. */
export interface LeanCounts {
  decoded: number;
  passed: number;
}

/**
 * Has the client read search result entries with this file's decoder from now on. A client
 * whose internals are not the ones this knows (another ldapts version) is left as it is
 * (undefined).
 */
export function readEntriesLean(client: Client): LeanCounts | undefined {
  const c = client as unknown as { messageParser?: unknown; messageDetailsByMessageId?: unknown };
  return c.messageDetailsByMessageId instanceof Map ? leanParser(c.messageParser) : undefined;
}

/** The same for one ldapts MessageParser. */
export function leanParser(parser: unknown): LeanCounts | undefined {
  if (!isParser(parser) || Object.hasOwn(parser, 'read')) return undefined;
  const ldapts = parser.read.bind(parser);
  const types = new TypeNames();
  const counts: LeanCounts = { decoded: 0, passed: 0 };
  let pending: Buffer | undefined;
  // As ldapts does with a message its client fails to take: an error event naming the message.
  const deliver = (messageId: number, entry: Entry) => {
    counts.decoded++;
    try {
      parser.emit('message', new DecodedEntry(messageId, entry));
    } catch (e) {
      const err = (e instanceof Error ? e : new Error(String(e))) as Error & { messageDetails?: unknown };
      err.messageDetails = { messageId, protocolOperation: SEARCH_ENTRY };
      parser.emit('error', err);
    }
  };
  const pass = (b: Buffer, details: Map<string, Details>) => {
    counts.passed++;
    ldapts(b, details);
  };

  parser.read = (data, details) => {
    // ldapts keeps a partial message of its own only when it was handed one: never, below.
    if (parser.buffer) return pass(data, details);
    const b = pending ? Buffer.concat([pending, data]) : data;
    pending = undefined;
    const n = b.length;
    let at = 0;
    while (at < n) {
      if (b[at] !== SEQUENCE) break;
      const len = lengthAt(b, at + 1, n);
      if (len === -2 || (len >= 0 && contentAt + len > n)) {
        // The rest of this message has not arrived yet.
        pending = b.subarray(at);
        at = n;
        break;
      }
      if (len < 0) break;
      const end = contentAt + len;
      const id = messageIdAt(b, contentAt, end);
      let entry: Entry | undefined;
      if (id !== undefined && b[afterId] === SEARCH_ENTRY) {
        const request = details.get(String(id))?.message;
        const opLen = request && !request.explicitBufferAttributes?.length ? lengthAt(b, afterId + 1, end) : -1;
        // No controls after the entry: then the operation ends where the message does.
        if (opLen >= 0 && contentAt + opLen === end) {
          if (bytes !== b) {
            bytes = b;
            chars = undefined;
          }
          entry = decodeEntry(b, contentAt, end, types);
        }
      }
      if (entry) deliver(id!, entry);
      else pass(b.subarray(at, end), details);
      at = end;
    }
    // Anything left is not a message this reader frames: ldapts says what it is.
    if (at < n) pass(b.subarray(at), details);
    bytes = EMPTY;
    chars = undefined;
  };
  return counts;
}
