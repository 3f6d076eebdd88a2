// Controls over the directory: what slapd holds now, against the people files and the date.
import { isExpired, type Person } from '../../people/index.js';
import type { AccountState, AuditInputs, AuditObject } from '../model.js';
import { roleInScope, type Control, type ControlContext } from './types.js';

const needsAccounts = (ctx: ControlContext) => (ctx.inputs.accounts ? undefined : 'needs the directory (--against directory or all, with a reachable directory)');

const byId = new WeakMap<object, ReadonlyMap<string, Person>>();

/** People by login, indexed once per people set: the directory holds 11,670 accounts. */
function personOf(ctx: ControlContext, id: string): Person | undefined {
  const people = ctx.inputs.people;
  if (!people) return undefined;
  let index = byId.get(people);
  if (!index) byId.set(people, (index = new Map(people.people.map((p) => [p.id, p]))));
  return index.get(id);
}

// Three controls walk the same accounts: each account's object is made once per audit.
const objects = new WeakMap<AuditInputs, Map<AccountState, AuditObject>>();

function accountObject(ctx: ControlContext, a: AccountState): AuditObject {
  let made = objects.get(ctx.inputs);
  if (!made) objects.set(ctx.inputs, (made = new Map()));
  let o = made.get(a);
  if (!o) {
    const person = personOf(ctx, a.id);
    o = person ? { kind: 'account', id: `account/${a.id}`, site: person.site, at: person.source } : { kind: 'account', id: `account/${a.id}` };
    made.set(a, o);
  }
  return o;
}

export const totpEnrolled: Control = {
  id: 'totp-enrolled',
  needs: ['directory'],
  missing: needsAccounts,
  *run(ctx) {
    for (const a of ctx.inputs.accounts ?? []) {
      const roles = a.roles.filter((r) => roleInScope(ctx, r));
      if (a.locked || !roles.length) continue;
      yield { object: accountObject(ctx, a), against: 'directory', ...(a.totp ? {} : { problem: `${a.id} is in VPN role${roles.length > 1 ? 's' : ''} ${roles.join(', ')} with no TOTP token enrolled` }) };
    }
  },
};

export const expiredAccountsDisabled: Control = {
  id: 'expired-accounts-disabled',
  needs: ['directory'],
  missing: needsAccounts,
  *run(ctx) {
    const { date } = ctx.inputs;
    for (const a of ctx.inputs.accounts ?? []) {
      if (a.locked) continue;
      const person = personOf(ctx, a.id);
      const ended = [
        ...(a.endDate && a.endDate < date ? [`the directory's expiry ${a.endDate}`] : []),
        ...(person && isExpired(person, date) ? [`the end date ${person.endDate} in ${person.source.file}:${person.source.line}`] : []),
      ];
      yield { object: accountObject(ctx, a), against: 'directory', ...(ended.length ? { problem: `${a.id} is enabled past ${ended.join(' and ')}` } : {}) };
    }
  },
};

export const noOrphanAccounts: Control = {
  id: 'no-orphan-accounts',
  needs: ['directory'],
  missing: (ctx) => needsAccounts(ctx) ?? (ctx.inputs.people ? undefined : 'needs the people files to know who should have an account'),
  *run(ctx) {
    for (const a of ctx.inputs.accounts ?? []) {
      // Leavers are locked and kept on purpose (offboarding never deletes); only enabled ones matter.
      if (a.locked) continue;
      yield {
        object: accountObject(ctx, a),
        against: 'directory',
        ...(personOf(ctx, a.id) ? {} : { problem: `${a.id} (${a.dn}) is enabled${a.roles.length ? ` and in ${a.roles.join(', ')}` : ''} but is in no people file` }),
      };
    }
  },
};
