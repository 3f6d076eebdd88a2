// The typed, immutable model every stage after loading works on. Nothing past the
// loader sees raw YAML; every object keeps where it came from for reports.
import type { SourceLocation } from '../diagnostics.js';
import type { EndpointKindName } from './schema.js';

export type { EndpointKindName } from './schema.js';

export interface PortRange {
  readonly proto: 'tcp' | 'udp';
  readonly from: number;
  readonly to: number;
}

export interface Service {
  readonly name: string;
  readonly description: string;
  /** Host addresses and networks, each in CIDR form (a host is /32). */
  readonly addresses: readonly string[];
  readonly ports: readonly PortRange[];
  readonly source: SourceLocation;
}

export type ZoneTrust = 'internal' | 'restricted' | 'guest' | 'management';

export interface ZoneDef {
  readonly name: string;
  readonly vlan: number;
  readonly description: string;
  readonly trust: ZoneTrust;
  readonly dhcp: boolean;
  readonly portAuth: 'dot1x' | 'port-security';
  readonly source: SourceLocation;
}

/** `wpa2-personal` is never planned (the schema refuses it); the audit finds it on devices. */
export type SsidSecurity = 'wpa2-enterprise' | 'wpa3-enterprise' | 'wpa2-personal' | 'open';

export interface SsidDef {
  readonly name: string;
  readonly zone: string;
  readonly security: SsidSecurity;
  readonly isolate: boolean;
  readonly source: SourceLocation;
}

export interface HardwareModel {
  readonly name: string;
  readonly kind: 'switch' | 'ap' | 'firewall' | 'vpn';
  /** Front-panel ports for endpoints (switches) or interfaces (firewalls). */
  readonly ports: number;
  /** Dedicated uplink ports numbered after the front-panel ones. */
  readonly uplinks: number;
}

export interface AddressPlan {
  readonly sites: string;
  readonly siteBlockPrefix: number;
  readonly vpn: string;
  readonly management: string;
  readonly transit: string;
  readonly growthPercent: number;
  readonly reservedPerZone: number;
}

export interface Org {
  readonly name: string;
  readonly domain: string;
  readonly country: string;
  readonly addressPlan: AddressPlan;
  readonly services: readonly Service[];
  readonly management: {
    readonly dns: string;
    readonly ntp: string;
    readonly syslog: string;
    readonly radius: string;
    readonly snmpUser: string;
    readonly zone: string;
    readonly parkingVlan: number;
  };
  readonly zones: readonly ZoneDef[];
  readonly endpointKinds: Readonly<Partial<Record<EndpointKindName, { readonly zone: string; readonly attach: 'wired' | 'wireless' }>>>;
  readonly ssids: readonly SsidDef[];
  readonly models: ReadonlyMap<string, HardwareModel>;
  /** Central VPN gateways remote agents connect to (role pools come from the access policy). */
  readonly vpnGateways: readonly VpnGateway[];
  readonly source: SourceLocation;
}

export interface VpnGateway {
  readonly hostname: string;
  readonly platform: string;
  readonly address: string;
  readonly public: string;
  readonly port: number;
  readonly proto: 'udp' | 'tcp';
  readonly mgmt?: string;
  readonly source: SourceLocation;
}

export type SiteKind = 'crisis-cell' | 'care' | 'consultation' | 'tracing' | 'vaccination';
export type DeviceRole = 'firewall' | 'distribution' | 'access' | 'ap';

export interface PortPin {
  readonly port: number;
  readonly zone?: string;
  readonly device?: string;
  readonly description?: string;
  readonly source: SourceLocation;
}

export interface Device {
  readonly hostname: string;
  readonly role: DeviceRole;
  readonly platform: string;
  readonly model: string;
  readonly mgmt?: string;
  readonly uplink?: string;
  readonly ssids: readonly string[];
  readonly ports: readonly PortPin[];
  readonly description?: string;
  /** SSH port and pinned host key, when the inventory gives them. */
  readonly ssh?: { readonly port: number; readonly hostKey?: string };
  readonly source: SourceLocation;
}

export interface SiteZone {
  readonly zone: string;
  /** All endpoints the zone must hold, wired and wireless. */
  readonly endpoints: number;
  /** Endpoints that need a switch port, derived from the endpoint kinds mapped to the zone. */
  readonly wired: number;
  readonly source: SourceLocation;
}

export interface Site {
  readonly code: string;
  readonly name: string;
  readonly kind: SiteKind;
  readonly address: { readonly street?: string; readonly postcode?: string; readonly city: string };
  readonly block?: string;
  readonly description?: string;
  readonly uplink: {
    readonly circuit: string;
    readonly bandwidthMbps: number;
    /** WAN address with prefix, e.g. 100.64.0.9/30. */
    readonly wan: string;
    readonly gateway: string;
  };
  readonly zones: readonly SiteZone[];
  readonly endpoints: Readonly<Partial<Record<EndpointKindName, number>>>;
  readonly devices: readonly Device[];
  readonly source: SourceLocation;
}

/** Addresses handed out by earlier plans, kept so re-planning never renumbers. */
export interface Allocations {
  readonly sites: Readonly<
    Record<
      string,
      {
        readonly block: string;
        readonly zones: Readonly<Record<string, string>>;
        readonly devices: Readonly<Record<string, string>>;
      }
    >
  >;
}

export interface Inventory {
  /** Directory the inventory was loaded from. */
  readonly root: string;
  readonly org: Org;
  /** Sorted by site code. */
  readonly sites: readonly Site[];
  readonly allocations: Allocations;
}
