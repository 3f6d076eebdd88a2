// The LDAP side of the driver: bound connections and a paged read of what outpost
// manages. ldapts does the protocol; this file knows outpost's layout.
import { readFileSync } from 'node:fs';
import { Client, ResultCodeError, type Entry } from 'ldapts';
import { readEntriesLean } from './ber-read.js';
import { eqFilter } from './escape.js';
import { MANAGED, personDN, type Layout } from './layout.js';
import type { CurrentPerson, CurrentState } from './plan.js';
import { readPassword, type ConnectionSettings } from './settings.js';

export async function connect(s: ConnectionSettings, opts: { timeoutMs?: number } = {}): Promise<Client> {
  const client = new Client({
    url: s.url,
    timeout: opts.timeoutMs ?? 30_000,
    connectTimeout: 10_000,
    ...(s.caFile ? { tlsOptions: { ca: readFileSync(s.caFile) } } : {}),
  });
  // Search result entries decoded in one pass (ber-read.ts): syncs and audits read thousands.
  readEntriesLean(client);
  await client.bind(s.bindDN, readPassword(s.passwordFile));
  return client;
}

/** LDAP answered with a result code: the operation failed, the connection is fine. */
export function isLdapResult(e: unknown): e is ResultCodeError {
  return e instanceof ResultCodeError;
}

export async function closeQuietly(c: Client | undefined): Promise<void> {
  try {
    await c?.unbind();
  } catch {
    /* already gone */
  }
}

const lowerKey = new Map<string, string>();

/** Entry -> lower-cased attribute names, string values; cheap, it runs 11,670 times a sync. */
function lowerAttrs(e: Entry): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const k in e) {
    if (k === 'dn') continue;
    let lk = lowerKey.get(k);
    if (lk === undefined) lowerKey.set(k, (lk = k.toLowerCase()));
    const v = e[k]!;
    if (Array.isArray(v)) {
      let strings = true;
      for (const x of v) if (typeof x !== 'string') strings = false;
      out[lk] = strings ? (v as string[]) : v.map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x)));
    } else out[lk] = [Buffer.isBuffer(v) ? v.toString('utf8') : v];
  }
  return out;
}

async function exists(client: Client, dn: string): Promise<boolean> {
  try {
    await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] });
    return true;
  } catch (e) {
    if (isLdapResult(e) && e.code === 32) return false;
    throw e;
  }
}

const PERSON_ATTRS = ['uid', 'objectClass', 'uidNumber', 'pwdAccountLockedTime', ...MANAGED];

/**
 * Reads the people, role groups and containers outpost manages, page by page. With
 * `only`, reads just those people and, for each group, whether they are in it: enough
 * to plan one onboarding without reading 11,670 entries.
 */
export async function readState(client: Client, layout: Layout, opts: { pageSize?: number; only?: readonly string[]; extraAttributes?: readonly string[] } = {}): Promise<CurrentState> {
  const containers = new Set<string>();
  const found = await Promise.all([layout.people, layout.roles].map(async (dn) => ((await exists(client, dn)) ? dn : undefined)));
  for (const dn of found) if (dn) containers.add(dn.toLowerCase());
  const only = opts.only;
  const pageSize = opts.pageSize ?? 2000;
  const attributes = opts.extraAttributes ? [...PERSON_ATTRS, ...opts.extraAttributes] : PERSON_ATTRS;

  const people = new Map<string, CurrentPerson>();
  const collect = (entries: Entry[]) => {
    for (const e of entries) {
      const attrs = lowerAttrs(e);
      const id = attrs.uid?.[0];
      if (id) people.set(id, { id, dn: e.dn, attrs });
    }
  };
  if (containers.has(layout.people.toLowerCase())) {
    if (only) {
      for (const id of only) {
        collect((await client.search(layout.people, { scope: 'one', filter: eqFilter('uid', id), attributes })).searchEntries);
      }
    } else {
      for await (const page of client.searchPaginated(layout.people, { scope: 'one', filter: '(uid=*)', attributes, paged: { pageSize } })) {
        collect(page.searchEntries);
      }
    }
  }

  const roles = new Map<string, { dn: string; members: string[] }>();
  if (containers.has(layout.roles.toLowerCase())) {
    const attributes = only ? ['cn'] : ['cn', 'member'];
    for await (const page of client.searchPaginated(layout.roles, { scope: 'one', filter: '(objectClass=groupOfNames)', attributes, paged: { pageSize: 50 } })) {
      for (const e of page.searchEntries) {
        const a = lowerAttrs(e);
        const cn = a.cn?.[0];
        if (cn) roles.set(cn, { dn: e.dn, members: (a.member ?? []).map((m) => m.toLowerCase()) });
      }
    }
    if (only) {
      for (const id of only) {
        const dn = personDN(layout, id);
        const hits = await client.search(layout.roles, { scope: 'one', filter: `(&(objectClass=groupOfNames)${eqFilter('member', dn)})`, attributes: ['cn'] });
        for (const e of hits.searchEntries) {
          const cn = lowerAttrs(e).cn?.[0];
          if (cn) roles.get(cn)?.members.push(dn.toLowerCase());
        }
      }
    }
  }
  return { containers, people, roles };
}
