// How directory apply's writes reach the server: a role group in as few requests as the
// server takes, holding exactly its members however many requests it took, and no
// secret in ldapts' debug log when an operator turns it on. Against a real slapd.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePeople } from '../../core/people/index.js';
import { desiredState, syncDirectory, totpCode } from '../../core/directory/index.js';
import { MAX_VALUE_BYTES, attributes, memberBatches } from '../../core/directory/wire.js';
import { AddRequest, Attribute } from 'ldapts';
import { repoRoot } from '../support/inventory.js';
import { startSlapd, TEST_SUFFIX, type TestSlapd } from '../support/slapd.js';

const ROLES = ['tracing-agent', 'vaccination-staff', 'care-staff', 'helpdesk', 'netadmin', 'crisis-cell'];
const HEADER = 'id,given_name,surname,mail,site,roles,end_date,laptop_tag,laptop_mac,extension';

const people = (n: number, role: string) => {
  const rows = Array.from({ length: n }, (_, i) => `agent.${i},Agent,Number,agent.${i}@crisis.example.lu,vac-lux,${role},,,,`);
  const parsed = parsePeople([{ file: 'people/agents.csv', text: `${HEADER}\n${rows.join('\n')}\n` }], { roles: new Set(ROLES), sites: new Set(['vac-lux']) });
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'));
  return parsed.value.people;
};

let slapd: TestSlapd;
let work: string;
beforeAll(async () => {
  slapd = await startSlapd('wire');
  work = mkdtempSync(join(tmpdir(), 'opi-wire-'));
});
afterAll(async () => {
  await slapd?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a role group goes to the directory in as few requests as the server takes', () => {
  it('puts the 4,951 members of the largest national role in one request', () => {
    const dns = Array.from({ length: 4951 }, (_, i) => `uid=agent.${i},ou=people,${TEST_SUFFIX}`);
    expect(memberBatches(dns)).toEqual([dns]);
  });

  it('splits members beyond a mebibyte of values into requests the server accepts, in order and none lost', () => {
    const long = Array.from({ length: 9000 }, (_, i) => `uid=${'x'.repeat(200)}.${i},ou=people,${TEST_SUFFIX}`);
    const parts = memberBatches(long);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.reduce((n, m) => n + Buffer.byteLength(m) + 4, 0)).toBeLessThanOrEqual(MAX_VALUE_BYTES);
    expect(parts.flat()).toEqual(long);
    expect(memberBatches(long.slice(0, 10), 4).map((p) => p.length)).toEqual([4, 4, 2]);
    expect(memberBatches([])).toEqual([]);
  });

  it('a role written in several requests holds exactly its members, and a second apply changes nothing', async () => {
    const desired = desiredState(TEST_SUFFIX, people(25, 'care-staff'), ROLES, '2021-03-01');
    const report = await syncDirectory(slapd.settings, desired, { batch: 7 });
    expect(report.failed).toEqual([]);
    const admin = await slapd.admin();
    const { searchEntries } = await admin.search(`cn=care-staff,ou=roles,${TEST_SUFFIX}`, { scope: 'base', attributes: ['member'] });
    const members = [searchEntries[0]?.member ?? []].flat().map(String).sort();
    expect(members).toEqual(desired.roles.get('care-staff')!.map(String).sort());
    expect(members).toHaveLength(25);
    const { searchEntries: agent } = await admin.search(`uid=agent.24,ou=people,${TEST_SUFFIX}`, { scope: 'base', attributes: ['memberOf'] });
    expect(agent[0]?.memberOf).toBe(`cn=care-staff,ou=roles,${TEST_SUFFIX}`);
    expect((await syncDirectory(slapd.settings, desired)).plan.changes).toEqual([]);
  });
});

