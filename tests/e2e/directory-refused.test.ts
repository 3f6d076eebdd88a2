// A first apply where the server refuses two agents, against a real slapd: another
// writer added one of them after outpost read the directory, and one carries a uid
// number the server will not take. Exactly those two are reported, with the server's
// reason, every other agent lands, and the directory reads back whole afterwards.
// (The last check is why apply writes no LDAP transactions: slapd 2.5 left its database
// unreadable after a transaction it rolled back; see apply.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePeople } from '../../core/people/index.js';
import { AddConnection, closeQuietly, connect, desiredState, executePlan, planDirectory, readState, syncDirectory, type Change } from '../../core/directory/index.js';
import { startSlapd, TEST_SUFFIX, type TestSlapd } from '../support/slapd.js';

const ROLES = ['tracing-agent', 'vaccination-staff', 'care-staff', 'helpdesk', 'netadmin', 'crisis-cell'];
const HEADER = 'id,given_name,surname,mail,site,roles,end_date,laptop_tag,laptop_mac,extension';

const agents = (n: number) => {
  const rows = Array.from({ length: n }, (_, i) => `agent.${i},Agent,Number,agent.${i}@crisis.example.lu,vac-lux,${ROLES[i % 3]},,,,`);
  const parsed = parsePeople([{ file: 'people/agents.csv', text: `${HEADER}\n${rows.join('\n')}\n` }], { roles: new Set(ROLES), sites: new Set(['vac-lux']) });
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'));
  return desiredState(TEST_SUFFIX, parsed.value.people, ROLES, '2021-03-01');
};

const idOf = (c: Change) => ('id' in c ? c.id : c.dn);

describe('agents the server refuses in the middle of a first apply', () => {
  let slapd: TestSlapd;
  beforeAll(async () => {
    slapd = await startSlapd('refused');
  });
  afterAll(async () => {
    await slapd?.stop();
  });

  it('are reported exactly, with the reason, and every other agent lands in a directory that reads back whole', async () => {
    const desired = agents(300);
    const admin = await slapd.admin();
    const clients = await Promise.all([0, 1].map(() => connect(slapd.settings)));
    // People go over the connections apply adds them on (add-connection.ts), as syncDirectory does.
    const adders = await Promise.all([0, 1].map(() => AddConnection.open(slapd.settings)));
    let results;
    let rest: Change[];
    try {
      const planned = planDirectory(desired, await readState(clients[0]!, desired.layout));
      // agent.77's uid number is not a number; agent.150 is added by another writer after
      // the plan was made (the people container with it).
      const changes = planned.changes.map((c) => (c.op === 'add-person' && c.id === 'agent.77' ? { ...c, attrs: { ...c.attrs, uidNumber: ['not-a-number'] } } : c));
      await admin.add(`ou=people,${TEST_SUFFIX}`, { objectClass: ['organizationalUnit'], ou: 'people' });
      await admin.add(`uid=agent.150,ou=people,${TEST_SUFFIX}`, { objectClass: ['inetOrgPerson'], uid: 'agent.150', cn: 'Added Elsewhere', sn: 'Elsewhere' });
      rest = changes.filter((c) => c.op !== 'add-container' || !c.dn.startsWith('ou=people'));
      results = await executePlan(clients, { ...planned, changes: rest }, {}, adders);
    } finally {
      await Promise.all([...clients.map(closeQuietly), ...adders.map((a) => a.close())]);
    }

    const failed = results.filter((r) => !r.ok);
    expect(failed.map((r) => [idOf(r.change), /\(LDAP (\d+)\)$/.exec(r.error ?? '')?.[1]]).sort()).toEqual([
      ['agent.150', '68'],
      ['agent.77', '21'],
    ]);
    expect(failed.every((r) => r.error!.startsWith('+ add person agent.'))).toBe(true);
    expect(results.filter((r) => r.ok)).toHaveLength(rest.length - 2);

    const { searchEntries: people } = await admin.search(`ou=people,${TEST_SUFFIX}`, { scope: 'one', filter: '(uid=*)', attributes: ['uid', 'cn', 'memberOf'] });
    const ids = new Set(people.map((e) => String(e.uid)));
    expect(ids.size).toBe(299);
    expect(ids.has('agent.77')).toBe(false);
    // The other writer's entry is left as they made it; its neighbours landed.
    expect(people.find((e) => e.uid === 'agent.150')?.cn).toBe('Added Elsewhere');
    for (const id of ['agent.76', 'agent.78', 'agent.149', 'agent.151']) expect(ids.has(id)).toBe(true);
    expect(people.find((e) => e.uid === 'agent.151')?.memberOf).toBe(`cn=${ROLES[151 % 3]},ou=roles,${TEST_SUFFIX}`);
    // A second apply plans what is left: agent.77 again (the people files still say so).
    const again = await syncDirectory(slapd.settings, desired);
    expect(again.plan.changes.filter((c) => c.op === 'add-person').map(idOf)).toEqual(['agent.77']);
  });
});
