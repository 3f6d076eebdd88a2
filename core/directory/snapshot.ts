// What the directory holds, account by account, for the audit: locked or not, when it
// ends, whether a TOTP token is enrolled, which role groups it is in. Read-only.
import { closeQuietly, connect, readState } from './client.js';
import { DISABLED, layoutFor } from './layout.js';
import type { CurrentState } from './plan.js';
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
  for (const [role, g] of state.roles) for (const m of g.members) (rolesOf.get(m) ?? rolesOf.set(m, []).get(m)!).push(role);
  return [...state.people.values()]
    .map((p) => {
      const end = lastDay(p.attrs.shadowexpire?.[0]);
      return {
        id: p.id,
        dn: p.dn,
        locked: p.attrs.pwdaccountlockedtime?.[0] === DISABLED,
        ...(end ? { endDate: end } : {}),
        totp: (p.attrs.oathtotptoken?.length ?? 0) > 0,
        roles: (rolesOf.get(p.dn.toLowerCase()) ?? []).sort(),
      };
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function readAccounts(s: ConnectionSettings): Promise<AccountSnapshot[]> {
  const client = await connect(s);
  try {
    return accountsOf(await readState(client, layoutFor(s.base), { extraAttributes: ['oathTOTPToken'] }));
  } finally {
    await closeQuietly(client);
  }
}
