// The diff engine: desired state (from the people files) against current state (read
// from the directory) -> the exact list of changes. Pure; the driver reads and writes.
// It never deletes unless asked: leavers and expired staff are disabled and leave
// their role groups.
import { DISABLED, FIRST_UID, MANAGED, personDN, roleDN, type Attrs, type DesiredState } from './layout.js';

export interface CurrentPerson {
  readonly id: string;
  readonly dn: string;
  /** Attribute name in lower case -> values. */
  readonly attrs: Readonly<Record<string, readonly string[]>>;
}

export interface CurrentState {
  /** Lower-cased DNs of the containers that exist. */
  readonly containers: ReadonlySet<string>;
  readonly people: ReadonlyMap<string, CurrentPerson>;
  /** Role -> lower-cased member DNs as stored. */
  readonly roles: ReadonlyMap<string, { readonly dn: string; readonly members: readonly string[] }>;
}

export interface AttrChange {
  readonly attr: string;
  readonly from: readonly string[];
  readonly to: readonly string[];
}

export type Change =
  | { readonly op: 'add-container'; readonly dn: string; readonly attrs: Attrs }
  | { readonly op: 'add-person'; readonly id: string; readonly dn: string; readonly attrs: Attrs }
  | { readonly op: 'modify-person'; readonly id: string; readonly dn: string; readonly addClasses: readonly string[]; readonly changes: readonly AttrChange[] }
  | { readonly op: 'enable'; readonly id: string; readonly dn: string }
  | { readonly op: 'disable'; readonly id: string; readonly dn: string; readonly reason: 'leaver' | 'expired' }
  | { readonly op: 'add-role'; readonly role: string; readonly dn: string; readonly members: readonly string[]; readonly placeholder?: string }
  | { readonly op: 'add-to-role'; readonly role: string; readonly dn: string; readonly members: readonly string[] }
  | { readonly op: 'remove-from-role'; readonly role: string; readonly dn: string; readonly members: readonly string[]; readonly placeholder?: string }
  | { readonly op: 'delete-person'; readonly id: string; readonly dn: string };

export type ChangeOp = Change['op'];

export interface DirectoryPlan {
  readonly changes: readonly Change[];
  readonly summary: Readonly<Record<ChangeOp, number>>;
}

