// The helpdesk's people files: validated like the rest of the inventory, every problem
// reported at file:line:col, nothing half-loaded.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../core/diagnostics.js';
import fc from 'fast-check';
import { generatePeople, loadPeople, parseCsv, parsePeople, peopleCsv, personSchema, type KnownNames } from '../core/people/index.js';
import { validPerson } from '../core/people/fields.js';

const known: KnownNames = {
  roles: new Set(['tracing-agent', 'vaccination-staff', 'care-staff', 'helpdesk', 'netadmin', 'crisis-cell']),
  sites: new Set(['trc-findel', 'vac-esch', 'vac-lux', 'cc-lux']),
};
const HEADER = 'id,given_name,surname,mail,site,roles,end_date,laptop_tag,laptop_mac,extension';
const GOOD = 'marie.schmit,Marie,Schmit,marie.schmit@crisis.example.lu,trc-findel,tracing-agent,2021-06-30,LT-10001,3C-52-82-00-00-01,2001';

const csv = (...rows: string[]) => [{ file: 'people/agents.csv', text: `${HEADER}\n${rows.join('\n')}\n` }];
const errors = (r: ReturnType<typeof parsePeople>) => r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);

describe('people files', () => {
  it('loads a CSV row into a typed, normalised person', () => {
    const r = parsePeople(csv(GOOD, 'anne.weber,Anne,Weber,anne.weber@crisis.example.lu,cc-lux,helpdesk;crisis-cell,,,,'), known);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [anne, marie] = r.value.people;
    expect(anne).toMatchObject({ id: 'anne.weber', roles: ['crisis-cell', 'helpdesk'], source: { file: 'people/agents.csv', line: 3 } });
    expect(anne).not.toHaveProperty('endDate');
    expect(marie).toMatchObject({ id: 'marie.schmit', endDate: '2021-06-30', extension: '2001', laptop: { tag: 'LT-10001', mac: '3c:52:82:00:00:01' } });
    expect(Object.isFrozen(marie)).toBe(true);
  });

  it('reports unknown roles and sites with the file, line and column of the cell', () => {
    const r = parsePeople(csv(GOOD.replace('tracing-agent', 'tracing-agnet').replace('trc-findel', 'trc-hamm')), known);
    expect(r.ok).toBe(false);
    expect(errors(r)).toEqual([
      expect.stringMatching(/^people\/agents\.csv:2:58: error: unknown site trc-hamm; sites are: trc-findel \(at site\) \[unknown-site\]$/),
      expect.stringMatching(/^people\/agents\.csv:2:67: error: unknown role tracing-agnet; roles in the access policy are: tracing-agent .*\[unknown-role\]$/),
    ]);
  });

  it('refuses duplicate ids, extensions, mails and MACs, naming the first use', () => {
    const dup = 'marie.schmit,Marie,Schmit,other@crisis.example.lu,vac-esch,vaccination-staff,,LT-10002,3c:52:82:00:00:01,2001';
    const r = parsePeople([...csv(GOOD), { file: 'people/more.csv', text: `${HEADER}\n${dup}\n` }], known);
    expect(r.ok).toBe(false);
    const e = errors(r);
    expect(e).toContainEqual(expect.stringMatching(/^people\/more\.csv:2:1: error: id marie\.schmit is also used by marie\.schmit \(people\/agents\.csv:2\).*\[duplicate-person\]/));
    expect(e).toContainEqual(expect.stringMatching(/extension 2001 is also used by marie\.schmit.*\[duplicate-extension\]/));
    expect(e).toContainEqual(expect.stringMatching(/MAC 3c:52:82:00:00:01 is also used.*\[duplicate-mac\]/));
  });

  it('refuses bad dates, mails, MACs and extensions with what was expected', () => {
    const r = parsePeople(
      csv(
        GOOD.replace('2021-06-30', '2021-02-30'),
        GOOD.replace(/marie\.schmit@crisis\.example\.lu/, 'Marie Schmit <m@x>').replace(/^marie\.schmit/, 'm2').replace('2001', '2002').replace(':01', ':02').replace('LT-10001', 'LT-2'),
        GOOD.replace(/^marie\.schmit/, 'm3').replace('3C-52-82-00-00-01', 'not-a-mac').replace('2001', '07').replace('LT-10001', 'LT-3').replace('marie.schmit@', 'm3@'),
      ),
      known,
    );
    const e = errors(r);
    expect(e).toContainEqual(expect.stringMatching(/agents\.csv:2:\d+: error: invalid date "2021-02-30": expected a real calendar date.*\(at end_date\)/));
    expect(e).toContainEqual(expect.stringMatching(/agents\.csv:3:\d+: error: invalid value "Marie Schmit <m@x>": expected a lower-case mail address.*\(at mail\)/));
    expect(e).toContainEqual(expect.stringMatching(/agents\.csv:4:\d+: error: invalid value "not:a:mac": expected a MAC address.*\(at laptop_mac\)/));
    expect(e).toContainEqual(expect.stringMatching(/agents\.csv:4:\d+: error: invalid value "07": expected a phone extension.*\(at extension\)/));
  });

  it('refuses LDAP injection attempts in ids and names before anything reaches the directory', () => {
    const attempts = ['*', 'x)(uid=*', 'admin,ou=roles', 'a\\2a', 'bob\u0000'];
    for (const id of attempts) {
      const r = parsePeople(csv(GOOD.replace(/^marie\.schmit/, `"${id.replace(/"/g, '""')}"`)), known);
      expect(r.ok, id).toBe(false);
      expect(errors(r)[0]).toMatch(/invalid value .*expected a login.*\(at id\)/);
    }
    const name = parsePeople(csv(GOOD.replace(',Schmit,', ',"Schmit)(objectClass=*",')), known);
    expect(errors(name)[0]).toMatch(/agents\.csv:2:\d+: error: invalid value .*expected a name.*\(at surname\)/);
  });

  it('accepts names of the people who actually work here', () => {
    const r = parsePeople(csv(GOOD.replace(',Marie,Schmit,', ",João,\"D'Almeida-Gonçalves\",").replace(',Schmit,', ',x,')), known);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.people[0]).toMatchObject({ givenName: 'João', surname: "D'Almeida-Gonçalves" });
  });

  it('reports CSV structure problems: unknown or missing columns, short rows, open quotes', () => {
    expect(errors(parsePeople([{ file: 'p.csv', text: 'id,given_name,surname,mail,site,role\n' }], known))).toEqual([
      'p.csv:1:33: error: unknown column "role": columns are id, given_name, surname, mail, site, roles, end_date, laptop_tag, laptop_mac, extension [unknown-column]',
      'p.csv:1:1: error: missing column "roles" [missing-column]',
    ]);
    expect(errors(parsePeople(csv('a,b'), known))).toEqual(['people/agents.csv:2:1: error: row has 2 fields, the header has 10 [csv-columns]']);
    const diags: Parameters<typeof parseCsv>[2] = [];
    const rows = parseCsv('q.csv', 'a,"open\nb,c\n', diags);
    expect(diags.map(formatDiagnostic)).toEqual(['q.csv:1:3: error: unterminated quoted field [csv-syntax]']);
    expect(rows).toEqual([]);
  });

  it('points at the cell in a Windows-saved file with notes, blank lines and quoted cells', () => {
    const marie = GOOD.replace('trc-findel', 'trc-hamm');
    const anne = '"anne.weber","Anne",Weber,anne.weber@crisis.example.lu,trc-hamm,helpdesk,,,,';
    const r = parsePeople([{ file: 'people/agents.csv', text: `# agents of the week\r\n${HEADER}\r\n\r\n${marie}\r\n${anne}\r\n` }], known);
    expect(errors(r)).toEqual([
      expect.stringMatching(/^people\/agents\.csv:4:58: error: unknown site trc-hamm; .*\[unknown-site\]$/),
      expect.stringMatching(/^people\/agents\.csv:5:56: error: unknown site trc-hamm; .*\[unknown-site\]$/),
    ]);
    const fixed = parsePeople([{ file: 'people/agents.csv', text: `# agents of the week\r\n${HEADER}\r\n\r\n${GOOD}\r\n${anne.replace('trc-hamm', 'cc-lux')}\r\n` }], known);
    expect(fixed.ok && fixed.value.people.map((p) => [p.id, p.givenName, p.extension ?? '-', p.source.line])).toEqual([
      ['anne.weber', 'Anne', '-', 5],
      ['marie.schmit', 'Marie', '2001', 4],
    ]);
  });

  it('reads YAML people files with the same checks and YAML locations', () => {
    const yaml = `people:\n  - id: lea.klein\n    givenName: Lea\n    surname: Klein\n    mail: lea.klein@crisis.example.lu\n    site: vac-lux\n    roles: [vaccination-staff]\n    extension: 3001\n  - id: max.ries\n    givenName: Max\n    surname: Ries\n    mail: max.ries@crisis.example.lu\n    site: vac-lux\n    roles: [pilot]\n    badge: 4\n`;
    const r = parsePeople([{ file: 'people/extra.yaml', text: yaml }], known);
    expect(errors(r)).toEqual(['people/extra.yaml:15:5: error: unknown field "badge" (at people[1].badge) [unknown-field]']);
    const fixed = parsePeople([{ file: 'people/extra.yaml', text: yaml.replace('    badge: 4\n', '') }], known);
    expect(errors(fixed)).toEqual([expect.stringMatching(/^people\/extra\.yaml:14:12: error: unknown role pilot/)]);
    const good = parsePeople([{ file: 'people/extra.yaml', text: yaml.replace('    badge: 4\n', '').replace('[pilot]', '[helpdesk]') }], known);
    expect(good.ok && good.value.people.map((p) => [p.id, p.extension ?? '-'])).toEqual([
      ['lea.klein', '3001'],
      ['max.ries', '-'],
    ]);
  });

  it('round-trips generated people through CSV, at national scale', () => {
    const sites = [...known.sites].map((code) => ({ code, kind: code.startsWith('trc') ? 'tracing' : code.startsWith('vac') ? 'vaccination' : 'crisis-cell' }));
    const people = generatePeople({ count: 11_670, sites, roles: [...known.roles], domain: 'crisis.example.lu' });
    const r = parsePeople([{ file: 'all.csv', text: peopleCsv(people) }], known);
    expect(errors(r)).toEqual([]);
    expect(r.ok && r.value.people.length).toBe(11_670);
    expect(r.ok && r.value.people.map(({ source, ...p }) => p)).toEqual(people);
  });

  it('loads the example people of the inventory', () => {
    const r = loadPeople('inventory/people', {
      roles: known.roles,
      sites: new Set(['act-belval', 'act-ettel', 'act-grev', 'act-lux', 'cc-lux', 'cs-esch', 'cs-kirch', 'trc-findel', 'vac-esch', 'vac-ettel', 'vac-findel', 'vac-lux', 'vac-mondorf']),
    });
    expect(errors(r)).toEqual([]);
    expect(r.ok && r.value.people.length).toBeGreaterThanOrEqual(300);
    expect(r.ok && new Set(r.value.people.map((p) => p.site)).size).toBe(13);
  });
});

