// What the directory holds, account by account, for the audit: locked or not, when it
// ends, whether a TOTP token is enrolled, which role groups it is in. Read-only.
import type { Client, Entry } from 'ldapts';
import { closeQuietly, connect, isLdapResult } from './client.js';
import { DISABLED, layoutFor } from './layout.js';
import type { CurrentPerson, CurrentState } from './plan.js';
import type { ConnectionSettings } from './settings.js';

export interface AccountSnapshot {
  readonly id: string;
  readonly dn: string;
  readonly locked: boolean;
  /** Last day the account may be used (YYYY-MM-DD). */
  readonly endDate?: string;
  readonly totp: boolean;
  readonly roles: readonly string[];
}

const DAY = 86_400_000;

/** shadowExpire counts days since 1970 and is the first day the account is refused. */
function lastDay(shadowExpire: string | undefined): string | undefined {
  const n = Number(shadowExpire);
  return shadowExpire !== undefined && Number.isInteger(n) && n > 0 ? new Date((n - 1) * DAY).toISOString().slice(0, 10) : undefined;
}

/** Pure: the read state as one record per account, sorted by id. */
export function accountsOf(state: CurrentState): AccountSnapshot[] {
  const rolesOf = new Map<string, string[]>();
  for (const [role, g] of state.roles) {
    for (const m of g.members) {
      const roles = rolesOf.get(m);
      if (roles) roles.push(role);
      else rolesOf.set(m, [role]);
    }
  }
  // Expiry days repeat across thousands of accounts: each is turned into a date once
  // (null: not a date), one lookup per account.
  const days = new Map<string | undefined, string | null>();
  const dayOf = (raw: string | undefined) => {
    let day = days.get(raw);
    if (day === undefined) days.set(raw, (day = lastDay(raw) ?? null));
    return day ?? undefined;
  };
  const out: AccountSnapshot[] = [];
  for (const p of state.people.values()) {
    const end = dayOf(p.attrs.shadowexpire?.[0]);
    // Field by field in the record's order: a conditional spread per account costs more than the rest.
    const a: { -readonly [K in keyof AccountSnapshot]: AccountSnapshot[K] } = { id: p.id, dn: p.dn, locked: p.attrs.pwdaccountlockedtime?.[0] === DISABLED } as AccountSnapshot;
    if (end) a.endDate = end;
    a.totp = (p.attrs.oathtotptoken?.length ?? 0) > 0;
    a.roles = (rolesOf.get(p.dn.toLowerCase()) ?? []).sort();
    out.push(a);
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Only what the audit looks at: a fraction of the attributes a sync reads, so 11,670 accounts come back fast. */
const AUDIT_ATTRS = ['uid', 'pwdAccountLockedTime', 'shadowExpire', 'oathTOTPToken'];

/**
 * Every entry one level under `base`, page by page, each turned into what the caller keeps
 * as its page arrives (the decoded entries of 11,670 accounts need not all live at once);
 * none when `base` does not exist yet.
 */
async function entries<T>(client: Client, base: string, filter: string, attributes: string[], pageSize: number, keep: (e: Entry) => T | undefined): Promise<T[]> {
  const out: T[] = [];
  try {
    for await (const page of client.searchPaginated(base, { scope: 'one', filter, attributes, paged: { pageSize } })) {
      for (const e of page.searchEntries) {
        const kept = keep(e);
        if (kept !== undefined) out.push(kept);
      }
    }
  } catch (e) {
    if (isLdapResult(e) && e.code === 32) return [];
    throw e;
  }
  return out;
}

export async function readAccounts(s: ConnectionSettings): Promise<AccountSnapshot[]> {
  const client = await connect(s);
  const l = layoutFor(s.base);
  try {
    // Attribute names come back as the server spells them, the same few on every entry.
    const names = new Map<string, string>();
    const lower = (k: string) => names.get(k) ?? names.set(k, k.toLowerCase()).get(k)!;
    const person = (e: Entry): CurrentPerson | undefined => {
      const attrs: Record<string, string[]> = {};
      for (const k in e) {
        if (k === 'dn') continue;
        const v = e[k]!;
        // Values are strings but for attributes asked for as buffers (none here): kept, not copied.
        attrs[lower(k)] = typeof v === 'string' ? [v] : Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : [v].flat().map(String);
      }
      const id = attrs.uid?.[0];
      return id ? { id, dn: e.dn, attrs } : undefined;
    };
    // One search after the other: a server keeps one paged search per connection (OpenLDAP
    // refuses the first one's cookie once a second one starts).
    const people = new Map<string, CurrentPerson>();
    for (const p of await entries(client, l.people, '(uid=*)', AUDIT_ATTRS, 2000, person)) people.set(p.id, p);
    const roles = new Map<string, { dn: string; members: string[] }>();
    const groups = await entries(client, l.roles, '(objectClass=groupOfNames)', ['cn', 'member'], 50, (e) => e);
    for (const e of groups) {
      const cn = [e.cn ?? []].flat().map(String)[0];
      if (cn) roles.set(cn, { dn: e.dn, members: [e.member ?? []].flat().map((m) => String(m).toLowerCase()) });
    }
    return accountsOf({ containers: new Set(), people, roles });
  } finally {
    await closeQuietly(client);
  }
}
