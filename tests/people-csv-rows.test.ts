// A national people file is read row by row on a fast path (core/people/load.ts): each
// CSV row must give the person the schema makes of it, or be refused, at its line, as
// the schema refuses it.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parsePeople, personSchema } from '../core/people/index.js';

describe('a helpdesk agent adds a row to the people file', () => {
  it('a CSV row read by the loader is the person the schema makes of it, or refused as the schema refuses it', () => {
    const field = (valid: string[], invalid: string[]) => fc.oneof({ arbitrary: fc.constantFrom(...valid), weight: 6 }, { arbitrary: fc.constantFrom(...invalid), weight: 1 });
    const row = fc.record({
      id: field(['marie.schmit', 'jo_2', ' anne-weber '], ['a', 'Marie', '']),
      given: field(['Marie', "d'Albuquerque", 'Zoë'], ['', '1abc']),
      surname: field(['Schmit', 'dos Santos', 'Ó'], ['x;y', '']),
      mail: field(['marie.schmit@crisis.example.lu', 'a.b@x.lu'], ['Marie@X.lu', 'nope']),
      site: field(['trc-findel', 'vac-esch'], ['Bad Site', '']),
      roles: field(['tracing-agent', 'helpdesk; crisis-cell', 'helpdesk;helpdesk'], ['', 'Bad Role', 'ok;']),
      end: field(['', '2027-12-31', '2028-02-29'], ['2021-02-30', '31/12/2027', '2027-02-29']),
      tag: field(['', 'LT-10001'], ['lt-1']),
      mac: field(['', '3c:52:82:00:00:01', '3C-52-82-00-00-01', ' 3c-52-82-00-00-0a'], ['zz', '3c:52:82:00:00']),
      extension: field(['', '2001'], ['0123', '12']),
    });
    const known = { roles: new Set(['tracing-agent', 'helpdesk', 'crisis-cell', 'ok']), sites: new Set(['trc-findel', 'vac-esch']) };
    let valid = 0;
    fc.assert(
      fc.property(row, (r) => {
        const text = `id,given_name,surname,mail,site,roles,end_date,laptop_tag,laptop_mac,extension\n${[r.id, r.given, r.surname, r.mail, r.site, r.roles, r.end, r.tag, r.mac, r.extension].join(',')}\n`;
        const got = parsePeople([{ file: 'people/p.csv', text }], known);
        // The row as the schema sees it: trimmed cells, empty ones left out, roles split at `;`.
        const cell = (s: string) => (s.trim() === '' ? undefined : s.trim());
        const raw: Record<string, unknown> = { id: cell(r.id) ?? '', givenName: cell(r.given) ?? '', surname: cell(r.surname) ?? '', mail: cell(r.mail) ?? '', site: cell(r.site) ?? '', roles: cell(r.roles)?.split(';').map((x) => x.trim()).filter(Boolean) ?? [] };
        if (cell(r.end)) raw.endDate = cell(r.end);
        if (cell(r.extension)) raw.extension = cell(r.extension);
        if (cell(r.tag)) raw.laptop = cell(r.mac) ? { tag: cell(r.tag), mac: cell(r.mac) } : { tag: cell(r.tag) };
        const schema = personSchema.safeParse(raw);
        if (schema.success && !(cell(r.mac) && !cell(r.tag))) {
          valid++;
          expect(got.ok).toBe(true);
          const { source, ...person } = got.ok ? got.value.people[0]! : ({} as never);
          expect(source).toEqual({ file: 'people/p.csv', line: 2, col: 1 });
          // Field for field and in the record's order.
          expect(JSON.stringify(person)).toBe(JSON.stringify({ ...schema.data, roles: [...new Set(schema.data.roles)].sort() }));
          expect(Object.isFrozen(got.ok && got.value.people[0]!.roles)).toBe(true);
        } else {
          expect(got.ok).toBe(false);
          expect(got.diagnostics.some((d) => d.severity === 'error' && d.file === 'people/p.csv' && d.line === 2)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
    // Both sides were exercised.
    expect(valid).toBeGreaterThan(100);
    expect(valid).toBeLessThan(1900);
  });
});
