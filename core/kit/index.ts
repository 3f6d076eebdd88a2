// Public face of the kit stage: per-agent profiles, built pure, written 0600/0644.
export { buildKit, writeKit, AGENT_DIR, ADMIN_DIR, PBX_ROW_FILE, DIRECTORY_ENTRY_FILE, type Kit, type ManifestEntry } from './build.js';
export { kitOrg, type KitInput, type KitOrg, type KitCredentials, type KitFile } from './model.js';
export { parseCa, qrMatrix, qrPng, stableUuid, type CaCertificate } from './util.js';
export { ovpn } from './vpn.js';
export { nmVpn, nmWifi, LINUX_VPN_CA, LINUX_WIFI_CA } from './networkmanager.js';
export { windowsWlan } from './windows.js';
export { mobileconfig } from './apple.js';
export { linphoneXml, baresipAccounts, pbxSubscriberRow, sipHa1 } from './phone.js';
export { onboardingSheet } from './sheet.js';
export { IssueFailure, issueKits, type IssueOptions, type Issued } from './issue.js';
