// Public face of the lab: the site twin (namespaces, the real ruleset, listeners) and the
// probes that prove the compiled policy with packets. Needs root.
export { buildTwin, destroyTwin, labPrefix, LAB_AREA, type Twin } from './twin.js';
export { planProbes, runProbes, portsOf, type Probe, type ProbeResult } from './probes.js';
export { canUseNamespaces, listNamespaces } from './netns.js';
import { removeByPrefix } from './netns.js';
import { LAB_AREA } from './twin.js';

/** Every twin any `lab up` made (names `opl-<site>-...`). */
export const removeAllTwins = (): string[] => removeByPrefix(`${LAB_AREA}-`).namespaces;
export { labUp, labTest, labDown, type LabReport, type ServerInputs } from './session.js';
export { connectAgent, startGatewayServer, type ConnectedAgent, type GatewayServer } from './gateway.js';
export { startStateServers, type StateServers } from './servers.js';
export { startRadius, writeRadiusConfig, radiusBinary, type RadiusOptions, type RadiusServer } from './radius.js';
export { practiceUp } from './practice.js';
export type { PracticeGround, PracticeDevice } from './devices.js';
