// One account at a time, for callers that manage people individually (the Pulumi
// Account resource, onboarding): the same plan and apply as a full sync, scoped to one
// person, so other people and other members of the role groups are never touched.
import type { Person } from '../people/model.js';
import { closeQuietly, connect } from './client.js';
import { syncDirectory, type SyncReport } from './apply.js';
import { desiredState, layoutFor } from './layout.js';
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
