// How outpost reads search results: its own one-pass decoder of SearchResultEntry
// (core/directory/ber-read.ts) must give, entry for entry and key for key, what ldapts'
// own parser gives, on real slapd replies, and leave to ldapts everything it does not
// decode itself. Against a real slapd holding agents written by a directory sync.
import { MessageParser, SearchEntry, SearchResponse, type Client, type Entry } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leanParser, readEntriesLean, type LeanCounts } from '../../core/directory/ber-read.js';
import { closeQuietly, connect, desiredState, disableAccount, enrolPerson, layoutFor, readAccounts, syncDirectory } from '../../core/directory/index.js';
import { parsePeople } from '../../core/people/index.js';
import { startSlapd, TEST_SUFFIX, type TestSlapd } from '../support/slapd.js';

const ROLES = ['tracing-agent', 'vaccination-staff', 'care-staff', 'helpdesk'];
const HEADER = 'id,given_name,surname,mail,site,roles,end_date,laptop_tag,laptop_mac,extension';
const AGENTS = 260;

// Accented names (multi-byte UTF-8 in cn, sn, givenName, displayName), several roles,
// end dates, laptops and extensions: every kind of value a sync writes.
const csv = () => {
  const rows = Array.from({ length: AGENTS }, (_, i) => {
    const given = ['Léa', 'Amélie', 'Jörg', 'João', 'Marie'][i % 5]!;
    const roles = i % 7 === 0 ? 'tracing-agent;helpdesk' : ROLES[i % 4]!;
    const end = i % 3 === 0 ? `2027-0${1 + (i % 9)}-1${i % 10}` : '';
    const laptop = i % 2 ? `LT-${10000 + i},3c:52:82:1a:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}` : ',';
    return `agent.${i},${given},Ünal-${String.fromCharCode(97 + (i % 26))},agent.${i}@crisis.example.lu,vac-lux,${roles},${end},${laptop},${i % 4 ? 4000 + i : ''}`;
  });
  return `${HEADER}\n${rows.join('\n')}\n`;
};

let slapd: TestSlapd;
let plain: Client;
let lean: Client;
let counts: LeanCounts;
beforeAll(async () => {
  slapd = await startSlapd('read');
  const people = parsePeople([{ file: 'people/agents.csv', text: csv() }], { roles: new Set(ROLES), sites: new Set(['vac-lux']) });
  if (!people.ok) throw new Error(people.diagnostics.map((d) => d.message).join('\n'));
  const report = await syncDirectory(slapd.settings, desiredState(TEST_SUFFIX, people.value.people, ROLES, '2026-11-24'));
  if (report.failed.length) throw new Error(report.failed[0]!.error);
  // A locked leaver and an enrolled agent: pwdAccountLockedTime and the TOTP token's DN.
  await disableAccount(slapd.settings, 'agent.5', ROLES, '2026-11-24');
  const c = await connect(slapd.settings);
  try {
    await enrolPerson(c, layoutFor(TEST_SUFFIX), 'agent.8', { password: 'Initial-Password-42', totpSecret: Buffer.alloc(20, 7) });
  } finally {
    await closeQuietly(c);
  }
  plain = await slapd.admin();
  lean = await slapd.admin();
  const taken = readEntriesLean(lean);
  if (!taken) throw new Error('the lean reader did not take the client');
  counts = taken;
}, 120_000);
afterAll(async () => {
  await slapd?.stop();
});

/** Entries with their keys in order: what a caller iterating them sees. */
const shown = (entries: readonly Entry[]) => entries.map((e) => Object.entries(e).map(([k, v]) => [k, Buffer.isBuffer(v) ? `buffer:${v.toString('hex')}` : Array.isArray(v) ? v.map((x) => (Buffer.isBuffer(x) ? `buffer:${x.toString('hex')}` : x)) : v]));

