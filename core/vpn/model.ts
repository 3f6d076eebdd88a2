// A VPN gateway as outpost means it: the tunnel over the org's whole VPN range, one
// address pool per role handed out at connect time by outpost's gatekeeper (OpenVPN has
// a single ifconfig-pool), the routes agents get, and the gateway's role rules.
import type { SourceLocation } from '../diagnostics.js';
import type { AddressSet, FirewallRule } from '../plan/index.js';

export interface RolePool {
  readonly role: string;
  readonly cidr: string;
}

export interface GatewayDirectory {
  /** Where the gatekeeper checks logins: ldaps:// on the state network, ldapi:// in the lab. */
  readonly url: string;
  readonly base: string;
  /** Entry the gatekeeper binds as to see locks and roles of live sessions. */
  readonly bindDn: string;
  /** File on the gateway holding that entry's password (never in the rendered config). */
  readonly passwordFile: string;
  /** PEM CA bundle for an ldaps:// directory. */
  readonly caFile?: string;
}

export interface VpnGatewayIntent {
  readonly hostname: string;
  readonly platform: string;
  readonly public: string;
  readonly port: number;
  readonly proto: 'udp' | 'tcp';
  /** The inside address on the state network. */
  readonly address: string;
  readonly tunnel: { readonly network: string; readonly netmask: string; readonly prefix: number; readonly serverAddress: string };
  /** In access.yaml order: an agent with several roles gets the first role's pool. */
  readonly pools: readonly RolePool[];
  /** Networks pushed to agents as routes through the tunnel. */
  readonly routes: readonly { readonly network: string; readonly netmask: string }[];
  readonly directory: GatewayDirectory;
  /** Seconds an auth-gen-token stays valid: renegotiation within it never asks for a new code. */
  readonly tokenLifetime: number;
  /** Seconds between checks that every live session still belongs to an enabled agent with a role. */
  readonly sweepSeconds: number;
  /** Addresses never handed out (in the lab, the probe sources of each role). */
  readonly reserved: readonly string[];
  readonly sets: readonly AddressSet[];
  readonly rules: readonly FirewallRule[];
  /** Networks allowed to manage the gateway over SSH. */
  readonly managementFrom: readonly string[];
  readonly source: SourceLocation;
}
