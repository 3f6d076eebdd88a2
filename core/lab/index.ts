// Public face of the lab: the site twin (namespaces, the real ruleset, listeners) and the
// probes that prove the compiled policy with packets. Needs root.
export { buildTwin, destroyTwin, labPrefix, LAB_AREA, type Twin } from './twin.js';
export { planProbes, runProbes, portsOf, type Probe, type ProbeResult } from './probes.js';
export { canUseNamespaces, listNamespaces } from './netns.js';
