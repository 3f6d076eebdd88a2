// A connection of outpost's own for the one request a first national apply sends 11,670
// times: adding an entry. Through ldapts each add cost outpost ~60 us of CPU (a message
// object, a BER writer, a timer, a parser's objects for the answer, a debug-log stringify),
// CPU that slapd needs on a 2-core machine: that was the whole of directory apply's lag
// behind ldapadd. Here an add request is encoded straight into the next socket write
// (add-request.ts), and an answer is read for the three things it says: its message id,
// result code and message. Failures are ldapts' own error classes (StatusCodeParser), so callers and
// reports see the same as through ldapts. Every other operation stays with ldapts.
import { readFileSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { StatusCodeParser, type ResultCodeError } from 'ldapts';
import { Outbox, bindRequestBytes, unbindRequestBytes } from './add-request.js';
import { contentStart, lengthAt as berLength } from './ber-read.js';
import { ADD_RESPONSE, BIND_RESPONSE, ENUMERATED, EXTENDED_RESPONSE, INTEGER, OCTET_STRING, SEQUENCE } from './ber-tags.js';
import type { Attrs } from './layout.js';
import { readPassword, type ConnectionSettings } from './settings.js';


/** What an LDAPResult answer says. */
export interface Answer {
  readonly id: number;
  readonly op: number;
  readonly code: number;
  readonly message: string;
}

/** The server said something this connection cannot read: it is closed, as ldapts would. */
export class ProtocolViolation extends Error {}

/** The definite length at b[at] (after a tag): [length, offset of the content], or undefined when the bytes end first. */
function lengthAt(b: Buffer, at: number, end: number): [number, number] | undefined {
  const len = berLength(b, at, end);
  if (len === -2) return undefined;
  if (len === -1) throw new ProtocolViolation(`the directory sent a BER length of form 0x${b[at]!.toString(16)}`);
  return [len, contentStart()];
}

/** A primitive element of the given tag inside [at, end): [content start, content end]. */
function element(b: Buffer, at: number, end: number, tag: number, what: string): [number, number] {
  if (b[at] !== tag) throw new ProtocolViolation(`the directory's answer has no ${what}`);
  const l = lengthAt(b, at + 1, end);
  if (!l || l[1] + l[0] > end) throw new ProtocolViolation(`the directory's answer has a ${what} longer than the answer`);
  return [l[1], l[1] + l[0]];
}

const integer = (b: Buffer, s: number, e: number) => {
  if (e - s < 1 || e - s > 4) throw new ProtocolViolation('the directory sent an integer outpost cannot read');
  let n = b[s]! & 0x80 ? -1 : 0;
  for (let k = s; k < e; k++) n = n * 256 + b[k]!;
  return n;
};

/**
 * Reads every whole answer in b from `at`; returns where the unread rest starts. An
 * answer that is not an LDAPResult is passed with code -1.
 */
export function readAnswers(b: Buffer, at: number, onAnswer: (a: Answer) => void): number {
  const end = b.length;
  for (;;) {
    if (at >= end) return at;
    if (b[at] !== SEQUENCE) throw new ProtocolViolation(`the directory sent a message starting 0x${b[at]!.toString(16)}, not an LDAPMessage`);
    const l = lengthAt(b, at + 1, end);
    if (!l || l[1] + l[0] > end) return at;
    const msgEnd = l[1] + l[0];
    const [is, ie] = element(b, l[1], msgEnd, INTEGER, 'message id');
    const id = integer(b, is, ie);
    const op = b[ie];
    if (op === undefined || ie >= msgEnd) throw new ProtocolViolation('the directory sent a message with no operation');
    const ol = lengthAt(b, ie + 1, msgEnd);
    if (!ol || ol[1] + ol[0] > msgEnd) throw new ProtocolViolation('the directory sent an operation longer than its message');
    const opEnd = ol[1] + ol[0];
    if (op === ADD_RESPONSE || op === BIND_RESPONSE || op === EXTENDED_RESPONSE) {
      const [cs, ce] = element(b, ol[1], opEnd, ENUMERATED, 'result code');
      const [, me] = element(b, ce, opEnd, OCTET_STRING, 'matched DN');
      const [ds, de] = element(b, me, opEnd, OCTET_STRING, 'diagnostic message');
      onAnswer({ id, op, code: integer(b, cs, ce), message: b.toString('utf8', ds, de) });
    } else onAnswer({ id, op, code: -1, message: '' });
    at = msgEnd;
  }
}

/** Queued requests that make a write on their own. */
const HOLD = 8;
/** Requests at the server below which queued ones leave at once. */
const LOW_WATER = 8;

/** Called once per request: with nothing when it was done, else why not. */
export type Done = (error?: Error) => void;

export interface AddConnectionOptions {
  /** No answer for this long while requests wait: the connection is given up. */
  readonly timeoutMs?: number;
}

/** A bound connection that adds entries, many in flight, each answer settling its add. */
export class AddConnection {
  private nextId = 1;
  private readonly waiting = new Map<number, Done>();
  private readonly outbox = new Outbox();
  private flushing = false;
  /** Requests queued in the outbox, not written yet. */
  private unsent = 0;
  private rest: Buffer | undefined;
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('the connection to the directory closed')));
  }

  /** Connects (ldap:// or ldaps://, as ldapts would) and binds with the settings' credentials. */
  static async open(settings: ConnectionSettings, o: AddConnectionOptions = {}): Promise<AddConnection> {
    const url = new URL(settings.url);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const tls = url.protocol === 'ldaps:';
    const port = url.port ? Number(url.port) : tls ? 636 : 389;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const connected = () => {
        clearTimeout(timer);
        s.off('error', reject);
        resolve(s);
      };
      const s = tls ? tlsConnect({ host, port, ...(settings.caFile ? { ca: readFileSync(settings.caFile) } : {}) }, connected) : tcpConnect({ host, port }, connected);
      s.once('error', reject);
      const timer = setTimeout(() => s.destroy(new Error(`connection to ${settings.url} timed out`)), 10_000);
    });
    socket.setNoDelay(true);
    socket.setTimeout(o.timeoutMs ?? 30_000, () => {
      if (conn.waiting.size) socket.destroy(new Error('the directory did not answer in time (timeout)'));
    });
    const conn = new AddConnection(socket);
    try {
      await new Promise<void>((resolve, reject) =>
        conn.request(
          (id) => conn.outbox.bytes(bindRequestBytes(id, settings.bindDN, readPassword(settings.passwordFile))),
          (e) => (e ? reject(e) : resolve()),
        ),
      );
    } catch (e) {
      socket.destroy();
      throw e;
    }
    return conn;
  }

  /** Adds one entry; rejects with ldapts' ResultCodeError for an LDAP refusal, any other Error when the connection went. */
  add(dn: string, attrs: Attrs): Promise<void> {
    return new Promise<void>((resolve, reject) => this.send(dn, attrs, (e) => (e ? reject(e) : resolve())));
  }

  /**
   * Adds one entry and calls `done` with its outcome, as add() would settle: for a bulk of
   * adds, where a promise and an async step per entry were a tenth of apply's CPU.
   */
  send(dn: string, attrs: Attrs, done: Done): void {
    this.request((id) => this.outbox.add(id, dn, attrs), done);
  }

  /** Unbinds and closes; never throws. */
  async close(): Promise<void> {
    const s = this.socket;
    if (s.destroyed) return;
    this.failure ??= new Error('the connection to the directory was closed by outpost');
    await new Promise<void>((resolve) => {
      s.once('close', () => resolve());
      s.end(unbindRequestBytes(this.nextId++));
      setTimeout(() => s.destroy(), 1000).unref();
    });
  }

  private request(append: (id: number) => void, done: Done): void {
    const failure = this.failure;
    if (failure) {
      process.nextTick(() => done(failure));
      return;
    }
    const id = this.nextId++;
    append(id);
    this.unsent++;
    this.waiting.set(id, done);
    this.scheduleFlush();
  }

  /** Once the work queued by this burst of answers has run (see flush). */
  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = true;
    process.nextTick(() => this.flush());
  }

  /**
   * Sends what was queued, in one write, unless it is a few requests while the server
   * still has plenty to work on: slapd answers one add at a time, and a write per answer
   * cost outpost (and slapd, in reads) a system call per add. Held requests leave once
   * HOLD are queued or the server's queue runs low; each batch of answers looks again.
   */
  private flush(): void {
    this.flushing = false;
    if (this.failure || this.unsent === 0) return;
    if (this.unsent < HOLD && this.waiting.size - this.unsent > LOW_WATER) return;
    this.unsent = 0;
    const s = this.socket;
    const parts = this.outbox.take();
    if (parts.length === 1) s.write(parts[0]!);
    else if (parts.length > 1) {
      s.cork();
      for (const p of parts) s.write(p);
      s.uncork();
    }
  }

  private receive(chunk: Buffer): void {
    const b = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    let at: number;
    try {
      at = readAnswers(b, 0, (a) => this.settle(a));
    } catch (e) {
      this.socket.destroy(e as Error);
      return;
    }
    this.rest = at < b.length ? b.subarray(at) : undefined;
    if (this.unsent) this.scheduleFlush();
  }

  private settle(a: Answer): void {
    if (a.id === 0) {
      // An unsolicited notification (RFC 4511 4.4): the server is about to close.
      this.socket.destroy(new Error(`the directory is closing the connection${a.message ? `: ${a.message}` : ''}`));
      return;
    }
    const w = this.waiting.get(a.id);
    if (!w) return;
    if (a.code >= 0) this.waiting.delete(a.id);
    if (a.code === 0) w();
    else if (a.code < 0) this.socket.destroy(new ProtocolViolation(`the directory answered request ${a.id} with operation 0x${a.op.toString(16)}`));
    else w(StatusCodeParser.parse({ status: a.code, errorMessage: a.message } as Parameters<typeof StatusCodeParser.parse>[0]) as ResultCodeError);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of waiting) w(this.failure);
  }
}
