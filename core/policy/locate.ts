// Where an address sits: a zone of a site, elsewhere in a site's block, a role's VPN pool,
// the VPN range outside every pool, or beyond every site (the state network, the
// internet). Sorted disjoint ranges and a binary search, so answering for any address
// costs log n however many sites, zones and roles there are.
import { net } from '../inventory/index.js';
import type { SitePlan } from '../plan/index.js';
import { fastCidr } from './placement.js';

export type Whereabouts =
  | { readonly kind: 'zone'; readonly site: string; readonly zone: string; readonly subnet: string }
  | { readonly kind: 'site'; readonly site: string; readonly block: string }
  | { readonly kind: 'role'; readonly role: string; readonly pool: string }
  | { readonly kind: 'vpn'; readonly range: string }
  | { readonly kind: 'beyond' };

interface Entry {
  readonly lo: number;
  readonly hi: number;
  readonly where: Whereabouts;
}

export type Locator = (ip: number) => Whereabouts;

/** Finds the innermost range holding an address: zones inside site blocks, pools inside the VPN range. */
export function locator(sites: readonly SitePlan[], pools: ReadonlyMap<string, string>, vpnRange: string): Locator {
  // Two levels, each disjoint: outer (site blocks, the VPN range) and inner (zones, pools).
  const level = (items: { cidr: string; where: Whereabouts }[]): Entry[] =>
    items
      .map(({ cidr, where }) => {
        const b = fastCidr(cidr);
        return { lo: b.base, hi: b.base + net.size(b.prefix) - 1, where };
      })
      .sort((a, b) => a.lo - b.lo);
  const outer = level([
    ...sites.map((s) => ({ cidr: s.block, where: { kind: 'site', site: s.code, block: s.block } as const })),
    { cidr: vpnRange, where: { kind: 'vpn', range: vpnRange } as const },
  ]);
  const inner = level([
    ...sites.flatMap((s) => s.zones.map((z) => ({ cidr: z.subnet, where: { kind: 'zone', site: s.code, zone: z.name, subnet: z.subnet } as const }))),
    ...[...pools].map(([role, pool]) => ({ cidr: pool, where: { kind: 'role', role, pool } as const })),
  ]);
  const find = (list: readonly Entry[], ip: number): Whereabouts | undefined => {
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const e = list[mid]!;
      if (ip < e.lo) hi = mid - 1;
      else if (ip > e.hi) lo = mid + 1;
      else return e.where;
    }
    return undefined;
  };
  const BEYOND: Whereabouts = { kind: 'beyond' };
  return (ip) => find(inner, ip) ?? find(outer, ip) ?? BEYOND;
}

/** The site an address belongs to, if any. */
export const siteOf = (w: Whereabouts): string | undefined => (w.kind === 'zone' || w.kind === 'site' ? w.site : undefined);

export function whereText(w: Whereabouts): string {
  switch (w.kind) {
    case 'zone':
      return `zone ${w.zone} of site ${w.site} (${w.subnet})`;
    case 'site':
      return `site ${w.site} outside its zones (${w.block})`;
    case 'role':
      return `VPN pool of role ${w.role} (${w.pool})`;
    case 'vpn':
      return `the VPN range outside every role pool (${w.range})`;
    case 'beyond':
      return 'beyond every site (state network or internet)';
  }
}
