// The providers by resource kind: what the serialized forwarding provider (resources.ts)
// loads at run time, from the built dist/infra/providers.js.
import { accountProvider, roleGroupProvider } from './account.js';
import { deviceConfigProvider } from './device-config.js';

export const providers = { DeviceConfig: deviceConfigProvider, Account: accountProvider, RoleGroup: roleGroupProvider } as const;
export type ResourceKind = keyof typeof providers;
export { deviceConfigProvider, accountProvider, roleGroupProvider };
export type { DeviceConfigInputs, DeviceConfigOutputs } from './device-config.js';
export type { AccountInputs, AccountOutputs, PersonInput, RoleGroupInputs } from './account.js';
