// What a platform's reader sees in a device's running configuration, in the device's own
// terms. A reader gets the text and nothing else: it never sees the intent, so it cannot
// fill a gap with what should be there. Every field a reader could not read is absent
// (undefined means "not seen", never "as intended"); the audit compares these facts with
// the intent and treats an unseen fact as a finding or as not evaluated, never as a pass.
import type { AddressSet, MgmtServices, Proto, ServerRef } from '../plan/index.js';
import type { SsidSecurity } from '../inventory/index.js';

/** Each management service on its own: one config may show telnet but not SNMP. */
export type SeenServices = { readonly [K in keyof MgmtServices]?: MgmtServices[K] };

export interface SeenCommon {
  readonly hostname?: string;
  readonly ntp?: readonly string[];
  readonly syslog?: readonly ServerRef[];
  /** Networks that may reach the management service; `0.0.0.0/0` when nothing restricts it. */
  readonly managementFrom?: readonly string[];
  readonly mgmtServices: SeenServices;
  /** SNMPv3 users by name. */
  readonly snmpv3Users?: readonly string[];
}

/** Where a port sits, as its name says: front panel N, or uplink module port N. */
export interface PortPosition {
  readonly uplink: boolean;
  readonly number: number;
}

export interface SeenPort {
  /** The interface name on the device. */
  readonly name: string;
  readonly position: PortPosition;
  readonly mode: 'access' | 'trunk';
  /** Access VLAN, or a trunk's native VLAN; 1 (the platforms' default) when unset. */
  readonly vlan: number;
  readonly tagged: readonly number[];
  readonly auth: 'dot1x' | 'port-security' | 'none';
  readonly description: string;
  readonly shutdown: boolean;
}

export interface SeenSwitch extends SeenCommon {
  readonly kind: 'switch';
  readonly vlans: readonly number[];
  /** Only the interfaces the text has a section for; a port without one is unknown. */
  readonly ports: readonly SeenPort[];
}

export interface SeenSsid {
  readonly ssid: string;
  /** The VLAN the SSID bridges to, when the config names it by number. */
  readonly vlan?: number;
  /** The network (bridge, UCI interface) the SSID joins, as named on the device. */
  readonly network?: string;
  readonly security: SsidSecurity;
  readonly isolate: boolean;
}

export interface SeenAp extends SeenCommon {
  readonly kind: 'ap';
  readonly ssids: readonly SeenSsid[];
}

/** One side of a rule in the device's terms: VLAN interfaces, other interfaces, address sets. */
export interface SeenMatch {
  readonly any: boolean;
  readonly vlans: readonly number[];
  readonly ifaces: readonly string[];
  readonly sets: readonly string[];
}

export interface SeenRule {
  /** The outpost rule id the rule's comment names, when it names one. */
  readonly rule?: string;
  /** Where the rule is on the device: `forward line 7`, `policy 12`. */
  readonly at: string;
  readonly text: string;
  readonly action: 'accept' | 'drop';
  readonly from: SeenMatch;
  readonly to: SeenMatch;
  /** Empty means any protocol. */
  readonly services: readonly { readonly proto: Proto; readonly ports: readonly { readonly from: number; readonly to: number }[] }[];
}

export interface SeenFirewall extends SeenCommon {
  readonly kind: 'firewall';
  readonly sets: readonly AddressSet[];
  readonly rules: readonly SeenRule[];
}

export type SeenDevice = SeenSwitch | SeenAp | SeenFirewall;
