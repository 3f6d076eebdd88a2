// People files -> validated, frozen people. CSV (one row per agent) and YAML (a
// `people:` list) are both accepted; every problem in every file is reported at once
// with file:line:col, and on any error there are no people.
import { append, error, fail, hasErrors, ok, type Diagnostic, type Result, type SourceLocation } from '../diagnostics.js';
import { LIMITS } from '../input.js';
import { parseYaml, pathString } from '../inventory/source.js';
import { parseCsv, type Row } from './csv.js';
import { personFromFields, personSchema, type PersonInput } from './fields.js';
import { checkPeople, type Located } from './semantic.js';
import type { KnownNames, People, Person } from './model.js';

export interface PeopleFile {
  readonly file: string;
  readonly text: string;
}

/** CSV header -> person field. The order in a file is free; these are all there are. */
export const CSV_COLUMNS = ['id', 'given_name', 'surname', 'mail', 'site', 'roles', 'end_date', 'laptop_tag', 'laptop_mac', 'extension'] as const;
type Column = (typeof CSV_COLUMNS)[number];
const REQUIRED: readonly Column[] = ['id', 'given_name', 'surname', 'mail', 'site', 'roles'];
const FIELD_OF: Record<Column, string> = {
  id: 'id',
  given_name: 'givenName',
  surname: 'surname',
  mail: 'mail',
  site: 'site',
  roles: 'roles',
  end_date: 'endDate',
  laptop_tag: 'laptop.tag',
  laptop_mac: 'laptop.mac',
  extension: 'extension',
};

function csvPeople(file: string, text: string, diagnostics: Diagnostic[]): Located[] {
  const rows = parseCsv(file, text, diagnostics);
  const header = rows[0];
  if (!header) return [];
  const columns: (Column | undefined)[] = [];
  for (const c of header.cells) {
    const name = c.value.trim().toLowerCase() as Column;
    if (!CSV_COLUMNS.includes(name)) {
      diagnostics.push(error('unknown-column', `unknown column "${c.value}": columns are ${CSV_COLUMNS.join(', ')}`, { file, line: c.line, col: c.col }));
      columns.push(undefined);
    } else if (columns.includes(name)) {
      diagnostics.push(error('duplicate-column', `column "${name}" appears twice`, { file, line: c.line, col: c.col }));
      columns.push(undefined);
    } else columns.push(name);
  }
  for (const r of REQUIRED) {
    if (!columns.includes(r)) diagnostics.push(error('missing-column', `missing column "${r}"`, { file, line: header.line, col: 1 }));
  }
  if (hasErrors(diagnostics)) return [];

  // Where each field sits in a row, worked out once: locations are built only when asked for.
  const fieldIndex = new Map<string, number>();
  columns.forEach((col, i) => {
    if (col) fieldIndex.set(FIELD_OF[col], i);
  });
  // Each column's place in a row, -1 when the file has no such column.
  const place = (col: Column) => columns.indexOf(col);
  const ID = place('id');
  const GIVEN = place('given_name');
  const SURNAME = place('surname');
  const MAIL = place('mail');
  const SITE = place('site');
  const ROLES = place('roles');
  const END = place('end_date');
  const TAG = place('laptop_tag');
  const MAC = place('laptop_mac');
  const EXTENSION = place('extension');
  // A national file names a dozen sites and a few role lists thousands of times: each
  // spelling is kept once, so every later lookup by site or role (people checks, the plan,
  // the audit's counts) meets one string, not thousands of equal ones.
  const seen = new Map<string, string>();
  const same = (s: string | undefined): string | undefined => {
    if (s === undefined) return s;
    const first = seen.get(s);
    if (first !== undefined) return first;
    if (seen.size < 1024) seen.set(s, s);
    return s;
  };
  const out: Located[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    const values = row.values;
    if (values.length !== columns.length) {
      diagnostics.push(error('csv-columns', `row has ${values.length} fields, the header has ${columns.length}`, { file, line: row.line, col: 1 }));
      continue;
    }
    const v = (i: number) => {
      const s = i < 0 ? undefined : values[i]!.trim();
      return s === '' ? undefined : s;
    };
    const where = { file, line: row.line, col: 1 };
    const id = v(ID);
    const givenName = v(GIVEN);
    const surname = v(SURNAME);
    const mail = v(MAIL);
    const site = same(v(SITE));
    const roles = rolesOf(same(v(ROLES)));
    const endDate = v(END);
    const extension = v(EXTENSION);
    const tag = v(TAG);
    const mac = v(MAC);
    if (mac && !tag) {
      diagnostics.push(error('invalid-value', 'laptop_mac is given without laptop_tag', { ...cellAt(where, row, fieldIndex, 'laptop.mac'), path: 'laptop_mac' }));
      continue;
    }
    // Nearly every row is valid: made into the person at once (the loader keeps this object
    // as the person). A row with anything wrong goes through the schema, which says what.
    const person = personFromFields({ id, givenName, surname, mail, site, roles, endDate, extension, tag, mac });
    if (person) {
      out.push(new CsvRow(person, where, row, fieldIndex, true));
      continue;
    }
    const raw: Record<string, unknown> = { id: id ?? '', givenName: givenName ?? '', surname: surname ?? '', mail: mail ?? '', site: site ?? '', roles };
    if (endDate) raw.endDate = endDate;
    if (extension) raw.extension = extension;
    if (tag) raw.laptop = mac ? { tag, mac } : { tag };
    const parsed = personSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = issue.path.filter((p) => typeof p === 'string').join('.');
        const column = (Object.keys(FIELD_OF) as Column[]).find((c) => FIELD_OF[c] === key);
        diagnostics.push(error('invalid-value', issue.message, { ...cellAt(where, row, fieldIndex, key), path: column ?? key }));
      }
      continue;
    }
    out.push(new CsvRow(parsed.data, where, row, fieldIndex));
  }
  return out;
}

