// The add requests directory apply writes itself (core/directory/add-request.ts) are the
// bytes ldapts' own encoder makes for the same entry: every UTF-8 width, message ids of
// every INTEGER width, entries far larger than a write buffer; and what the answers
// reader (add-connection.ts) makes of a stream is the same however the stream is cut.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { AddRequest, Attribute, BindRequest, UnbindRequest } from 'ldapts';
import { addRequestBytes, bindRequestBytes, Outbox, unbindRequestBytes } from '../core/directory/add-request.js';
import { readAnswers, type Answer } from '../core/directory/add-connection.js';

// A small deterministic generator: the same cases on every run.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

// ASCII, Latin-1, two-, three- and four-byte UTF-8, and a lone surrogate (U+FFFD on the wire).
const ALPHABET = ['a', 'Z', '0', ' ', '=', ',', 'é', 'ß', 'ø', 'Ω', 'ж', '€', '中', '😀', '\ud800'];

function randomText(r: () => number, max: number): string {
  let s = '';
  const n = Math.floor(r() * max);
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return s;
}

function randomEntry(r: () => number): { dn: string; attrs: Record<string, string[]> } {
  const attrs: Record<string, string[]> = {};
  const types = 1 + Math.floor(r() * 16);
  for (let t = 0; t < types; t++) {
    const values = Array.from({ length: 1 + Math.floor(r() * 4) }, () => randomText(r, r() < 0.05 ? 300 : 30));
    attrs[`attr${t}`] = values;
  }
  return { dn: `uid=${randomText(r, 20)},ou=people,dc=crisis,dc=example,dc=lu`, attrs };
}

const ldaptsBytes = (id: number, dn: string, attrs: Record<string, string[]>) =>
  new AddRequest({ messageId: id, dn, attributes: Object.entries(attrs).map(([type, values]) => new Attribute({ type, values })) }).write();

describe('an add request outpost encodes is byte for byte the one ldapts would send', () => {
  it('for 2,000 random entries with text of every UTF-8 width', () => {
    const r = rng(17);
    for (let k = 0; k < 2000; k++) {
      const { dn, attrs } = randomEntry(r);
      const id = 1 + Math.floor(r() * 70_000);
      expect(addRequestBytes(id, dn, attrs).equals(ldaptsBytes(id, dn, attrs))).toBe(true);
    }
  });

  it('for message ids at every INTEGER width boundary, and for an entry of 100 kB', () => {
    const big = { description: Array.from({ length: 500 }, (_, i) => `value ${i} ${'x'.repeat(190)}`) };
    for (const id of [1, 127, 128, 255, 256, 32767, 32768, 65535, 65536, 8388607, 8388608, 2 ** 31 - 1]) {
      expect(addRequestBytes(id, 'cn=a', { cn: ['a'] }).equals(ldaptsBytes(id, 'cn=a', { cn: ['a'] }))).toBe(true);
      expect(addRequestBytes(id, 'cn=big', big).equals(ldaptsBytes(id, 'cn=big', big))).toBe(true);
    }
  });
});

describe('the bind and unbind around the adds are the ones ldapts would send', () => {
  it('for message ids of every INTEGER width, DNs and passwords of every UTF-8 width and a 300-byte password', () => {
    const r = rng(29);
    for (const id of [1, 127, 128, 32768, 8388608, 2 ** 31 - 1]) {
      for (let k = 0; k < 50; k++) {
        const dn = `cn=${randomText(r, 40)},dc=crisis,dc=example,dc=lu`;
        const password = k === 0 ? 'p'.repeat(300) : randomText(r, 60);
        expect(bindRequestBytes(id, dn, password).equals(new BindRequest({ messageId: id, dn, password }).write())).toBe(true);
      }
      expect(unbindRequestBytes(id).equals(new UnbindRequest({ messageId: id }).write())).toBe(true);
    }
  });
});

describe('requests queued between two socket writes', () => {
  it('come out whole and in order across chunk boundaries, and a slice already taken never changes', () => {
    const r = rng(5);
    const box = new Outbox(1024);
    const want: Buffer[] = [];
    const got: Buffer[] = [];
    const snapshots: [Buffer, Buffer][] = [];
    for (let k = 1; k <= 400; k++) {
      const { dn, attrs } = randomEntry(r);
      box.add(k, dn, attrs);
      want.push(addRequestBytes(k, dn, attrs));
      if (r() < 0.3) for (const part of box.take()) {
        got.push(part);
        snapshots.push([part, Buffer.from(part)]);
      }
    }
    got.push(...box.take());
    expect(Buffer.concat(got).equals(Buffer.concat(want))).toBe(true);
    for (const [live, copy] of snapshots) expect(live.equals(copy)).toBe(true);
    expect(box.take()).toEqual([]);
  });
});

// LDAPResult answers as RFC 4511 4.1.9 lays them out, written with ldapts' BER writer
// (asn1, which ldapts depends on), not with anything of outpost's.
function answer(id: number, op: number, code: number, message: string): Buffer {
  const { BerWriter } = createRequire(import.meta.url)('asn1') as { BerWriter: new () => { startSequence(t?: number): void; endSequence(): void; writeInt(n: number): void; writeEnumeration(n: number): void; writeString(s: string): void; buffer: Buffer } };
  const w = new BerWriter();
  w.startSequence();
  w.writeInt(id);
  w.startSequence(op);
  w.writeEnumeration(code);
  w.writeString('');
  w.writeString(message);
  w.endSequence();
  w.endSequence();
  return w.buffer;
}

describe('the answers reader', () => {
  const stream = Buffer.concat([
    answer(1, 0x61, 0, ''),
    answer(2, 0x69, 0, ''),
    answer(300, 0x69, 68, 'Entry already exists'),
    answer(70_000, 0x69, 21, `uidNumber: value #0 invalid per syntax ${'é'.repeat(100)}`),
    answer(0, 0x78, 52, 'connection is closing'),
  ]);
  const whole = (): Answer[] => {
    const out: Answer[] = [];
    expect(readAnswers(stream, 0, (a) => out.push(a))).toBe(stream.length);
    return out;
  };

  it('reads ids, result codes and messages', () => {
    expect(whole().map((a) => [a.id, a.code, a.message.slice(0, 21)])).toEqual([
      [1, 0, ''],
      [2, 0, ''],
      [300, 68, 'Entry already exists'],
      [70_000, 21, 'uidNumber: value #0 i'],
      [0, 52, 'connection is closing'],
    ]);
  });

  it('reads the same whatever byte the stream is cut at', () => {
    const expected = whole();
    for (let cut = 0; cut <= stream.length; cut++) {
      const out: Answer[] = [];
      const first = stream.subarray(0, cut);
      const at = readAnswers(first, 0, (a) => out.push(a));
      const rest = Buffer.concat([first.subarray(at), stream.subarray(cut)]);
      expect(readAnswers(rest, 0, (a) => out.push(a))).toBe(rest.length);
      expect(out).toEqual(expected);
    }
  });

  it('refuses what is not an LDAP message instead of guessing', () => {
    expect(() => readAnswers(Buffer.from('HTTP/1.1 400 Bad Request\r\n'), 0, () => undefined)).toThrow(/not an LDAPMessage/);
    expect(() => readAnswers(Buffer.from([0x30, 0x80, 0, 0]), 0, () => undefined)).toThrow(/BER length/);
    expect(() => readAnswers(Buffer.from([0x30, 0x03, 0x02, 0x05, 0x01]), 0, () => undefined)).toThrow(/longer than/);
  });
});
