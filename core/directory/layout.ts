// What the directory should hold for the people files: one entry per person under
// ou=people, one groupOfNames per role under ou=roles (memberOf on the people), posix and
// shadow attributes, and expiry and disabling the server enforces itself (password
// policy: pwdEndTime after the last working day, pwdAccountLockedTime for leavers).
import { escapeDnValue } from './escape.js';
import { displayName, isExpired, type Person } from '../people/model.js';

export type Attrs = Readonly<Record<string, readonly string[]>>;

export interface Layout {
  readonly base: string;
  readonly people: string;
  readonly roles: string;
  readonly policies: string;
  readonly totpParams: string;
  /** groupOfNames needs a member: an empty role holds this DN, which names nobody. */
  readonly placeholder: string;
}

/** Base DN from a DNS domain: crisis.example.lu -> dc=crisis,dc=example,dc=lu. */
export function baseFromDomain(domain: string): string {
  return domain
    .split('.')
    .map((p) => `dc=${escapeDnValue(p)}`)
    .join(',');
}

export function layoutFor(base: string): Layout {
  return {
    base,
    people: `ou=people,${base}`,
    roles: `ou=roles,${base}`,
    policies: `ou=policies,${base}`,
    totpParams: `cn=outpost-totp,ou=policies,${base}`,
    placeholder: `cn=nobody,${base}`,
  };
}

export const personDN = (l: Layout, id: string) => `uid=${escapeDnValue(id)},${l.people}`;
export const roleDN = (l: Layout, role: string) => `cn=${escapeDnValue(role)},${l.roles}`;

/** The permanent lock the password policy understands: "locked by an administrator". */
export const DISABLED = '000001010000Z';
/** Primary group of every agent; role groups carry the access. */
export const AGENTS_GID = '20000';
/** uidNumbers are handed out from here up, never reused. */
export const FIRST_UID = 20001;

/**
 * Attributes outpost owns on a person entry. Anything else (password, TOTP token,
 * attributes other tools add) is left alone; these are set to exactly what the files say.
 */
export const MANAGED = [
  'cn',
  'sn',
  'givenName',
  'displayName',
  'mail',
  'ou',
  'employeeType',
  'telephoneNumber',
  'macAddress',
  'gidNumber',
  'homeDirectory',
  'loginShell',
  'shadowExpire',
  'pwdEndTime',
] as const;

export const PERSON_CLASSES = ['inetOrgPerson', 'posixAccount', 'shadowAccount'] as const;

export interface DesiredPerson {
  readonly id: string;
  readonly dn: string;
  /** Managed attributes; an empty list means "must not be there". */
  readonly attrs: Readonly<Record<(typeof MANAGED)[number], readonly string[]>>;
  readonly objectClasses: readonly string[];
  /** Active people are unlocked and in their role groups; expired ones are disabled. */
  readonly active: boolean;
  readonly roles: readonly string[];
}

export interface DesiredState {
  readonly layout: Layout;
  readonly containers: readonly { readonly dn: string; readonly attrs: Attrs }[];
  readonly people: ReadonlyMap<string, DesiredPerson>;
  /** Role -> member DNs of active people, sorted. */
  readonly roles: ReadonlyMap<string, readonly string[]>;
}

const DAY = 86_400_000;

/** The first day after the last working day: when the account stops working. */
function dayAfter(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY);
}

export function generalizedTime(d: Date): string {
  return `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

export function desiredPerson(l: Layout, p: Person, today: string): DesiredPerson {
  const end = p.endDate ? dayAfter(p.endDate) : undefined;
  const one = (v: string | undefined) => (v === undefined ? [] : [v]);
  return {
    id: p.id,
    dn: personDN(l, p.id),
    objectClasses: p.laptop?.mac ? [...PERSON_CLASSES, 'ieee802Device'] : [...PERSON_CLASSES],
    attrs: {
      cn: [displayName(p)],
      sn: [p.surname],
      givenName: [p.givenName],
      displayName: [displayName(p)],
      mail: [p.mail],
      ou: [p.site],
      employeeType: [p.endDate ? 'temporary' : 'staff'],
      telephoneNumber: one(p.extension),
      macAddress: one(p.laptop?.mac),
      gidNumber: [AGENTS_GID],
      homeDirectory: [`/home/${p.id}`],
      loginShell: ['/usr/sbin/nologin'],
      shadowExpire: one(end ? String(Math.floor(end.getTime() / DAY)) : undefined),
      pwdEndTime: one(end ? generalizedTime(end) : undefined),
    },
    active: !isExpired(p, today),
    roles: p.roles,
  };
}

export function desiredState(base: string, people: readonly Person[], roles: readonly string[], today: string): DesiredState {
  const l = layoutFor(base);
  const desired = new Map<string, DesiredPerson>();
  const members = new Map<string, string[]>(roles.map((r) => [r, []]));
  for (const p of people) {
    const d = desiredPerson(l, p, today);
    desired.set(p.id, d);
    if (!d.active) continue;
    for (const r of p.roles) members.get(r)?.push(d.dn);
  }
  for (const list of members.values()) list.sort();
  return {
    layout: l,
    containers: [
      { dn: l.people, attrs: { objectClass: ['organizationalUnit'], ou: ['people'] } },
      { dn: l.roles, attrs: { objectClass: ['organizationalUnit'], ou: ['roles'] } },
    ],
    people: desired,
    roles: members,
  };
}
