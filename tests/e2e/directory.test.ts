// The helpdesk keeps the directory in step with the people files, against a real slapd.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'ldapts';
import { parsePeople, type People } from '../../core/people/index.js';
import {
  desiredState,
  enrolPerson,
  generatePassword,
  newTotpSecret,
  personDN,
  roleDN,
  syncDirectory,
  totpCode,
  layoutFor,
  DISABLED,
  upsertAccount,
  disableAccount,
  readAccount,
} from '../../core/directory/index.js';
import { startSlapd, type TestSlapd } from '../support/slapd.js';
import { startFlakyProxy } from '../support/flaky-proxy.js';

const ROLES = ['tracing-agent', 'vaccination-staff', 'care-staff', 'helpdesk', 'netadmin', 'crisis-cell'];
const SITES = ['trc-findel', 'vac-esch', 'vac-lux', 'act-lux', 'cc-lux'];
const TODAY = '2021-03-01';
const HEADER = 'id,given_name,surname,mail,site,roles,end_date,laptop_tag,laptop_mac,extension';

const ROWS = [
  'marie.schmit,Marie,Schmit,marie.schmit@crisis.example.lu,trc-findel,tracing-agent,2021-06-30,LT-10001,3c:52:82:00:00:01,2001',
  'joao.dasilva,João,da Silva,joao.dasilva@crisis.example.lu,trc-findel,tracing-agent,,LT-10002,3c:52:82:00:00:02,2002',
  "luca.dangelo,Luca,D'Angelo,luca.dangelo@crisis.example.lu,vac-esch,vaccination-staff,2021-09-30,LT-10003,,",
  'anne.weber,Anne,Weber,anne.weber@crisis.example.lu,cc-lux,crisis-cell;helpdesk,,LT-10004,3c:52:82:00:00:04,2004',
  'tom.kremer,Tom,Kremer,tom.kremer@crisis.example.lu,act-lux,care-staff,2021-02-15,,,',
];

function people(rows: string[]): People {
  const r = parsePeople([{ file: 'people/agents.csv', text: `${HEADER}\n${rows.join('\n')}\n` }], { roles: new Set(ROLES), sites: new Set(SITES) });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.value;
}

const desired = (rows: string[], today = TODAY) => desiredState('dc=crisis,dc=example,dc=lu', people(rows).people, ROLES, today);