describe('an entry to add is encoded in one pass, byte for byte as ldapts encodes it', () => {
  const ldapts = (attrs: Record<string, string[]>) => new AddRequest({ messageId: 300, dn: `uid=léa.klein,ou=people,${TEST_SUFFIX}`, attributes: Object.entries(attrs).map(([type, values]) => new Attribute({ type, values })) }).write();
  const ours = (attrs: Record<string, string[]>) => new AddRequest({ messageId: 300, dn: `uid=léa.klein,ou=people,${TEST_SUFFIX}`, attributes: attributes(attrs) }).write();
  it.each([
    ['an agent with accented names', { objectClass: ['inetOrgPerson', 'posixAccount', 'shadowAccount'], uid: ['léa.klein'], cn: ['Léa Klein-Ünal'], sn: ['Klein-Ünal'], mail: ['lea.klein@crisis.example.lu'], uidNumber: ['20001'] }],
    ['values whose lengths take one, two and three length bytes', { description: ['a'.repeat(127), 'b'.repeat(128), 'c'.repeat(255), 'd'.repeat(256), 'é'.repeat(40_000)] }],
    ['plain ASCII values whose lengths take one, two, three and four length bytes', { description: ['a'.repeat(127), 'b'.repeat(128), 'c'.repeat(255), 'd'.repeat(256), 'e'.repeat(65_535), 'f'.repeat(65_536)], uid: ['x'] }],
    ['a role group of 5,000 members (a three-byte length)', { objectClass: ['groupOfNames'], cn: ['vaccination-staff'], member: Array.from({ length: 5000 }, (_, i) => `uid=agent.${i},ou=people,${TEST_SUFFIX}`) }],
    ['an attribute with no value', { objectClass: ['top'], seeAlso: [] }],
    ['names in every width of UTF-8, and broken UTF-16 written as the replacement character', { cn: ['Zoë', 'Łukasz Ż', '\u07ff\u0800€', 'Ana 😀 Lima', '\ud800', 'x\udc00y', 'ß'.repeat(70)], sn: ['', 'a\u0000b'] }],
  ])('%s', (_, attrs: Record<string, string[]>) => {
    expect(ours(attrs).equals(ldapts(attrs))).toBe(true);
  });

  it("shows ldapts' debug log the entry's DN, never a value", () => {
    const json = JSON.stringify(new AddRequest({ messageId: 1, dn: 'uid=x', attributes: attributes({ cn: ['Léa Klein'], userPassword: ['{SSHA}secret'] }) }));
    expect(json).toContain('uid=x');
    expect(json).not.toContain('secret');
  });
});

describe("ldapts' debug log keeps the directory's secrets out", () => {
  it('enrolling an agent with DEBUG=ldapts prints the requests but neither the TOTP seed nor the password hash', async () => {
    const secret = Buffer.from('a1b2c3d4e5f60718293a4b5c6d7e8f9011223344', 'hex');
    const script = join(work, 'enrol.mts');
    // A process of its own: ldapts reads DEBUG when it loads.
    writeFileSync(
      script,
      `import { connect, closeQuietly, enrolPerson, layoutFor } from ${JSON.stringify(join(repoRoot, 'core/directory/index.ts'))};
const s = JSON.parse(process.env.WIRE_SETTINGS);
const client = await connect(s);
try { await enrolPerson(client, layoutFor(s.base), 'agent.3', { password: 'Initial-Password-42', totpSecret: Buffer.from(${JSON.stringify(secret.toString('hex'))}, 'hex') }); } finally { await closeQuietly(client); }
`,
    );
    const run = promisify(execFile);
    const { stderr } = await run(process.execPath, ['--import', 'tsx', script], {
      cwd: repoRoot,
      env: { ...process.env, DEBUG: 'ldapts', WIRE_SETTINGS: JSON.stringify(slapd.settings) },
      maxBuffer: 1 << 24,
    });
    expect(stderr).toContain('Sending message');
    expect(stderr).toContain('oathSecret');
    for (const shown of [secret.toString('hex'), secret.toString('base64'), secret.toJSON().data.join(',')]) expect(stderr).not.toContain(shown);
    expect(stderr).not.toContain('{SSHA}');
    expect(stderr).not.toContain('Initial-Password-42');
    // The enrolment took: password + current code binds.
    const code = totpCode(secret);
    expect(await slapd.canBind(`uid=agent.3,ou=people,${TEST_SUFFIX}`, `Initial-Password-42${code}`)).toBe(true);
  });
});
