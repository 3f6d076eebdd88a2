// Strict patterns for every people field. Values reach LDAP entries, VPN and Wi-Fi
// profiles, XML and plists; escaping protects each format, and these patterns make sure
// nothing surprising reaches the escaping in the first place.
import { z } from 'zod';
import { field, matches } from '../inventory/patterns.js';

interface Pattern {
  readonly re: RegExp;
  readonly says: string;
}

export const PEOPLE_FIELDS = {
  id: { re: /^[a-z][a-z0-9._-]{1,31}$/, says: 'a login: lower-case letters, digits, . _ - starting with a letter (2-32)' },
  // Letters of any script with combining marks, spaces, apostrophes, dots and hyphens:
  // enough for Luxembourgish, French, Portuguese and German names.
  name: { re: /^\p{L}[\p{L}\p{M}' .-]{0,63}$/u, says: "a name: letters, spaces, ' . - (1-64), starting with a letter" },
  mail: { re: /^[a-z0-9][a-z0-9._%+-]{0,63}@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, says: 'a lower-case mail address such as marie.schmit@crisis.example.lu' },
  date: { re: /^\d{4}-\d{2}-\d{2}$/, says: 'a date as YYYY-MM-DD' },
  tag: { re: /^[A-Z0-9][A-Z0-9-]{2,23}$/, says: 'an asset tag: upper-case letters, digits and - (3-24)' },
  mac: { re: /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/, says: 'a MAC address such as 3c:52:82:1a:2b:3c' },
  extension: { re: /^[1-9][0-9]{2,5}$/, says: 'a phone extension: 3-6 digits, not starting with 0' },
  role: { re: /^[a-z][a-z0-9-]{0,30}$/, says: 'a role name: lower-case letters, digits and dashes' },
} as const satisfies Record<string, Pattern>;

export type PeopleField = keyof typeof PEOPLE_FIELDS;

export function peopleField(kind: PeopleField) {
  const p = PEOPLE_FIELDS[kind];
  return z.string({ error: `expected ${p.says}` }).regex(p.re, { error: (iss) => `invalid value ${JSON.stringify(iss.input)}: expected ${p.says}` });
}

export function isValid(kind: PeopleField, value: string): boolean {
  return PEOPLE_FIELDS[kind].re.test(value);
}

/** A real calendar date, not only the shape: 2021-02-30 is refused. */
export function isCalendarDate(s: string): boolean {
  if (!PEOPLE_FIELDS.date.re.test(s)) return false;
  // The days of the month by arithmetic (Gregorian leap years), as Date would round-trip
  // them: a national file holds thousands of end dates.
  // The pattern holds ASCII digits at these places: read as numbers without slicing.
  const digit = (i: number) => s.charCodeAt(i) - 0x30;
  const y = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
  const m = digit(5) * 10 + digit(6);
  const d = digit(8) * 10 + digit(9);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return m >= 1 && m <= 12 && d >= 1 && d <= (m === 2 ? (leap ? 29 : 28) : DAYS[m - 1]!);
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export const dateField = z
  .string({ error: `expected ${PEOPLE_FIELDS.date.says}` })
  .refine(isCalendarDate, { error: (iss) => `invalid date ${JSON.stringify(iss.input)}: expected a real calendar date as YYYY-MM-DD` });

/** MACs are accepted with `-` or upper case and stored in one form. */
export function normaliseMac(s: string): string {
  return s.trim().toLowerCase().replace(/-/g, ':');
}

/** One person as the schema sees it, whichever file format it came from. */
export const personSchema = z.strictObject({
  id: peopleField('id'),
  givenName: peopleField('name'),
  surname: peopleField('name'),
  mail: peopleField('mail'),
  site: field('name'),
  roles: z.array(peopleField('role')).min(1, { error: 'every person needs at least one role' }),
  endDate: dateField.optional(),
  laptop: z.strictObject({ tag: peopleField('tag'), mac: z.preprocess((v) => (typeof v === 'string' ? normaliseMac(v) : v), peopleField('mac')).optional() }).optional(),
  extension: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), peopleField('extension')).optional(),
});

export type PersonInput = z.infer<typeof personSchema>;

/** A person's fields as text: a CSV row's cells (trimmed, an empty one undefined), say. */
export interface PersonFields {
  readonly id: string | undefined;
  readonly givenName: string | undefined;
  readonly surname: string | undefined;
  readonly mail: string | undefined;
  readonly site: string | undefined;
  readonly roles: readonly string[];
  readonly endDate: string | undefined;
  readonly extension: string | undefined;
  readonly tag: string | undefined;
  readonly mac: string | undefined;
}

/**
 * The person when every field is valid, checked with the same patterns as the schema but
 * without building a parse context per row: national files hold 11,670 rows and nearly
 * all of them are valid. Built in the schema's field order, once. Undefined means "let
 * the schema say what is wrong".
 */
export function personFromFields(f: PersonFields): PersonInput | undefined {
  const { id, givenName, surname, mail, site, roles, endDate, extension, tag, mac } = f;
  if (id === undefined || !isValid('id', id) || givenName === undefined || !isValid('name', givenName) || surname === undefined || !isValid('name', surname)) return undefined;
  if (mail === undefined || !isValid('mail', mail) || site === undefined || !matches('name', site)) return undefined;
  if (!roles.length) return undefined;
  for (let i = 0; i < roles.length; i++) if (!isValid('role', roles[i]!)) return undefined;
  if (endDate !== undefined && !isCalendarDate(endDate)) return undefined;
  if (extension !== undefined && !isValid('extension', extension)) return undefined;
  // A MAC needs its laptop's tag; one already in form is not normalised again.
  if (tag === undefined ? mac !== undefined : !isValid('tag', tag)) return undefined;
  const normalMac = mac === undefined || isValid('mac', mac) ? mac : normaliseMac(mac);
  if (normalMac !== undefined && !isValid('mac', normalMac)) return undefined;
  const person: { -readonly [K in keyof PersonInput]: PersonInput[K] } = { id, givenName, surname, mail, site, roles: roles as string[] };
  if (endDate !== undefined) person.endDate = endDate;
  if (tag !== undefined) person.laptop = normalMac === undefined ? { tag } : { tag, mac: normalMac };
  if (extension !== undefined) person.extension = extension;
  return person;
}

/** personFromFields for a record as a file gives it (a YAML extension may be a number). */
export function validPerson(raw: Record<string, unknown>): PersonInput | undefined {
  const str = (v: unknown): v is string => typeof v === 'string';
  const text = (v: unknown): v is string | undefined => v === undefined || typeof v === 'string';
  const { id, givenName, surname, mail, site, roles, endDate, laptop } = raw;
  const extension = typeof raw.extension === 'number' ? String(raw.extension) : raw.extension;
  if (Object.keys(raw).some((k) => !PERSON_KEYS.has(k))) return undefined;
  if (!str(id) || !str(givenName) || !str(surname) || !str(mail) || !str(site) || !Array.isArray(roles) || !roles.every(str) || !text(endDate) || !text(extension)) return undefined;
  let tag: string | undefined;
  let mac: string | undefined;
  if (laptop !== undefined) {
    if (typeof laptop !== 'object' || laptop === null) return undefined;
    const l = laptop as { tag?: unknown; mac?: unknown };
    if (Object.keys(l).some((k) => k !== 'tag' && k !== 'mac') || !str(l.tag) || !text(l.mac)) return undefined;
    tag = l.tag;
    mac = l.mac;
  }
  return personFromFields({ id, givenName, surname, mail, site, roles, endDate, extension, tag, mac });
}

const PERSON_KEYS = new Set(['id', 'givenName', 'surname', 'mail', 'site', 'roles', 'endDate', 'laptop', 'extension']);
