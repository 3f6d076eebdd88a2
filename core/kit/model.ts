// What a kit is built from: one person plus the organisation's facts from the inventory
// (gateways, staff SSID, SIP service) and the CA the gateways' certificates chain to.
// Builders are pure functions of this input; the same input gives the same bytes.
import type { Inventory, SsidSecurity, VpnGateway } from '../inventory/index.js';
import type { Person } from '../people/model.js';
import type { CaCertificate } from './util.js';

export interface KitOrg {
  readonly name: string;
  readonly domain: string;
  readonly gateways: readonly VpnGateway[];
  /** The Wi-Fi network staff laptops join with 802.1X, if the organisation has one. */
  readonly staffWifi?: { readonly ssid: string; readonly security: SsidSecurity };
  /** Name on the RADIUS server's certificate (802.1X server check). */
  readonly radiusName: string;
  /** The PBX: address and SIP domain. */
  readonly sip?: { readonly server: string; readonly domain: string };
  /** CA of the VPN gateways' certificates. */
  readonly vpnCa: CaCertificate;
  /** CA of the RADIUS server's certificate; the VPN CA unless given. */
  readonly wifiCa: CaCertificate;
  /** Role -> VPN address pool (from the access policy), printed in the profile for support. */
  readonly pools?: ReadonlyMap<string, string>;
  /** The gateways' tls-crypt key (outpost pki): without it no packet reaches their TLS. */
  readonly tlsCrypt?: string;
}

/** Secrets handed out at enrolment; a kit without them prompts for them instead. */
export interface KitCredentials {
  readonly password: string;
  readonly otpauthUri: string;
  readonly sipPassword?: string;
}

export interface KitInput {
  readonly person: Person;
  readonly org: KitOrg;
  readonly credentials?: KitCredentials;
  /** Date printed on the sheet (YYYY-MM-DD): an input, so kits stay reproducible. */
  readonly issued: string;
  /** Base DN of the directory the agent is in; from the organisation's domain when omitted. */
  readonly directoryBase?: string;
}

export interface KitFile {
  /** Relative to the agent's folder. */
  readonly path: string;
  readonly content: Buffer;
  /** Written 0600 (and never printed) when true. */
  readonly secret: boolean;
  readonly description: string;
}

/** The organisation facts a kit needs, from the inventory and the CA files. */
export function kitOrg(inv: Inventory, vpnCa: CaCertificate, wifiCa: CaCertificate = vpnCa, pools?: ReadonlyMap<string, string>, tlsCrypt?: string): KitOrg {
  const o = inv.org;
  const staffZone = o.zones.find((z) => z.name === 'staff')?.name ?? o.endpointKinds.laptops?.zone;
  const wifi = o.ssids.find((s) => s.zone === staffZone && s.security !== 'open');
  const sip = o.services.find((s) => s.name === 'sip');
  const sipAddr = sip?.addresses[0]?.replace(/\/32$/, '');
  return {
    name: o.name,
    domain: o.domain,
    gateways: o.vpnGateways,
    ...(wifi ? { staffWifi: { ssid: wifi.name, security: wifi.security } } : {}),
    radiusName: `${o.management.radius}.${o.domain}`,
    ...(sip && sipAddr ? { sip: { server: sipAddr, domain: o.domain } } : {}),
    vpnCa,
    wifiCa,
    ...(pools ? { pools } : {}),
    ...(tlsCrypt ? { tlsCrypt } : {}),
  };
}
