// The RADIUS server behind 802.1X switch ports and the staff Wi-Fi, as vendor-neutral
// data: who may ask (every switch and AP of every site), where users are checked (the
// directory) and which VLAN each role's agents get (the zone their role lands in).
import type { SecretRef } from '../plan/index.js';

export interface RadiusClient {
  /** Device hostname; the client's short name in the server's logs. */
  readonly name: string;
  readonly site: string;
  readonly kind: 'switch' | 'ap';
  /** The device's management address, as the planner allocated it. */
  readonly address: string;
  /** Shared secret the device signs its requests with (the same reference its config uses). */
  readonly secret: SecretRef;
}

export interface RadiusRole {
  readonly role: string;
  /** DN of the role's group in the directory (memberOf on the people). */
  readonly group: string;
  readonly zone: string;
  readonly vlan: number;
}

export interface RadiusDirectory {
  /** ldap://, ldaps:// or ldapi:// URL of the directory. */
  readonly url: string;
  readonly base: string;
  /** Where people are (uid=<login> under it) and where role groups are. */
  readonly people: string;
  readonly roles: string;
  /**
   * Identity the server searches with (finding the user, reading role groups and locks).
   * The user's own password + code is checked by a bind as the user, never by reading it.
   */
  readonly bindDN: string;
  readonly password: SecretRef;
  /** PEM CA file for ldaps:// (a path on the server). */
  readonly caFile?: string;
}

export interface RadiusIntent {
  /** Name on the server certificate, which the kits check (radius.<domain>). */
  readonly serverName: string;
  readonly authPort: number;
  readonly acctPort: number;
  readonly clients: readonly RadiusClient[];
  readonly directory: RadiusDirectory;
  /** Roles that land in a zone, in policy order: the first a user holds decides the VLAN. */
  readonly roles: readonly RadiusRole[];
}

/** One file of the rendered server folder. */
export interface RadiusFile {
  /** Relative to the server's config folder (`radiusd -d <folder>`). */
  readonly path: string;
  readonly content: string;
  /** Holds secrets (client keys, the directory bind password): write it 0600. */
  readonly secret: boolean;
}

/**
 * Files the rendered config expects beside it, from the PKI: the server certificate
 * (for `serverName`), its key (0600) and the CA that signed it (the kits' Wi-Fi CA).
 */
export const RADIUS_TLS_FILES = { certificate: 'certs/server.crt', key: 'certs/server.key', ca: 'certs/ca.crt' } as const;

/** The secret the directory bind password is read from. */
export const RADIUS_LDAP_SECRET = 'radius-ldap-bind';
