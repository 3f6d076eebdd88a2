// A small PKI for the VPN gateways and the RADIUS server: one CA, server certificates
// named after the hosts they serve, a CRL, and OpenVPN's tls-crypt key. The openssl
// binary does every certificate operation (its `ca` database keeps serials and
// revocations); outpost only lays out the folder and keeps keys at mode 0600.
export { pkiPaths, type PkiPaths } from './layout.js';
export { initPki, issueServer, revoke, writeCrl, pkiStatus, PkiError, type IssuedCert, type PkiStatus } from './authority.js';
export { tlsCryptKey, isTlsCryptKey } from './tls-crypt.js';
