// A national first apply writes new agents in LDAP transactions, against a real slapd:
// the directory ends up holding what plain adds would give, and an entry the server
// refuses in the middle of a batch is reported exactly, the rest of its batch landing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'ldapts';
import { parsePeople } from '../../core/people/index.js';
import { closeQuietly, connect, desiredState, executePlan, planDirectory, readState, syncDirectory, type Change, type DirectoryPlan } from '../../core/directory/index.js';
import { END_TXN, START_TXN } from '../../core/directory/txn.js';
import { startSlapd, TEST_SUFFIX, type TestSlapd } from '../support/slapd.js';

const ROLES = ['tracing-agent', 'vaccination-staff', 'care-staff', 'helpdesk', 'netadmin', 'crisis-cell'];
const HEADER = 'id,given_name,surname,mail,site,roles,end_date,laptop_tag,laptop_mac,extension';

const agents = (n: number) => {
  const rows = Array.from({ length: n }, (_, i) => `agent.${i},Agent,Number,agent.${i}@crisis.example.lu,vac-lux,${ROLES[i % 3]},,,,`);
  const parsed = parsePeople([{ file: 'people/agents.csv', text: `${HEADER}\n${rows.join('\n')}\n` }], { roles: new Set(ROLES), sites: new Set(['vac-lux']) });
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'));
  return desiredState(TEST_SUFFIX, parsed.value.people, ROLES, '2021-03-01');
};

/** Bound connections whose extended operations are counted (the client is real; only watched). */
async function watched(slapd: TestSlapd, n: number): Promise<{ clients: Client[]; exops: string[] }> {
  const exops: string[] = [];
  const clients = await Promise.all(Array.from({ length: n }, () => connect(slapd.settings)));
  for (const c of clients) {
    const exop = c.exop.bind(c);
    c.exop = (oid, value, controls) => {
      exops.push(oid);
      return exop(oid, value, controls);
    };
  }
  return { clients, exops };
}

const uidOf = (c: Change) => ('id' in c ? c.id : c.dn);

let slapd: TestSlapd;

describe('a first apply of 300 agents goes in transactions', () => {
  beforeAll(async () => {
    slapd = await startSlapd('txn');
  });
  afterAll(async () => {
    await slapd?.stop();
  });

  it('holds every agent, their roles and memberOf, as plain adds would, and a second apply changes nothing', async () => {
    const desired = agents(300);
    const { clients, exops } = await watched(slapd, 2);
    try {
      const plan = planDirectory(desired, await readState(clients[0]!, desired.layout));
      const results = await executePlan(clients, plan, { transaction: 100 });
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(results).toHaveLength(plan.changes.length);
      // Three batches of agents, and the role groups in one more.
      expect(exops.filter((o) => o === START_TXN)).toHaveLength(4);
      expect(exops.filter((o) => o === END_TXN)).toHaveLength(4);
    } finally {
      await Promise.all(clients.map(closeQuietly));
    }
    const admin = await slapd.admin();
    const { searchEntries: people } = await admin.search(`ou=people,${TEST_SUFFIX}`, { scope: 'one', filter: '(uid=*)', attributes: ['uid', 'memberOf', 'uidNumber'] });
    expect(people).toHaveLength(300);
    const a7 = people.find((e) => e.uid === 'agent.7')!;
    expect(a7.memberOf).toBe(`cn=${ROLES[7 % 3]},ou=roles,${TEST_SUFFIX}`);
    expect(new Set(people.map((e) => String(e.uidNumber))).size).toBe(300);
    const { searchEntries: role } = await admin.search(`cn=tracing-agent,ou=roles,${TEST_SUFFIX}`, { scope: 'base', attributes: ['member'] });
    expect([role[0]?.member ?? []].flat()).toHaveLength(100);
    expect((await syncDirectory(slapd.settings, desired)).plan.changes).toEqual([]);
  });
});

describe('an agent the server refuses in the middle of a batch', () => {
  beforeAll(async () => {
    slapd = await startSlapd('txnfail');
  });
  afterAll(async () => {
    await slapd?.stop();
  });

  it('is reported with its reason, exactly, and every other agent of its batch lands', async () => {
    const desired = agents(300);
    const admin = await slapd.admin();
    const { clients } = await watched(slapd, 2);
    try {
      const planned = planDirectory(desired, await readState(clients[0]!, desired.layout));
      // agent.77's uid number is not a number (the server refuses it when queued);
      // agent.150 is added by another writer after the plan (refused at commit).
      const changes = planned.changes.map((c) => (c.op === 'add-person' && c.id === 'agent.77' ? { ...c, attrs: { ...c.attrs, uidNumber: ['not-a-number'] } } : c));
      const plan: DirectoryPlan = { ...planned, changes };
      const theirs = { objectClass: ['inetOrgPerson'], uid: 'agent.150', cn: 'Added Elsewhere', sn: 'Elsewhere' };
      await admin.add(`ou=people,${TEST_SUFFIX}`, { objectClass: ['organizationalUnit'], ou: 'people' });
      await admin.add(`uid=agent.150,ou=people,${TEST_SUFFIX}`, theirs);
      const rest = changes.filter((c) => c.op !== 'add-container' || !c.dn.startsWith('ou=people'));
      const results = await executePlan(clients, { ...plan, changes: rest }, { transaction: 100 });

      const failed = results.filter((r) => !r.ok);
      expect(failed.map((r) => [uidOf(r.change), /\(LDAP (\d+)\)$/.exec(r.error ?? '')?.[1]]).sort()).toEqual([
        ['agent.150', '68'],
        ['agent.77', '21'],
      ]);
      expect(failed.every((r) => r.error!.startsWith('+ add person agent.'))).toBe(true);
      expect(results.filter((r) => r.ok)).toHaveLength(rest.length - 2);
    } finally {
      await Promise.all(clients.map(closeQuietly));
    }
    const { searchEntries: people } = await admin.search(`ou=people,${TEST_SUFFIX}`, { scope: 'one', filter: '(uid=*)', attributes: ['uid', 'cn'] });
    const ids = new Set(people.map((e) => String(e.uid)));
    expect(ids.size).toBe(299);
    expect(ids.has('agent.77')).toBe(false);
    // The other writer's entry is left as they made it; agent.150's batch neighbours landed.
    expect(people.find((e) => e.uid === 'agent.150')?.cn).toBe('Added Elsewhere');
    for (const id of ['agent.100', 'agent.149', 'agent.151', 'agent.199', 'agent.76', 'agent.78']) expect(ids.has(id)).toBe(true);
  });
});