describe('directory apply against a real slapd', () => {
  let slapd: TestSlapd;
  let admin: Client;
  const l = layoutFor('dc=crisis,dc=example,dc=lu');

  const entry = async (id: string) => {
    const r = await admin.search(personDN(l, id), { scope: 'base', attributes: ['*', 'memberOf', 'pwdAccountLockedTime', 'pwdEndTime'] });
    return r.searchEntries[0]!;
  };
  const members = async (role: string) => {
    const r = await admin.search(roleDN(l, role), { scope: 'base', attributes: ['member'] });
    const m = r.searchEntries[0]?.member ?? [];
    return (Array.isArray(m) ? m : [m]).map(String).sort();
  };

  beforeAll(async () => {
    slapd = await startSlapd('dir');
    admin = await slapd.admin();
  });
  afterAll(async () => slapd?.stop());

  it('creates people under ou=people and one group per role, with memberOf', async () => {
    const report = await syncDirectory(slapd.settings, desired(ROWS));
    expect(report.failed).toEqual([]);
    expect(report.plan.summary['add-person']).toBe(5);
    expect(report.plan.summary['add-role']).toBe(ROLES.length);
    // Tom's contract ended before today: created, but disabled and in no role.
    expect(report.plan.changes).toContainEqual(expect.objectContaining({ op: 'disable', id: 'tom.kremer', reason: 'expired' }));

    const marie = await entry('marie.schmit');
    expect(marie.objectClass).toEqual(expect.arrayContaining(['inetOrgPerson', 'posixAccount', 'shadowAccount', 'ieee802Device']));
    expect(marie.cn).toBe('Marie Schmit');
    expect(marie.ou).toBe('trc-findel');
    expect(marie.telephoneNumber).toBe('2001');
    expect(marie.macAddress).toBe('3c:52:82:00:00:01');
    expect(marie.employeeType).toBe('temporary');
    expect(marie.pwdEndTime).toBe('20210701000000Z');
    expect(marie.shadowExpire).toBe(String(Date.UTC(2021, 6, 1) / 86_400_000));
    expect(marie.memberOf).toBe(roleDN(l, 'tracing-agent'));
    expect((await entry('joao.dasilva')).sn).toBe('da Silva');

    const anne = await entry('anne.weber');
    expect([anne.memberOf].flat().sort()).toEqual([roleDN(l, 'crisis-cell'), roleDN(l, 'helpdesk')]);
    expect(await members('tracing-agent')).toEqual([personDN(l, 'joao.dasilva'), personDN(l, 'marie.schmit')]);
    // An empty role still exists (groupOfNames needs a member: the placeholder).
    expect(await members('netadmin')).toEqual([l.placeholder]);

    const tom = await entry('tom.kremer');
    expect(tom.pwdAccountLockedTime).toBe(DISABLED);
    expect([tom.memberOf ?? []].flat()).toEqual([]);
  });

  it('changes nothing on a second apply', async () => {
    const again = await syncDirectory(slapd.settings, desired(ROWS));
    expect(again.plan.changes).toEqual([]);
  });

  it('plans the exact diff for a role change, a leaver and a moved agent, then applies it', async () => {
    const rows = ROWS.filter((r) => !r.startsWith('luca.dangelo')).map((r) =>
      r.startsWith('joao.dasilva') ? r.replace(',tracing-agent,', ',helpdesk,') : r.startsWith('marie.schmit') ? r.replace('trc-findel', 'vac-lux') : r,
    );
    const dry = await syncDirectory(slapd.settings, desired(rows), { dryRun: true });
    const lines = dry.plan.changes.map((c) => ({ op: c.op, who: 'id' in c ? c.id : 'role' in c ? c.role : c.dn, ...('members' in c ? { members: c.members } : {}) }));
    expect(lines.sort(byJson)).toEqual([
      { op: 'modify-person', who: 'marie.schmit' },
      { op: 'disable', who: 'luca.dangelo' },
      { op: 'add-to-role', who: 'helpdesk', members: [personDN(l, 'joao.dasilva')] },
      { op: 'remove-from-role', who: 'tracing-agent', members: [personDN(l, 'joao.dasilva').toLowerCase()] },
      { op: 'remove-from-role', who: 'vaccination-staff', members: [personDN(l, 'luca.dangelo').toLowerCase()] },
      { op: 'add-to-role', who: 'vaccination-staff', members: [l.placeholder] },
    ].sort(byJson));
    const marie = dry.plan.changes.find((c) => c.op === 'modify-person');
    expect(marie && 'changes' in marie ? marie.changes : []).toEqual([{ attr: 'ou', from: ['trc-findel'], to: ['vac-lux'] }]);

    // Luca was enrolled while still employed; once disabled, password + code no longer open.
    const lucaPw = generatePassword();
    const lucaSecret = newTotpSecret();
    await enrolPerson(admin, l, 'luca.dangelo', { password: lucaPw, totpSecret: lucaSecret });

    const applied = await syncDirectory(slapd.settings, desired(rows));
    expect(applied.failed).toEqual([]);
    expect((await entry('marie.schmit')).ou).toBe('vac-lux');
    expect([(await entry('joao.dasilva')).memberOf].flat()).toEqual([roleDN(l, 'helpdesk')]);
    const luca = await entry('luca.dangelo');
    expect(luca.pwdAccountLockedTime).toBe(DISABLED);
    expect([luca.memberOf ?? []].flat()).toEqual([]);
    expect(await slapd.canBind(personDN(l, 'luca.dangelo'), `${lucaPw}${totpCode(lucaSecret)}`)).toBe(false);
    expect(await members('vaccination-staff')).toEqual([l.placeholder]);
    expect((await syncDirectory(slapd.settings, desired(rows))).plan.changes).toEqual([]);
  });

  it('binds with password + current TOTP code, refuses the password alone and a replayed code', async () => {
    const admin2 = await slapd.admin();
    const password = generatePassword();
    const secret = newTotpSecret();
    await enrolPerson(admin2, l, 'anne.weber', { password, totpSecret: secret });
    const dn = personDN(l, 'anne.weber');
    expect(await slapd.canBind(dn, password)).toBe(false);
    const code = totpCode(secret);
    const wrong = String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');
    expect(await slapd.canBind(dn, `${password}${wrong}`)).toBe(false);
    expect(await slapd.canBind(dn, `${password}${code}`)).toBe(true);
    expect(await slapd.canBind(dn, `${password}${code}`)).toBe(false);
    // A disabled agent is not enrolled (a password reset would lift the lock).
    await expect(enrolPerson(admin2, l, 'tom.kremer', { password: generatePassword(), totpSecret: newTotpSecret() })).rejects.toThrow(/disabled/);
    expect((await entry('tom.kremer')).pwdAccountLockedTime).toBe(DISABLED);
    // Enrolment is not undone by the next apply.
    const rows = ROWS.filter((r) => !r.startsWith('luca.dangelo')).map((r) =>
      r.startsWith('joao.dasilva') ? r.replace(',tracing-agent,', ',helpdesk,') : r.startsWith('marie.schmit') ? r.replace('trc-findel', 'vac-lux') : r,
    );
    expect((await syncDirectory(slapd.settings, desired(rows))).plan.changes).toEqual([]);
  });

  it('manages one account at a time without touching anyone else', async () => {
    const lea = people(['lea.klein,Lea,Klein,lea.klein@crisis.example.lu,vac-lux,netadmin,,,,']).people[0]!;
    const before = await members('tracing-agent');
    const up = await upsertAccount(slapd.settings, lea, ROLES, TODAY);
    expect(up.plan.changes.map((c) => c.op)).toEqual(['add-person', 'add-to-role', 'remove-from-role']);
    expect(await members('netadmin')).toEqual([personDN(l, 'lea.klein')]);
    expect(await members('tracing-agent')).toEqual(before);
    expect(await readAccount(slapd.settings, 'lea.klein')).toMatchObject({ locked: false, memberOf: [roleDN(l, 'netadmin')] });
    expect((await upsertAccount(slapd.settings, lea, ROLES, TODAY)).plan.changes).toEqual([]);
    const down = await disableAccount(slapd.settings, 'lea.klein', ROLES, TODAY);
    expect(down.plan.changes.map((c) => c.op)).toEqual(['disable', 'remove-from-role']);
    // The last member left netadmin: the placeholder keeps the group valid.
    expect(await members('netadmin')).toEqual([l.placeholder]);
    expect(await readAccount(slapd.settings, 'lea.klein')).toMatchObject({ locked: true, memberOf: [] });
    expect(await members('tracing-agent')).toEqual(before);
  });

  it('resumes after the connection drops in the middle of an apply', async () => {
    const proxy = await startFlakyProxy(Number(new URL(slapd.url).port));
    try {
      const many = Array.from({ length: 120 }, (_, i) => `agent.${i},Agent,Number${'x'.repeat(i % 5)},agent.${i}@crisis.example.lu,vac-lux,vaccination-staff,,,,`);
      const rows = [...ROWS, ...many];
      proxy.cutAfter(20_000);
      const resumes: string[] = [];
      const report = await syncDirectory({ ...slapd.settings, url: proxy.url }, desired(rows), { onResume: (_p, why) => resumes.push(why) });
      expect(proxy.cuts).toBe(1);
      expect(report.passes).toBeGreaterThan(1);
      expect(resumes.length).toBe(report.passes - 1);
      expect(report.failed).toEqual([]);
      // The 120 new agents and Luca from the original files.
      expect((await members('vaccination-staff')).length).toBe(121);
      expect((await syncDirectory(slapd.settings, desired(rows))).plan.changes).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

const byJson = (a: unknown, b: unknown) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
