// The gatekeeper's decision for one login: the directory says whether the password +
// code is right (a bind as the agent; slapd's otp overlay checks the code and refuses a
// replayed one, the password policy refuses locked and expired accounts), and which
// role groups the agent is in; the role picks the pool. Anything unexpected refuses.
import { Client, type Entry } from 'ldapts';
import { readFileSync } from 'node:fs';
import { layoutFor, personDN } from '../directory/layout.js';
import type { Leases } from './leases.js';
import type { GatewayDirectory } from './model.js';

export type Decision = { readonly allow: true; readonly role: string; readonly address: string } | { readonly allow: false; readonly reason: string; readonly logged: string };

const LOGIN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const DAY = 86_400_000;

export function newClient(d: GatewayDirectory, timeoutMs = 5_000): Client {
  return new Client({ url: d.url, timeout: timeoutMs, connectTimeout: timeoutMs, ...(d.caFile ? { tlsOptions: { ca: readFileSync(d.caFile) } } : {}) });
}

const str = (v: Entry[string] | undefined): string[] => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x))));

/** Role names of an entry's memberOf values that sit under ou=roles. */
export function rolesOf(entry: Entry, rolesBase: string): string[] {
  const suffix = `,${rolesBase}`.toLowerCase();
  return str(entry.memberOf ?? entry.memberof)
    .filter((dn) => dn.toLowerCase().endsWith(suffix))
    .map((dn) => /^cn=([^,]+)/i.exec(dn)?.[1] ?? '')
    .filter(Boolean);
}

/** Why an account read from the directory may not hold a session, or undefined when it may. */
export function refusal(entry: Entry, roles: readonly string[], poolOrder: readonly string[], now: number): string | undefined {
  if (str(entry.pwdAccountLockedTime ?? entry.pwdaccountlockedtime).length) return 'account locked';
  const expire = Number(str(entry.shadowExpire ?? entry.shadowexpire)[0]);
  if (Number.isInteger(expire) && expire > 0 && now >= expire * DAY) return 'account expired';
  if (!poolOrder.some((r) => roles.includes(r))) return 'no role with a VPN pool';
  return undefined;
}

export const ACCOUNT_ATTRS = ['uid', 'memberOf', 'pwdAccountLockedTime', 'shadowExpire'];

export async function decide(d: GatewayDirectory, poolOrder: readonly string[], leases: Leases, session: string, username: string, password: string, now = Date.now()): Promise<Decision> {
  if (!LOGIN.test(username)) return { allow: false, reason: 'login refused', logged: 'not a login name' };
  if (!password) return { allow: false, reason: 'login refused', logged: 'empty password' };
  const layout = layoutFor(d.base);
  const dn = personDN(layout, username);
  const client = newClient(d);
  try {
    try {
      await client.bind(dn, password);
    } catch (e) {
      const code = (e as { code?: number }).code;
      // 49: invalid credentials (wrong password or code, replayed code, locked, expired).
      if (code === 49) return { allow: false, reason: 'login refused', logged: 'directory refused the password and code' };
      return { allow: false, reason: 'directory unavailable', logged: `directory unreachable (${(e as Error).message}): refused` };
    }
    const { searchEntries } = await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: ACCOUNT_ATTRS });
    const entry = searchEntries[0];
    if (!entry) return { allow: false, reason: 'login refused', logged: 'account not readable' };
    const roles = rolesOf(entry, layout.roles);
    const why = refusal(entry, roles, poolOrder, now);
    if (why) return { allow: false, reason: 'login refused', logged: why };
    const role = poolOrder.find((r) => roles.includes(r))!;
    const address = leases.lease(session, role);
    if (!address) return { allow: false, reason: 'no address free', logged: `pool of role ${role} is full` };
    return { allow: true, role, address };
  } catch (e) {
    return { allow: false, reason: 'directory unavailable', logged: `directory error (${(e as Error).message}): refused` };
  } finally {
    await client.unbind().catch(() => undefined);
  }
}
