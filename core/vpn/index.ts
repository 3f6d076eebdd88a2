// Public face of the VPN stage: gateway intents from the inventory and the compiled
// policy, the gatekeeper that runs beside OpenVPN, and the checks on role pools.
export * from './model.js';
export { planGateways, type GatewayInputs } from './plan.js';
export { Leases } from './leases.js';
export { ManagementParser, quoteArg, type ClientEvent } from './management.js';
export { decide, type Decision } from './decide.js';
export { poolFindings, poolCapacity } from './checks.js';
export { startGatekeeper, type Gatekeeper, type GatekeeperConfig } from './gatekeeper.js';
