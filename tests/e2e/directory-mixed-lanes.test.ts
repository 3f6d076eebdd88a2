// A first apply where many new agents have already left (their end date is past): each
// of those is added and then locked, in order, while the others go out in bulk over the
// same add connections. Against a real slapd, with few requests allowed in flight so the
// two kinds of work compete for every slot: the apply finishes, every agent lands, and
// exactly the leavers are locked. (An early bulk sender counted the other kind's requests
// as its own and stopped for good once they filled its slots: the apply hung.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePeople } from '../../core/people/index.js';
import { DISABLED, desiredState, syncDirectory } from '../../core/directory/index.js';
import { startSlapd, TEST_SUFFIX, type TestSlapd } from '../support/slapd.js';

const ROLES = ['tracing-agent', 'vaccination-staff', 'care-staff'];
const HEADER = 'id,given_name,surname,mail,site,roles,end_date,laptop_tag,laptop_mac,extension';

let slapd: TestSlapd;
beforeAll(async () => {
  slapd = await startSlapd('mixed');
});
afterAll(async () => {
  await slapd?.stop();
});

describe('new agents, a third of whom have already left', () => {
  it('are all added, exactly the leavers locked, with the bulk adds and the add-then-lock lanes sharing each connection', async () => {
    const leaver = (i: number) => i % 3 === 0;
    const rows = Array.from({ length: 600 }, (_, i) => `agent.${i},Agent,Number,agent.${i}@crisis.example.lu,vac-lux,${ROLES[i % 3]},${leaver(i) ? '2021-01-31' : ''},,,`);
    const parsed = parsePeople([{ file: 'people/agents.csv', text: `${HEADER}\n${rows.join('\n')}\n` }], { roles: new Set(ROLES), sites: new Set(['vac-lux']) });
    if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'));
    const desired = desiredState(TEST_SUFFIX, parsed.value.people, ROLES, '2021-03-01');

    const report = await syncDirectory(slapd.settings, desired, { connections: 2, inFlight: 4 });
    expect(report.failed).toEqual([]);
    expect(report.plan.summary['add-person']).toBe(600);
    expect(report.plan.summary.disable).toBe(200);
    expect(report.results.filter((r) => r.ok)).toHaveLength(report.plan.changes.length);

    const admin = await slapd.admin();
    const { searchEntries } = await admin.search(`ou=people,${TEST_SUFFIX}`, { scope: 'one', filter: '(uid=*)', attributes: ['uid', 'pwdAccountLockedTime'] });
    expect(searchEntries).toHaveLength(600);
    const locked = searchEntries.filter((e) => e.pwdAccountLockedTime === DISABLED).map((e) => Number(String(e.uid).split('.')[1]));
    expect(locked.sort((a, b) => a - b)).toEqual(Array.from({ length: 600 }, (_, i) => i).filter(leaver));
    expect((await syncDirectory(slapd.settings, desired)).plan.changes).toEqual([]);
  }, 60_000);
});
