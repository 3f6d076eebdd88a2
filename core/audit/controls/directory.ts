// Controls over the directory: what slapd holds now, against the people files and the date.
import { isExpired, type Person } from '../../people/index.js';
import type { AccountState, AuditInputs, AuditObject } from '../model.js';
import { roleInScope, type Control, type ControlContext } from './types.js';

const needsAccounts = (ctx: ControlContext) => (ctx.inputs.accounts ? undefined : 'needs the directory (--against directory or all, with a reachable directory)');

/** An account as the three controls see it: its person in the people files (if any) and its audit object. */
interface Seen {
  readonly account: AccountState;
  readonly person: Person | undefined;
  readonly object: AuditObject;
}

// The three controls walk the same 11,670 accounts: each is matched to its person and
// given its object once per audit, not once per control.
const seenOf = new WeakMap<AuditInputs, readonly Seen[]>();

function accountsSeen(ctx: ControlContext): readonly Seen[] {
  let seen = seenOf.get(ctx.inputs);
  if (seen) return seen;
  const byId = new Map<string, Person>();
  for (const p of ctx.inputs.people?.people ?? []) byId.set(p.id, p);
  const out: Seen[] = [];
  for (const account of ctx.inputs.accounts ?? []) {
    const person = byId.get(account.id);
    const object: AuditObject = person ? { kind: 'account', id: `account/${account.id}`, site: person.site, at: person.source } : { kind: 'account', id: `account/${account.id}` };
    out.push({ account, person, object });
  }
  seenOf.set(ctx.inputs, (seen = out));
  return seen;
}

export const totpEnrolled: Control = {
  id: 'totp-enrolled',
  needs: ['directory'],
  missing: needsAccounts,
  *run(ctx) {
    // Every role is in scope unless the scope names some: then only those.
    const inScope = ctx.def.scope.roles.length ? (r: string) => roleInScope(ctx, r) : undefined;
    for (const { account: a, object } of accountsSeen(ctx)) {
      const roles = inScope ? a.roles.filter(inScope) : a.roles;
      if (a.locked || !roles.length) continue;
      yield a.totp ? { object, against: 'directory' } : { object, against: 'directory', problem: `${a.id} is in VPN role${roles.length > 1 ? 's' : ''} ${roles.join(', ')} with no TOTP token enrolled` };
    }
  },
};

export const expiredAccountsDisabled: Control = {
  id: 'expired-accounts-disabled',
  needs: ['directory'],
  missing: needsAccounts,
  *run(ctx) {
    const { date } = ctx.inputs;
    for (const { account: a, person, object } of accountsSeen(ctx)) {
      if (a.locked) continue;
      const directory = !!a.endDate && a.endDate < date;
      const files = person !== undefined && isExpired(person, date);
      if (!directory && !files) {
        yield { object, against: 'directory' };
        continue;
      }
      const ended = [...(directory ? [`the directory's expiry ${a.endDate}`] : []), ...(files ? [`the end date ${person.endDate} in ${person.source.file}:${person.source.line}`] : [])];
      yield { object, against: 'directory', problem: `${a.id} is enabled past ${ended.join(' and ')}` };
    }
  },
};

export const noOrphanAccounts: Control = {
  id: 'no-orphan-accounts',
  needs: ['directory'],
  missing: (ctx) => needsAccounts(ctx) ?? (ctx.inputs.people ? undefined : 'needs the people files to know who should have an account'),
  *run(ctx) {
    for (const { account: a, person, object } of accountsSeen(ctx)) {
      // Leavers are locked and kept on purpose (offboarding never deletes); only enabled ones matter.
      if (a.locked) continue;
      yield person ? { object, against: 'directory' } : { object, against: 'directory', problem: `${a.id} (${a.dn}) is enabled${a.roles.length ? ` and in ${a.roles.join(', ')}` : ''} but is in no people file` };
    }
  },
};
