// Every control outpost implements, by id. policies/security.yaml picks which run, with
// what severity, scope and parameters; a control not in the policy does not run.
import { expiredRulesRemoved, guestIsolated, noAnyAny, noIdleRoles, vpnRoleScope } from './access.js';
import { accessPortAuth, mgmtNoCleartext, mgmtSshOnly, ntpSyslog, snmpv3Only, staffSsidEnterprise, unusedPortsShut } from './devices.js';
import { expiredAccountsDisabled, noOrphanAccounts, totpEnrolled } from './directory.js';
import { runningMatchesIntent } from './running.js';
import type { Control } from './types.js';

export const CONTROLS: ReadonlyMap<string, Control> = new Map(
  [
    mgmtSshOnly,
    mgmtNoCleartext,
    snmpv3Only,
    ntpSyslog,
    unusedPortsShut,
    accessPortAuth,
    staffSsidEnterprise,
    guestIsolated,
    noAnyAny,
    vpnRoleScope,
    expiredRulesRemoved,
    noIdleRoles,
    totpEnrolled,
    expiredAccountsDisabled,
    noOrphanAccounts,
    runningMatchesIntent,
  ].map((c) => [c.id, c]),
);

export const knownControls = () => ({ params: new Map([...CONTROLS].map(([id, c]) => [id, c.params ?? []])) });

export type { Control, Check, ControlContext } from './types.js';
