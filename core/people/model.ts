// The people the directory and the kits are built from: one record per agent, validated
// and frozen by the loader. Nothing after the loader sees a raw CSV cell.
import type { SourceLocation } from '../diagnostics.js';

export interface Laptop {
  /** Asset tag on the laptop's label, e.g. LT-20417. */
  readonly tag: string;
  /** Wired/wireless MAC, lower-case colon form. */
  readonly mac?: string;
}

export interface Person {
  /** Login and directory uid: lower-case letters, digits, `.`, `_`, `-`. */
  readonly id: string;
  readonly givenName: string;
  readonly surname: string;
  readonly mail: string;
  /** Site code from the inventory. */
  readonly site: string;
  /** Role names from the access policy, sorted, no duplicates, at least one. */
  readonly roles: readonly string[];
  /** Last working day of temporary staff (YYYY-MM-DD); the account expires after it. */
  readonly endDate?: string;
  readonly laptop?: Laptop;
  /** Phone extension on the PBX. */
  readonly extension?: string;
  readonly source: SourceLocation;
}

export interface People {
  /** Sorted by id. */
  readonly people: readonly Person[];
  /** Files read, in the order read. */
  readonly files: readonly string[];
}

/** What the people files are checked against: names the inventory and the policy define. */
export interface KnownNames {
  readonly roles: ReadonlySet<string>;
  readonly sites: ReadonlySet<string>;
  /**
   * When given, every person must land in a zone on site (RADIUS: staff SSID, 802.1X
   * ports): the policy's roles in order with their zones, and each site's zones.
   */
  readonly landing?: {
    readonly roles: readonly { readonly name: string; readonly zone?: string }[];
    readonly siteZones: ReadonlyMap<string, ReadonlySet<string>>;
  };
}

/** True when a temporary contract ended before `today` (YYYY-MM-DD). */
export function isExpired(p: Pick<Person, 'endDate'>, today: string): boolean {
  return p.endDate !== undefined && p.endDate < today;
}

export function displayName(p: Pick<Person, 'givenName' | 'surname'>): string {
  return `${p.givenName} ${p.surname}`;
}