describe('search replies read by outpost are the entries ldapts reads', () => {
  const searches: [string, string, Parameters<Client['search']>[1]][] = [
    ['every agent with every user and operational attribute', `ou=people,${TEST_SUFFIX}`, { scope: 'one', filter: '(uid=*)', attributes: ['*', '+'] }],
    ['the attributes the audit reads, some of them absent', `ou=people,${TEST_SUFFIX}`, { scope: 'one', filter: '(uid=*)', attributes: ['uid', 'pwdAccountLockedTime', 'shadowExpire', 'oathTOTPToken', 'noSuchAttribute'] }],
    ['role groups with every member (lengths of three bytes)', `ou=roles,${TEST_SUFFIX}`, { scope: 'one', filter: '(objectClass=groupOfNames)', attributes: ['cn', 'member'] }],
    ['attribute names only, no values', `ou=people,${TEST_SUFFIX}`, { scope: 'one', filter: '(uid=agent.1*)', attributes: ['cn', 'mail'], returnAttributeValues: false }],
    ['the whole tree', TEST_SUFFIX, { scope: 'sub' }],
    ['nothing found', `ou=people,${TEST_SUFFIX}`, { scope: 'one', filter: '(uid=nobody)' }],
  ];
  it.each(searches)('%s', async (_, base, options) => {
    const before = counts.decoded;
    const mine = await lean.search(base, options);
    const theirs = await plain.search(base, options);
    expect(shown(mine.searchEntries)).toEqual(shown(theirs.searchEntries));
    // Decoded by outpost's reader, not handed to ldapts.
    expect(counts.decoded - before).toBe(theirs.searchEntries.length);
    expect(mine.searchReferences).toEqual(theirs.searchReferences);
  });

  it('pages of a paged search, the cookie and the end as ldapts gives them', async () => {
    const pages = async (c: Client) => {
      const out: Entry[][] = [];
      for await (const p of c.searchPaginated(`ou=people,${TEST_SUFFIX}`, { scope: 'one', filter: '(uid=*)', attributes: ['uid', 'cn', 'memberOf'], paged: { pageSize: 37 } })) out.push(p.searchEntries);
      return out;
    };
    const mine = await pages(lean);
    expect(mine.length).toBe(Math.ceil(AGENTS / 37));
    expect(mine.map(shown)).toEqual((await pages(plain)).map(shown));
  });

  it('attributes asked for as buffers are left to ldapts, and come back as buffers', async () => {
    const options = { scope: 'one' as const, filter: '(uid=agent.8)', attributes: ['uid', 'oathTOTPToken', 'cn'], explicitBufferAttributes: ['cn'] };
    const before = counts.decoded;
    const mine = await lean.search(`ou=people,${TEST_SUFFIX}`, options);
    expect(counts.decoded).toBe(before);
    expect(Buffer.isBuffer(mine.searchEntries[0]!.cn)).toBe(true);
    expect(shown(mine.searchEntries)).toEqual(shown((await plain.search(`ou=people,${TEST_SUFFIX}`, options)).searchEntries));
  });

  it('an error the server answers is the error ldapts gives', async () => {
    const mine = await lean.search(`ou=nowhere,${TEST_SUFFIX}`, { scope: 'one' }).catch((e: unknown) => e);
    const theirs = await plain.search(`ou=nowhere,${TEST_SUFFIX}`, { scope: 'one' }).catch((e: unknown) => e);
    expect(mine).toBeInstanceOf(Error);
    expect(String(mine)).toBe(String(theirs));
  });

  it('the audit reads every account, the locked leaver and the enrolled agent among them', async () => {
    const accounts = await readAccounts(slapd.settings);
    expect(accounts).toHaveLength(AGENTS);
    expect(accounts.find((a) => a.id === 'agent.5')).toMatchObject({ locked: true, roles: [] });
    expect(accounts.find((a) => a.id === 'agent.8')).toMatchObject({ locked: false, totp: true, roles: ['tracing-agent'] });
    expect(accounts.find((a) => a.id === 'agent.0')).toMatchObject({ roles: ['helpdesk', 'tracing-agent'] });
  });
});

describe('the bytes of a reply, however the network cuts them', () => {
  /** What slapd sent for a search, as the socket handed it over. */
  const recorded = async (options: Parameters<Client['search']>[1], base = `ou=people,${TEST_SUFFIX}`) => {
    const c = await slapd.admin();
    const socket = (c as unknown as { socket: NodeJS.EventEmitter }).socket;
    const chunks: Buffer[] = [];
    const keep = (d: Buffer) => chunks.push(Buffer.from(d));
    socket.on('data', keep);
    await c.search(base, options);
    socket.off('data', keep);
    return Buffer.concat(chunks);
  };

  /** The messages a parser emits for the bytes cut into pieces of the given sizes. */
  const replay = (bytes: Buffer, sizes: (i: number) => number, makeLean: boolean) => {
    const parser = new MessageParser();
    const counts = makeLean ? leanParser(parser) : undefined;
    if (makeLean && !counts) throw new Error('the lean reader did not take the parser');
    const got: unknown[] = [];
    parser.on('message', (m: unknown) => {
      if (m instanceof SearchEntry) got.push(['entry', m.messageId, shown([m.toObject(['uid', 'absent'], [])])]);
      else if (m instanceof SearchResponse) got.push(['done', m.messageId, m.status]);
      else got.push(['other', (m as { messageId: number }).messageId]);
    });
    parser.on('error', (e: Error) => got.push(['error', e.message]));
    // The search's message ID: every reply carries it.
    const details = new Map<string, unknown>();
    for (let id = 1; id < 10; id++) details.set(String(id), { message: {} });
    let at = 0;
    for (let i = 0; at < bytes.length; i++) {
      const n = Math.max(1, sizes(i));
      parser.read(bytes.subarray(at, at + n), details as never);
      at += n;
    }
    return { got, counts };
  };

  it.each([
    ['one byte at a time', () => 1],
    ['seven bytes at a time', () => 7],
    ['pieces of every size up to 300 bytes', (i: number) => (i * 37) % 300],
    ['the whole reply at once', () => 1 << 30],
  ])('%s: the same entries, in order, as ldapts', async (_, sizes) => {
    const bytes = await recorded({ scope: 'one', filter: '(uid=agent.2*)', attributes: ['uid', 'cn', 'shadowExpire', 'memberOf'] });
    const mine = replay(bytes, sizes, true);
    const theirs = replay(bytes, sizes, false);
    expect(mine.got.length).toBeGreaterThan(10);
    expect(mine.got).toEqual(theirs.got);
    // The entries were decoded here; the end of the search went to ldapts.
    expect(mine.counts!.decoded).toBe(mine.got.length - 1);
    expect(mine.counts!.passed).toBe(1);
  });

  it('a reply it cannot frame goes to ldapts, which reports it as before', () => {
    // A message whose first byte is not a SEQUENCE.
    const junk = Buffer.from([0x31, 0x03, 0x02, 0x01, 0x01]);
    expect(replay(junk, () => 100, true).got).toEqual(replay(junk, () => 100, false).got);
  });
});
