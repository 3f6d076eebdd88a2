// The access policy as typed data: roles with VPN pools, ordered rules with an owner,
// a reason and an optional expiry, and the embedded tests.
import type { SourceLocation } from '../diagnostics.js';
import type { PortRange, SiteKind } from '../inventory/index.js';

/** `role:tracing-agent`, `zone:staff`, `service:dns`, `net:10.0.0.0/8`, `any`. */
export type Endpoint =
  | { readonly kind: 'any' }
  | { readonly kind: 'role'; readonly name: string }
  | { readonly kind: 'zone'; readonly name: string }
  | { readonly kind: 'service'; readonly name: string }
  | { readonly kind: 'net'; readonly cidr: string };

export interface Role {
  readonly name: string;
  readonly description: string;
  /** Prefix length of the role's VPN address pool. */
  readonly pool: number;
  /**
   * Zone an agent of this role lands in on site (staff SSID, 802.1X port): the RADIUS
   * server answers with its VLAN. A person's zone is that of their first role, in policy
   * order, that has one.
   */
  readonly zone?: string;
  readonly source: SourceLocation;
}

export interface AccessRule {
  readonly id: string;
  readonly action: 'allow' | 'deny';
  readonly from: readonly Endpoint[];
  readonly to: readonly Endpoint[];
  /** Explicit ports; when empty, each service's own ports (and any port for zones/nets). */
  readonly ports: readonly PortRange[];
  readonly icmp: boolean;
  /** Site kinds or codes the rule applies at; empty means everywhere. */
  readonly at: readonly (SiteKind | string)[];
  readonly owner: string;
  readonly reason: string;
  readonly expires?: string;
  readonly source: SourceLocation;
}

export interface PolicyTest {
  readonly name: string;
  readonly from: Endpoint;
  readonly to: Endpoint;
  /** A port, or icmp (an echo request). */
  readonly port?: PortRange | 'icmp';
  readonly site?: string;
  readonly expect: 'allow' | 'deny';
  readonly source: SourceLocation;
}

export interface AccessPolicy {
  readonly file: string;
  readonly roles: readonly Role[];
  /** In file order; expired rules are kept here and dropped by the compiler. */
  readonly rules: readonly AccessRule[];
  readonly tests: readonly PolicyTest[];
}

/** The zone a person with these roles lands in on site: the first role, in policy order, that has a zone. */
export function landingZone(roles: readonly Pick<Role, 'name' | 'zone'>[], personRoles: readonly string[]): { readonly role: string; readonly zone: string } | undefined {
  const r = roles.find((x) => x.zone !== undefined && personRoles.includes(x.name));
  return r ? { role: r.name, zone: r.zone! } : undefined;
}