describe('the fast path for valid rows', () => {
  it('gives exactly what the schema gives, and nothing where the schema refuses', () => {
    // Each field mostly valid, sometimes not, so rows with one bad field are common.
    const field = (valid: unknown[], invalid: unknown[]) =>
      fc.oneof({ arbitrary: fc.constantFrom(...valid), weight: 6 }, { arbitrary: fc.constantFrom(...invalid), weight: 1 });
    const raw = fc.record(
      {
        id: field(['marie.schmit', 'jo_2', 'anne-weber'], ['a', 'Marie', 'x'.repeat(40), '*)(uid=*']),
        givenName: field(['Marie', "d'Albuquerque", 'Zoë'], ['', '1abc', 'Ann\nX']),
        surname: field(['Schmit', 'dos Santos', 'Ó'], [' lead', 'x;y']),
        mail: field(['marie.schmit@crisis.example.lu', 'a.b@x.lu'], ['Marie@X.lu', 'nope', 'a@b.c']),
        site: field(['trc-findel', 'vac-esch'], ['Bad Site', '']),
        roles: field([['tracing-agent'], ['helpdesk', 'crisis-cell']], [[], ['Bad Role'], ['ok', '']]),
        endDate: field([undefined, '2027-12-31'], ['2021-02-30', '31/12/2027']),
        extension: field([undefined, '2001', 2001], ['0123', '12', 12]),
        laptop: field([undefined, { tag: 'LT-10001' }, { tag: 'LT-10001', mac: '3C-52-82-00-00-01' }], [{ tag: 'lt-1' }, { tag: 'LT-10001', mac: 'zz' }, { mac: '3c:52:82:00:00:01' }]),
      },
      { requiredKeys: ['id', 'givenName', 'surname', 'mail', 'site', 'roles'] },
    );
    let valid = 0;
    fc.assert(
      fc.property(raw, (r) => {
        const input = Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
        const schema = personSchema.safeParse(input);
        const quick = validPerson(input);
        if (schema.success) {
          valid++;
          expect(quick).toEqual(schema.data);
        } else expect(quick).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
    // Both sides were exercised.
    expect(valid).toBeGreaterThan(300);
    expect(valid).toBeLessThan(2700);
  });
});