/** `a; b` -> [a, b]; most cells hold one role, kept as it is. */
function rolesOf(cell: string | undefined): string[] {
  if (cell === undefined) return [];
  if (!cell.includes(';')) return [cell];
  return cell
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Where a field of a CSV row is: its cell, or the row when the file has no such column. */
function cellAt(where: SourceLocation, row: Row, fields: ReadonlyMap<string, number>, field: string): SourceLocation {
  const i = fields.get(field);
  const c = i === undefined ? undefined : row.cells[i];
  return c ? { file: where.file, line: c.line, col: c.col } : where;
}

/** A person read from one CSV row: a field's location is looked up only when a diagnostic needs it. */
class CsvRow implements Located {
  constructor(
    readonly value: PersonInput,
    readonly where: SourceLocation,
    private readonly row: Row,
    private readonly fields: ReadonlyMap<string, number>,
    /** True when `value` was made here (not by the schema) and is the loader's to keep. */
    readonly made = false,
  ) {}

  at(field: string): SourceLocation {
    return cellAt(this.where, this.row, this.fields, field);
  }
}

function yamlPeople(file: string, text: string, diagnostics: Diagnostic[]): Located[] {
  const { source, diagnostics: syntax } = parseYaml(file, text);
  diagnostics.push(...syntax);
  if (!source) return [];
  const data = source.data as { people?: unknown } | null;
  const keys = data && typeof data === 'object' ? Object.keys(data) : [];
  for (const k of keys) {
    if (k !== 'people') diagnostics.push(error('unknown-field', `unknown field "${k}": a people file holds one list, people:`, { ...source.locateKey([k]), path: k }));
  }
  if (!Array.isArray(data?.people)) {
    diagnostics.push(error('invalid-value', 'expected a list under people:', { ...source.locate(['people']), path: 'people' }));
    return [];
  }
  const out: Located[] = [];
  data.people.forEach((item: unknown, i: number) => {
    const parsed = personSchema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) {
            const path = ['people', i, ...(issue.path as (string | number)[]), key];
            diagnostics.push(error('unknown-field', `unknown field "${key}"`, { ...source.locateKey(path), path: pathString(path) }));
          }
          continue;
        }
        const path = ['people', i, ...(issue.path as (string | number)[])];
        diagnostics.push(error('invalid-value', issue.message, { ...source.locate(path), path: pathString(path) }));
      }
      return;
    }
    out.push({
      value: parsed.data as PersonInput,
      where: source.locate(['people', i]),
      at: (f) => source.locate(['people', i, ...f.split('.')]),
    });
  });
  return out;
}