export interface PlanOptions {
  /** Delete entries of people no longer in the files (after a confirmation in the CLI). */
  readonly prune?: boolean;
  /**
   * Plan only these people (onboarding one agent): other people, leavers and other
   * members of the role groups are out of scope and left as they are.
   */
  readonly only?: readonly string[];
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => {
  if (a.length !== b.length) return false;
  // Almost every managed attribute is single-valued: no sorting, no copies.
  if (a.length === 0) return true;
  if (a.length === 1) return a[0] === b[0];
  const s = [...a].sort();
  return [...b].sort().every((v, i) => v === s[i]);
};

const lockOf = (p: CurrentPerson) => p.attrs.pwdaccountlockedtime?.[0];

export function planDirectory(desired: DesiredState, current: CurrentState, options: PlanOptions = {}): DirectoryPlan {
  const changes: Change[] = [];
  for (const c of desired.containers) {
    if (!current.containers.has(c.dn.toLowerCase())) changes.push({ op: 'add-container', dn: c.dn, attrs: c.attrs });
  }

  let nextUid = FIRST_UID;
  for (const p of current.people.values()) {
    const n = Number(p.attrs.uidnumber?.[0]);
    if (Number.isInteger(n) && n >= nextUid) nextUid = n + 1;
  }

  const scope = options.only ? new Set(options.only) : undefined;
  const inScope = (id: string) => !scope || scope.has(id);
  const scopeDNs = scope
    ? new Set([...scope].flatMap((id) => [personDN(desired.layout, id), current.people.get(id)?.dn ?? '']).filter(Boolean).map((dn) => dn.toLowerCase()))
    : undefined;

  for (const [id, d] of desired.people) {
    if (!inScope(id)) continue;
    const cur = current.people.get(id);
    if (!cur) {
      const attrs: Record<string, readonly string[]> = { objectClass: d.objectClasses, uid: [id] };
      for (const a of MANAGED) if (d.attrs[a].length) attrs[a] = d.attrs[a];
      attrs.uidNumber = [String(nextUid++)];
      changes.push({ op: 'add-person', id, dn: d.dn, attrs });
      if (!d.active) changes.push({ op: 'disable', id, dn: d.dn, reason: 'expired' });
      continue;
    }
    const have = new Set((cur.attrs.objectclass ?? []).map((c) => c.toLowerCase()));
    const addClasses = d.objectClasses.filter((c) => !have.has(c.toLowerCase()));
    const attrChanges: AttrChange[] = [];
    for (const a of MANAGED) {
      const from = cur.attrs[a.toLowerCase()] ?? [];
      if (!sameSet(from, d.attrs[a])) attrChanges.push({ attr: a, from, to: d.attrs[a] });
    }
    if (!cur.attrs.uidnumber?.length) attrChanges.push({ attr: 'uidNumber', from: [], to: [String(nextUid++)] });
    if (addClasses.length || attrChanges.length) changes.push({ op: 'modify-person', id, dn: cur.dn, addClasses, changes: attrChanges });
    const locked = lockOf(cur) === DISABLED;
    if (d.active && locked) changes.push({ op: 'enable', id, dn: cur.dn });
    if (!d.active && !locked) changes.push({ op: 'disable', id, dn: cur.dn, reason: 'expired' });
  }

  const leavers: CurrentPerson[] = [];
  for (const [id, cur] of current.people) {
    if (desired.people.has(id) || !inScope(id)) continue;
    leavers.push(cur);
    if (lockOf(cur) !== DISABLED && !options.prune) changes.push({ op: 'disable', id, dn: cur.dn, reason: 'leaver' });
  }

  for (const [role, members] of desired.roles) {
    const scoped = scopeDNs ? members.filter((m) => scopeDNs.has(m.toLowerCase())) : members;
    const want = scoped.length || scopeDNs ? scoped : [desired.layout.placeholder];
    const cur = current.roles.get(role);
    if (!cur && scopeDNs && !want.length) {
      changes.push({ op: 'add-role', role, dn: roleDN(desired.layout, role), members: [desired.layout.placeholder], placeholder: desired.layout.placeholder });
      continue;
    }
    if (!cur) {
      changes.push({ op: 'add-role', role, dn: roleDN(desired.layout, role), members: want, placeholder: desired.layout.placeholder });
      continue;
    }
    const have = new Set(cur.members);
    const wantLower = new Set(want.map((m) => m.toLowerCase()));
    const add = want.filter((m) => !have.has(m.toLowerCase()));
    let remove = cur.members.filter((m) => !wantLower.has(m) && (!scopeDNs || scopeDNs.has(m)));
    if (scopeDNs) {
      // The placeholder is outpost's own: it goes once a real member stays in the group.
      const ph = desired.layout.placeholder.toLowerCase();
      const stays = cur.members.some((m) => m !== ph && !remove.includes(m)) || add.length > 0;
      if (stays && have.has(ph)) remove = [...remove, ph];
    }
    if (add.length) changes.push({ op: 'add-to-role', role, dn: cur.dn, members: add });
    if (remove.length) changes.push({ op: 'remove-from-role', role, dn: cur.dn, members: remove, placeholder: desired.layout.placeholder });
  }

  if (options.prune) for (const cur of leavers) changes.push({ op: 'delete-person', id: cur.id, dn: cur.dn });

  const summary = Object.fromEntries(
    (['add-container', 'add-person', 'modify-person', 'enable', 'disable', 'add-role', 'add-to-role', 'remove-from-role', 'delete-person'] as const).map((op) => [op, 0]),
  ) as Record<ChangeOp, number>;
  for (const c of changes) summary[c.op]++;
  return { changes, summary };
}

export function isEmptyPlan(plan: DirectoryPlan): boolean {
  return plan.changes.length === 0;
}

const shown = (v: readonly string[]) => (v.length ? v.join(', ') : '(none)');
const rdnValue = (dn: string) => /^[^=]+=((?:\\.|[^,])*)/.exec(dn)?.[1] ?? dn;

/** One line per change, the way `directory plan` prints it. */
export function describeChange(c: Change): string {
  switch (c.op) {
    case 'add-container':
      return `+ add ${c.dn}`;
    case 'add-person':
      return `+ add person ${c.id} (${[c.attrs.cn?.[0], c.attrs.ou?.[0], c.attrs.mail?.[0]].filter(Boolean).join(', ')})`;
    case 'modify-person':
      return `~ modify person ${c.id}: ${[...c.addClasses.map((o) => `objectClass +${o}`), ...c.changes.map((a) => `${a.attr} ${shown(a.from)} -> ${shown(a.to)}`)].join('; ')}`;
    case 'enable':
      return `~ enable ${c.id} (back in the people files)`;
    case 'disable':
      return `! disable ${c.id} (${c.reason === 'leaver' ? 'no longer in the people files' : 'contract ended'})`;
    case 'add-role': {
      // A group cannot be empty in LDAP: outpost's placeholder holds it, and is nobody.
      const people = c.members.filter((m) => m.toLowerCase() !== c.placeholder?.toLowerCase()).length;
      return `+ add role ${c.role} with ${people ? `${people} member(s)` : 'no member yet'}`;
    }
    case 'add-to-role':
      return `+ role ${c.role}: add ${c.members.map(rdnValue).join(', ')}`;
    case 'remove-from-role':
      return `- role ${c.role}: remove ${c.members.map(rdnValue).join(', ')}`;
    case 'delete-person':
      return `- DELETE person ${c.id} (${c.dn})`;
  }
}
