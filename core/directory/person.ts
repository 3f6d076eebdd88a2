// Looking one person up by login, the way offboarding and the kit do. The login comes
// from a command line, so the filter is built with escaping, never by concatenation.
import type { Client } from 'ldapts';
import { eqFilter } from './escape.js';
import type { Layout } from './layout.js';

export interface FoundPerson {
  readonly dn: string;
  readonly uid: string;
  readonly memberOf: readonly string[];
  readonly locked: boolean;
  readonly enrolled: boolean;
}

export async function findPerson(client: Client, l: Layout, id: string): Promise<FoundPerson[]> {
  const res = await client.search(l.people, {
    scope: 'one',
    filter: `(&(objectClass=inetOrgPerson)${eqFilter('uid', id)})`,
    attributes: ['uid', 'memberOf', 'pwdAccountLockedTime', 'objectClass'],
  });
  const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
  return res.searchEntries.map((e) => ({
    dn: e.dn,
    uid: list(e.uid)[0] ?? '',
    memberOf: list(e.memberOf),
    locked: list(e.pwdAccountLockedTime).length > 0,
    enrolled: list(e.objectClass).some((c) => c.toLowerCase() === 'oathtotpuser'),
  }));
}
