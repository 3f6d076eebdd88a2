// One account at a time, for callers that manage people individually (the Pulumi
// Account resource, onboarding): the same plan and apply as a full sync, scoped to one
// person, so other people and other members of the role groups are never touched.
import type { Person } from '../people/model.js';
import { closeQuietly, connect, isLdapResult } from './client.js';
import { syncDirectory, type SyncReport } from './apply.js';
import { desiredState, layoutFor, roleDN } from './layout.js';
import { findPerson, type FoundPerson } from './person.js';
import type { ConnectionSettings } from './settings.js';

/** Creates or updates the person's entry and role membership (and disables them if expired). */
export function upsertAccount(s: ConnectionSettings, person: Person, roles: readonly string[], today: string): Promise<SyncReport> {
  return syncDirectory(s, desiredState(s.base, [person], roles, today), { only: [person.id] });
}

/** Locks the account and takes it out of every role group; nothing is deleted. */
export function disableAccount(s: ConnectionSettings, id: string, roles: readonly string[], today: string): Promise<SyncReport> {
  return syncDirectory(s, desiredState(s.base, [], roles, today), { only: [id] });
}

/** What the directory holds for this login, if anything. */
export async function readAccount(s: ConnectionSettings, id: string): Promise<FoundPerson | undefined> {
  const client = await connect(s);
  try {
    return (await findPerson(client, layoutFor(s.base), id))[0];
  } finally {
    await closeQuietly(client);
  }
}

/** Creates the role group if it is missing (holding outpost's placeholder); members are untouched. */
export function ensureRole(s: ConnectionSettings, role: string, today: string): Promise<SyncReport> {
  return syncDirectory(s, desiredState(s.base, [], [role], today), { only: [] });
}

/**
 * Removes a role group that no one is in any more. A group with members is refused:
 * removing it would cut their access without a trace in the people files.
 */
export async function removeRole(s: ConnectionSettings, role: string): Promise<'removed' | 'absent'> {
  const l = layoutFor(s.base);
  const client = await connect(s);
  try {
    const dn = roleDN(l, role);
    const found = await client.search(dn, { scope: 'base', filter: '(objectClass=groupOfNames)', attributes: ['member'] }).catch((e: unknown) => {
      if (isLdapResult(e) && e.code === 32) return undefined;
      throw e;
    });
    const entry = found?.searchEntries[0];
    if (!entry) return 'absent';
    const members = [entry.member ?? []].flat().map(String).filter((m) => m.toLowerCase() !== l.placeholder.toLowerCase());
    if (members.length) throw new Error(`role group ${role} still has ${members.length} member(s); offboard them or change their roles first`);
    await client.del(dn);
    return 'removed';
  } finally {
    await closeQuietly(client);
  }
}
