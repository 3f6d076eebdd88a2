// Public face of the audit: the security policy as code, checked against the intent,
// the running devices and the directory, and reported for people and for pipelines.
export * from './model.js';
export { loadSecurityPolicy, securityFileFor } from './load.js';
export { CONTROLS, knownControls } from './controls/index.js';
export { runAudit, blocking, totals } from './engine.js';
export { gatherInputs, runningDevices, type GatherOptions } from './inputs.js';
export { formatReport, summary, FORMATS, type Format } from './report/index.js';