/** A person's roles without repeats, sorted (most have one or two). */
function uniqueSorted(roles: readonly string[]): string[] {
  if (roles.length === 1) return [roles[0]!];
  return [...new Set(roles)].sort();
}

/** Lines are counted before parsing: a file past the row limit is refused unread. */
function tooManyRows(f: PeopleFile, diagnostics: Diagnostic[]): boolean {
  let lines = 0;
  for (let i = f.text.indexOf('\n'); i >= 0 && lines <= LIMITS.peopleRows; i = f.text.indexOf('\n', i + 1)) lines++;
  if (lines <= LIMITS.peopleRows) return false;
  diagnostics.push(error('too-large', `more than ${LIMITS.peopleRows} lines in one people file: split it (see docs/limits.md)`, { file: f.file, line: LIMITS.peopleRows + 1, col: 1 }));
  return true;
}

/**
 * Validates people files against the roles of the access policy and the sites of the
 * inventory. Pure: takes file contents, returns people or located diagnostics.
 */
export function parsePeople(files: readonly PeopleFile[], known: KnownNames): Result<People> {
  const diagnostics: Diagnostic[] = [];
  const located: Located[] = [];
  for (const f of files) {
    if (tooManyRows(f, diagnostics)) continue;
    if (/\.csv$/i.test(f.file)) append(located, csvPeople(f.file, f.text, diagnostics));
    else if (/\.ya?ml$/i.test(f.file)) append(located, yamlPeople(f.file, f.text, diagnostics));
    else diagnostics.push(error('unknown-format', 'people files are .csv or .yaml', { file: f.file, line: 1, col: 1 }));
  }
  append(diagnostics, checkPeople(located, known));
  if (hasErrors(diagnostics)) return fail(diagnostics);
  const people: Person[] = located
    .map((l) => {
      const p = l.value;
      // A valid CSV row's person was made by the loader in the record's order: it becomes
      // the person, its roles and source set, rather than being copied field by field.
      if (l instanceof CsvRow && l.made) {
        const person = p as unknown as { -readonly [K in keyof Person]: Person[K] };
        person.roles = Object.freeze(p.roles.length === 1 ? p.roles : uniqueSorted(p.roles));
        person.source = l.where;
        return Object.freeze(person as Person);
      }
      // Built field by field in the record's order, once: conditional spreads and a copy
      // to freeze cost more than the rest of the row at national scale.
      const person: { -readonly [K in keyof Person]: Person[K] } = {
        id: p.id,
        givenName: p.givenName,
        surname: p.surname,
        mail: p.mail,
        site: p.site,
        roles: Object.freeze(uniqueSorted(p.roles)),
      } as Person;
      if (p.endDate) person.endDate = p.endDate;
      if (p.laptop) person.laptop = p.laptop.mac ? { tag: p.laptop.tag, mac: p.laptop.mac } : { tag: p.laptop.tag };
      if (p.extension) person.extension = p.extension;
      person.source = l.where;
      return Object.freeze(person);
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return ok(Object.freeze({ people: Object.freeze(people), files: files.map((f) => f.file) }), diagnostics);
}
