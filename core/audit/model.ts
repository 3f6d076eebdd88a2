// The vocabulary of the audit: the security policy (controls and waivers), what the audit
// reads (intent, running state, directory), and what it finds.
import type { SourceLocation } from '../diagnostics.js';
import type { Inventory } from '../inventory/index.js';
import type { SitePlan, DeviceIntent, DeviceKind, FirewallIntent } from '../plan/index.js';
import type { SeenDevice } from '../render/index.js';
import type { AccessPolicy, Enforcement } from '../policy/index.js';
import type { People } from '../people/index.js';
import type { AccountSnapshot } from '../directory/index.js';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type FindingSeverity = (typeof SEVERITIES)[number];
export const severityRank = (s: FindingSeverity): number => SEVERITIES.indexOf(s);

/** Where a control looks: the plan outpost would push, what devices run, the directory. */
export type Against = 'intended' | 'running' | 'directory';
export const AGAINST: readonly Against[] = ['intended', 'running', 'directory'];

export interface ControlScope {
  readonly kinds: readonly DeviceKind[];
  readonly platforms: readonly string[];
  readonly zones: readonly string[];
  readonly roles: readonly string[];
  readonly sites: readonly string[];
}

export interface ControlDef {
  readonly id: string;
  readonly title: string;
  readonly severity: FindingSeverity;
  readonly rationale: string;
  readonly fix: string;
  readonly scope: ControlScope;
  readonly params: Readonly<Record<string, unknown>>;
  readonly source: SourceLocation;
}

export interface Waiver {
  readonly control: string;
  /** Object id the waiver covers; `*` matches any run of characters. */
  readonly object: string;
  readonly owner: string;
  readonly reason: string;
  readonly expires: string;
  readonly source: SourceLocation;
}

export interface SecurityPolicy {
  readonly file: string;
  readonly controls: readonly ControlDef[];
  readonly waivers: readonly Waiver[];
}

/** What a finding is about, named so a person can go and fix it. */
export interface AuditObject {
  readonly kind: 'device' | 'port' | 'ssid' | 'rule' | 'flow' | 'role' | 'account';
  /** Stable id, matched by waivers: `vac-esch-sw1`, `vac-esch-sw1:port/12`, `rule/guest-dns`, `account/jdoe`. */
  readonly id: string;
  readonly site?: string;
  readonly device?: string;
  /** Where the object is defined (inventory, policy or people file). */
  readonly at?: SourceLocation;
}

export interface Finding {
  readonly control: string;
  readonly title: string;
  readonly severity: FindingSeverity;
  readonly against: Against;
  readonly object: AuditObject;
  readonly evidence: string;
  readonly fix: string;
  /** Set when a waiver hides the finding; an expired waiver never does. */
  readonly waiver?: Waiver;
  /** A waiver that would cover this finding but ran out. */
  readonly expiredWaiver?: Waiver;
}

/** One directory account as the audit sees it. */
export type AccountState = AccountSnapshot;

/** What one device runs, parsed into the intent shape, with the drift against what it should run. */
export interface RunningDevice {
  readonly hostname: string;
  readonly site: string;
  readonly platform: string;
  readonly state: 'in-sync' | 'drifted' | 'unreachable';
  /** Drift diff (secrets redacted) or why the device could not be read. */
  readonly detail: string;
  readonly diff: string;
  /** What the plan says this device should be; absent for a device the plan does not know. */
  readonly intended?: DeviceIntent;
  /** What its platform's reader saw in the running config; absent when the platform has no reader or the device was unreachable. */
  readonly seen?: SeenDevice;
  /** A firewall's running rules and sets on the plan's zones: what the access controls decide with. */
  readonly enforced?: FirewallIntent;
}

export interface AuditInputs {
  readonly date: string;
  readonly inventory: Inventory;
  readonly policy: AccessPolicy;
  /** Sites in scope, planned with the access policy compiled in, and the VPN gateway. */
  readonly enforcement: Enforcement;
  readonly sites: readonly SitePlan[];
  readonly people?: People;
  readonly accounts?: readonly AccountState[];
  readonly running?: readonly RunningDevice[];
}

export type ControlStatus = 'pass' | 'fail' | 'not-evaluated';

export interface ControlResult {
  readonly id: string;
  readonly title: string;
  readonly severity: FindingSeverity;
  readonly rationale: string;
  readonly status: ControlStatus;
  /** Objects checked per site (`-` for objects outside any site: rules, roles, accounts). */
  readonly checked: Readonly<Record<string, number>>;
  readonly findings: readonly Finding[];
  readonly waived: readonly Finding[];
  /** Objects the control could not judge: the running config does not show what it reads. Never counted as passed. */
  readonly unknown: readonly { readonly object: AuditObject; readonly against: Against; readonly reason: string }[];
  /** Why a control was not evaluated. */
  readonly reason?: string;
  readonly source: SourceLocation;
}

export interface AuditReport {
  readonly date: string;
  readonly against: readonly Against[];
  readonly sites: readonly string[];
  readonly policyFile: string;
  readonly controls: readonly ControlResult[];
}
