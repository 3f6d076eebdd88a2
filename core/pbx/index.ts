// Public face of the PBX stage: the PBX intent from the inventory, its kamailio config,
// subscriber provisioning from the kits' rows (HA1 only), the store and the server.
export { pbxIntent, DEFAULT_DB_FILE, type PbxIntent, type PbxListen, type PbxOptions } from './model.js';
export { renderPbx, type PbxFile } from './render.js';
export { parseSubscriberRow, subscriberRowJson, type SubscriberRow } from './rows.js';
export { planSubscribers, subscriberSql, countChanges, describeSubscriberChange, SCHEMA_SQL, type PbxPlan, type PlanCounts, type PlanInput, type StoredSubscriber, type SubscriberChange } from './provision.js';
export { readSubscribers, applySubscribers, ensureStore, readKitRows, StoreError } from './store.js';
export { provisionSubscribers, removeAgentSubscribers, type ProvisionOptions, type Provisioned } from './apply.js';
export { startPbx, type PbxServer, type PbxServerOptions } from './server.js';
