// The Account and RoleGroup providers: one agent's directory entry and one role group as
// Pulumi resources, through core/directory's driver (the same plan and apply as
// `outpost directory apply`, scoped to one person or one group). Deleting an account
// disables it (locked, out of every role) as offboarding does; nothing is erased.
import type * as pulumi from '@pulumi/pulumi';
import { closeQuietly, connect, disableAccount, enrolPerson, ensureRole, generatePassword, layoutFor, newTotpSecret, otpauthUri, readAccount, removeRole, upsertAccount, type ConnectionSettings, type SyncReport } from '../../core/directory/index.js';
import type { Person } from '../../core/people/index.js';
import type { KitPerson } from '../types.js';

export type PersonInput = KitPerson;

export interface AccountInputs {
  readonly providerModule: string;
  readonly directory: ConnectionSettings;
  readonly person: PersonInput;
  /** Every role of the access policy (the groups the person may be in or out of). */
  readonly roles: readonly string[];
  /** Domain shown in the authenticator app. */
  readonly issuer: string;
}

export interface AccountOutputs extends AccountInputs {
  readonly dn: string;
  /** First password and TOTP enrolment, made at creation; Pulumi secrets. */
  readonly password: string;
  readonly otpauthUri: string;
  readonly locked: boolean;
  readonly memberOf: readonly string[];
}

const today = () => new Date().toISOString().slice(0, 10);
const person = (p: PersonInput): Person => ({ ...p, source: { file: 'pulumi', line: 1, col: 1 } });

function check(what: string, r: SyncReport): void {
  if (r.failed.length) throw new Error(`${what}: ${r.failed.map((f) => f.error).join('; ')}`);
}

async function state(i: AccountInputs): Promise<{ dn: string; locked: boolean; memberOf: string[] }> {
  const found = await readAccount(i.directory, i.person.id);
  if (!found) throw new Error(`${i.person.id}: not in the directory after apply`);
  return { dn: found.dn, locked: found.locked, memberOf: [...found.memberOf].sort() };
}

export const accountProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id: string, olds: AccountOutputs, news: AccountInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = olds.person.id !== news.person.id ? ['person'] : [];
    const changes = replaces.length > 0 || JSON.stringify(olds.person) !== JSON.stringify(news.person) || JSON.stringify(olds.roles) !== JSON.stringify(news.roles) || olds.locked;
    return { changes, replaces, deleteBeforeReplace: true };
  },

  async create(i: AccountInputs): Promise<pulumi.dynamic.CreateResult> {
    check(i.person.id, await upsertAccount(i.directory, person(i.person), i.roles, today()));
    const password = generatePassword();
    const secret = newTotpSecret();
    const client = await connect(i.directory);
    try {
      await enrolPerson(client, layoutFor(i.directory.base), i.person.id, { password, totpSecret: secret });
    } finally {
      await closeQuietly(client);
    }
    return { id: i.person.id, outs: { ...i, ...(await state(i)), password, otpauthUri: otpauthUri(secret, i.issuer, i.person.id) } };
  },

  async update(_id: string, olds: AccountOutputs, news: AccountInputs): Promise<pulumi.dynamic.UpdateResult> {
    check(news.person.id, await upsertAccount(news.directory, person(news.person), news.roles, today()));
    return { outs: { ...news, ...(await state(news)), password: olds.password, otpauthUri: olds.otpauthUri } };
  },

  async read(id: string, props: AccountOutputs): Promise<pulumi.dynamic.ReadResult> {
    const found = await readAccount(props.directory, id);
    // Gone from the directory: Pulumi drops it from the state and the next update recreates it.
    if (!found) return {};
    return { id, props: { ...props, dn: found.dn, locked: found.locked, memberOf: [...found.memberOf].sort() } };
  },

  async delete(id: string, props: AccountOutputs): Promise<void> {
    check(id, await disableAccount(props.directory, id, props.roles, today()));
  },
};

export interface RoleGroupInputs {
  readonly providerModule: string;
  readonly directory: ConnectionSettings;
  readonly role: string;
}

export const roleGroupProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id: string, olds: RoleGroupInputs, news: RoleGroupInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = olds.role !== news.role || olds.directory.base !== news.directory.base ? ['role'] : [];
    return { changes: replaces.length > 0, replaces };
  },
  async create(i: RoleGroupInputs): Promise<pulumi.dynamic.CreateResult> {
    check(i.role, await ensureRole(i.directory, i.role, today()));
    return { id: i.role, outs: { ...i } };
  },
  async delete(_id: string, props: RoleGroupInputs): Promise<void> {
    await removeRole(props.directory, props.role);
  },
};
