// Public face of delivery: push rendered configs to devices over SSH, transactionally
// (backup, diff, stage, validate, apply with an on-device rollback timer, health check,
// confirm), and report drift between what devices run and what they should run.
export { pushSite, pool, DEFAULT_CONCURRENCY, DEFAULT_CONFIRM_TIMEOUT, type Work, type PushOptions, type PushReport } from './engine.js';
export { driftOf, type DriftResult, type DriftState, type DriftOptions } from './drift.js';
export { prepareSite, type PrepareOptions, type Prepared } from './prepare.js';
export { baselineWork } from './baseline.js';
export { findRun, readRun, type RunState } from './journal.js';
export { createProgress, summaryTable, type Progress } from './progress.js';
export { driverFor, driverCatalogue } from './drivers/index.js';
export { loadEndpoints, siteWork, deviceSha256, type Endpoint } from './targets.js';
export { loadSecrets, substitute, redact, secretNames } from './secrets.js';
export { parseKnownHosts, fingerprint, pinsFor, verifyHostKey } from './hostkeys.js';
export { connectSsh, HostKeyError, UnreachableError } from './ssh.js';
export * from './types.js';
