// Vendor-neutral intent: everything a device must be, computed once by the planner.
// Templates only format these; audits and analysis read them, never config text.
import type { SourceLocation } from '../diagnostics.js';
import type { DeviceRole, Site, SiteKind, SsidSecurity, ZoneTrust } from '../inventory/index.js';

export interface ZonePlan {
  readonly name: string;
  readonly vlan: number;
  readonly description: string;
  readonly trust: ZoneTrust;
  /** CIDR, e.g. 10.64.16.0/24. */
  readonly subnet: string;
  readonly network: string;
  readonly prefix: number;
  readonly netmask: string;
  readonly gateway: string;
  readonly broadcast: string;
  readonly dhcp: { readonly start: string; readonly end: string } | null;
  readonly endpoints: number;
  readonly wired: number;
  readonly portAuth: 'dot1x' | 'port-security';
}

export interface Management {
  readonly address: string;
  readonly prefix: number;
  readonly netmask: string;
  readonly gateway: string;
  readonly vlan: number;
}

/** A secret a template needs; rendered as a placeholder that delivery fills on push. */
export interface SecretRef {
  readonly secret: string;
}

export interface ServerRef {
  readonly address: string;
  readonly port: number;
}

interface DeviceCommon {
  readonly hostname: string;
  readonly site: string;
  readonly role: DeviceRole;
  readonly platform: string;
  readonly model: string;
  readonly description: string;
  readonly mgmt: Management;
  readonly domain: string;
  readonly dns: readonly string[];
  readonly ntp: readonly string[];
  readonly syslog: readonly ServerRef[];
  readonly radius: { readonly servers: readonly ServerRef[]; readonly acctPort: number; readonly key: SecretRef };
  readonly snmp: { readonly user: string; readonly auth: SecretRef; readonly priv: SecretRef };
  /** Networks allowed to manage the device (SSH): the NOC and the site's management zone. */
  readonly managementFrom: readonly string[];
  /** Management services the device offers. The planner turns on SSH and SNMPv3 alone; a running config parsed by the audit may show more. */
  readonly mgmtServices: MgmtServices;
  readonly ssh: { readonly port: number; readonly hostKey?: string };
  readonly source: SourceLocation;
}

export interface MgmtServices {
  readonly ssh: boolean;
  readonly telnet: boolean;
  readonly http: boolean;
  /** SNMP v1/v2c communities (clear-text); SNMPv3 users are in `snmp`. */
  readonly snmpCommunities: number;
}

export type PortMode = 'access' | 'trunk' | 'parked';

export interface SwitchPort {
  /** 1-based; front-panel ports first, then the model's uplink ports. */
  readonly index: number;
  readonly uplinkPort: boolean;
  readonly mode: PortMode;
  /** Access VLAN, or the native VLAN of a trunk, or the parking VLAN. */
  readonly vlan: number;
  /** Tagged VLANs of a trunk. */
  readonly tagged: readonly number[];
  readonly description: string;
  readonly auth: 'dot1x' | 'port-security' | 'none';
  readonly zone?: string;
  /** Hostname at the other end of a trunk. */
  readonly peer?: string;
  readonly shutdown: boolean;
}

export interface SwitchIntent extends DeviceCommon {
  readonly kind: 'switch';
  readonly vlans: readonly { readonly id: number; readonly name: string }[];
  readonly parkingVlan: number;
  readonly frontPorts: number;
  readonly uplinkPorts: number;
  readonly ports: readonly SwitchPort[];
}

export interface SsidIntent {
  readonly ssid: string;
  readonly zone: string;
  readonly vlan: number;
  readonly security: SsidSecurity;
  readonly isolate: boolean;
}

export interface ApIntent extends DeviceCommon {
  readonly kind: 'ap';
  readonly country: string;
  readonly ssids: readonly SsidIntent[];
  /** Switch and port the AP is plugged into. */
  readonly uplink: { readonly device: string; readonly port: number } | null;
}

export interface FirewallZone extends ZonePlan {
  /** Linux-style sub-interface name (`lan.10`); commercial targets derive their own from vlan. */
  readonly iface: string;
}

export type Proto = 'tcp' | 'udp' | 'icmp';

export interface RuleService {
  readonly proto: Proto;
  /** Empty for icmp; port ranges otherwise. */
  readonly ports: readonly { readonly from: number; readonly to: number }[];
}

/** A port or a range of them as firewall configs write it: `22`, `8000-8080`. */
export const portSpan = (p: RuleService['ports'][number]): string => (p.from === p.to ? `${p.from}` : `${p.from}-${p.to}`);

/** One side of a rule: zones of this site, named address sets, or anything. */
export interface RuleMatch {
  readonly any: boolean;
  readonly zones: readonly string[];
  readonly sets: readonly string[];
}

export interface FirewallRule {
  /** Stable id, used in rendered comments and by the analysis to name the deciding rule. */
  readonly id: string;
  readonly action: 'accept' | 'drop';
  readonly from: RuleMatch;
  readonly to: RuleMatch;
  /** Empty means any protocol. */
  readonly services: readonly RuleService[];
  readonly comment: string;
  readonly origin?: SourceLocation & { readonly rule: string };
}

export interface AddressSet {
  readonly name: string;
  readonly addresses: readonly string[];
  readonly comment: string;
}

export interface FirewallIntent extends DeviceCommon {
  readonly kind: 'firewall';
  readonly wan: {
    readonly iface: string;
    readonly address: string;
    readonly prefix: number;
    readonly netmask: string;
    readonly gateway: string;
    readonly circuit: string;
    readonly bandwidthMbps: number;
  };
  /** Parent interface the zone VLANs ride on. */
  readonly lan: string;
  readonly zones: readonly FirewallZone[];
  /** Zones whose traffic leaves the WAN with the site's WAN address. */
  readonly masquerade: readonly string[];
  readonly sets: readonly AddressSet[];
  readonly rules: readonly FirewallRule[];
  /** A VPN gateway's tunnel: remote agents' pools arrive on it, not on the WAN. */
  readonly tunnel?: { readonly iface: string; readonly pools: readonly string[] };
}

export type DeviceIntent = SwitchIntent | ApIntent | FirewallIntent;
export type DeviceKind = DeviceIntent['kind'];

export interface SitePlan {
  readonly code: string;
  readonly name: string;
  readonly kind: SiteKind;
  readonly block: string;
  readonly zones: readonly ZonePlan[];
  readonly devices: readonly DeviceIntent[];
  readonly site: Site;
}
