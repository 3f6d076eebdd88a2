// Public face of the directory stage: layout, diff engine, ldapts driver, enrolment.
export { escapeDnValue, escapeFilterValue, eqFilter } from './escape.js';
export {
  layoutFor,
  baseFromDomain,
  personDN,
  roleDN,
  desiredState,
  desiredPerson,
  generalizedTime,
  DISABLED,
  MANAGED,
  type Layout,
  type DesiredState,
  type DesiredPerson,
  type Attrs,
} from './layout.js';
export { planDirectory, describeChange, isEmptyPlan, type Change, type ChangeOp, type DirectoryPlan, type CurrentState, type CurrentPerson, type PlanOptions } from './plan.js';
export { connect, readState, isLdapResult, closeQuietly } from './client.js';
export { AddConnection, ProtocolViolation } from './add-connection.js';
export { executePlan, syncDirectory, ConnectionLost, type ApplyOptions, type SyncOptions, type SyncReport, type ChangeResult } from './apply.js';
export { resolveConnection, readPassword, type ConnectionFlags, type ConnectionSettings, type LabDefaults } from './settings.js';
export { generatePassword, sshaHash, newTotpSecret, otpauthUri, totpCode, enrolPerson, ensureTotpParams, TOTP_PARAMS, type Credentials } from './enrol.js';
export { desiredLdif, personLdif } from './ldif.js';
export { findPerson, type FoundPerson } from './person.js';
export { upsertAccount, disableAccount, readAccount, ensureRole, removeRole } from './account.js';
export { readAccounts, accountsOf, type AccountSnapshot } from './snapshot.js';
