// LDAP injection: whatever a value holds, it stays one value. DNs and filters outpost
// builds are checked by a real LDAP filter parser and against a real slapd.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EqualityFilter, FilterParser, type Client } from 'ldapts';
import { eqFilter, escapeDnValue, findPerson, layoutFor, syncDirectory, desiredState } from '../../core/directory/index.js';
import { startSlapd, TEST_SUFFIX, type TestSlapd } from '../support/slapd.js';

const NASTY = ['a,ou=roles', 'x+cn=y', '"quoted"', 'back\\slash', '#hash', ' lead', 'trail ', 'semi;colon', '<angle>', 'é ü ß', '=eq', 'nul\u0000byte', 'line\nbreak', '*'];
const ATTACKS = ['*', '*)(uid=*', 'x)(|(uid=*', 'admin)(objectClass=*', '\\2a', 'a*', '*)(&'];

describe('LDAP injection', () => {
  let slapd: TestSlapd;
  let admin: Client;
  const l = layoutFor(TEST_SUFFIX);

  beforeAll(async () => {
    slapd = await startSlapd('inject');
    admin = await slapd.admin();
    // Containers and roles from an empty people list, then entries with hostile uids
    // written through the same DN escaping the driver uses.
    await syncDirectory(slapd.settings, desiredState(TEST_SUFFIX, [], ['helpdesk'], '2026-01-01'));
    for (const v of NASTY) {
      await admin.add(`uid=${escapeDnValue(v)},${l.people}`, { objectClass: ['inetOrgPerson'], uid: [v], cn: ['x'], sn: ['x'] });
    }
    await admin.add(`uid=victim,${l.people}`, { objectClass: ['inetOrgPerson'], uid: ['victim'], cn: ['v'], sn: ['v'] });
  });
  afterAll(async () => slapd?.stop());

  it('filter escaping round-trips through a real filter parser for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (v) => {
        const f = FilterParser.parseString(eqFilter('uid', v));
        expect(f).toBeInstanceOf(EqualityFilter);
        const eq = f as EqualityFilter;
        expect(eq.attribute).toBe('uid');
        expect(Buffer.isBuffer(eq.value) ? eq.value.toString('utf8') : eq.value).toBe(v);
      }),
      { numRuns: 500 },
    );
  });

  it('DN escaping keeps every hostile value one RDN directly under ou=people', async () => {
    const res = await admin.search(l.people, { scope: 'one', filter: '(objectClass=inetOrgPerson)', attributes: ['uid'] });
    const uids = res.searchEntries.map((e) => String(e.uid)).sort();
    expect(uids).toEqual([...NASTY, 'victim'].sort());
    // Nothing escaped into another branch (a,ou=roles must not have landed in ou=roles).
    const roles = await admin.search(l.roles, { scope: 'sub', filter: '(objectClass=inetOrgPerson)', attributes: ['1.1'] });
    expect(roles.searchEntries).toEqual([]);
  });

  it('an escaped filter finds exactly the entry named, never more', async () => {
    for (const v of NASTY) {
      const r = await admin.search(l.people, { scope: 'one', filter: eqFilter('uid', v), attributes: ['uid'] });
      expect(r.searchEntries.map((e) => String(e.uid)), JSON.stringify(v)).toEqual([v]);
    }
    for (const attack of ATTACKS.filter((a) => !NASTY.includes(a))) {
      const r = await admin.search(l.people, { scope: 'one', filter: eqFilter('uid', attack), attributes: ['uid'] });
      expect(r.searchEntries, attack).toEqual([]);
    }
    // The unescaped filter would have matched everybody: the test can fail.
    const raw = await admin.search(l.people, { scope: 'one', filter: '(uid=*)', attributes: ['uid'] });
    expect(raw.searchEntries.length).toBe(NASTY.length + 1);
  });

  it("the driver's person lookup takes the login as a value, not as filter syntax", async () => {
    expect(await findPerson(admin, l, 'victim')).toHaveLength(1);
    for (const attack of ['*)(uid=*', 'x)(|(uid=*', 'victim)(objectClass=*']) expect(await findPerson(admin, l, attack)).toEqual([]);
    expect((await findPerson(admin, l, '*')).map((p) => p.uid)).toEqual(['*']);
  });
});
