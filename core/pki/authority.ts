// The certificate authority, driven through the openssl binary: `req -x509` makes the
// CA, `ca` signs server certificates and keeps the database that revocation and the CRL
// read. Names are checked before they reach a command line or a file name.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import type { PkiPaths } from './layout.js';
import { tlsCryptKey } from './tls-crypt.js';

export class PkiError extends Error {}

const NAME = /^[a-z0-9][a-z0-9.-]{0,62}$/;
const DNS = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const CA_NAME = /^[A-Za-z0-9][A-Za-z0-9 .,()'-]{0,62}$/;

function openssl(args: readonly string[], env: Record<string, string> = {}): string {
  try {
    return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  } catch (e) {
    const err = e as { code?: string; stderr?: string };
    if (err.code === 'ENOENT') throw new PkiError('the openssl command is not installed (Debian package openssl)');
    throw new PkiError(`openssl ${args[0]} failed: ${(err.stderr ?? '').trim().split('\n').slice(-2).join(' ')}`);
  }
}

/** Writes atomically; private files are created 0600 before a byte lands in them. */
function put(file: string, content: string, secret = false): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode: secret ? 0o600 : 0o644 });
  if (secret) chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

function config(p: PkiPaths): string {
  // One signing policy: the commonName names the host; extensions come from this file
  // only (never copied from a request), SANs through the environment.
  return `# outpost pki: openssl ca settings (written by outpost pki init)
[ ca ]
default_ca = outpost

[ outpost ]
database = ${p.database}
serial = ${p.serial}
crlnumber = ${p.crlNumber}
new_certs_dir = ${p.issued}
certificate = ${p.caCert}
private_key = ${p.caKey}
default_md = sha256
default_days = 825
default_crl_days = 30
policy = host_only
unique_subject = no
copy_extensions = none
email_in_dn = no

[ host_only ]
commonName = supplied

[ server ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment, keyAgreement
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
subjectAltName = $ENV::OUTPOST_SAN
`;
}

function newKey(file: string): void {
  const pem = openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']);
  put(file, pem, true);
}

export interface InitOptions {
  readonly caName: string;
  readonly days?: number;
}

/** Creates the CA, its database, an empty CRL and the tls-crypt key. Refuses an existing CA. */
export function initPki(p: PkiPaths, o: InitOptions): { caCert: string; fingerprint: string } {
  if (!CA_NAME.test(o.caName)) throw new PkiError(`CA name ${JSON.stringify(o.caName)} must be 1-63 letters, digits, spaces or .,()'-`);
  if (existsSync(p.caKey) || existsSync(p.caCert)) throw new PkiError(`${p.dir} already holds a CA; to roll it, initialise a new folder (see docs/vpn.md)`);
  for (const d of [p.dir, p.issued, p.keys, `${p.dir}/db`]) mkdirSync(d, { recursive: true });
  chmodSync(p.keys, 0o700);
  put(p.config, config(p));
  put(p.database, '');
  put(p.serial, '1000\n');
  put(p.crlNumber, '1000\n');
  newKey(p.caKey);
  const cert = openssl(['req', '-x509', '-new', '-key', p.caKey, '-sha256', '-days', String(o.days ?? 3650), '-subj', `/CN=${o.caName}`,
    '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-addext', 'subjectKeyIdentifier=hash']);
  put(p.caCert, cert);
  put(p.tlsCrypt, tlsCryptKey(), true);
  writeCrl(p);
  return { caCert: p.caCert, fingerprint: new X509Certificate(cert).fingerprint256 };
}

function requireCa(p: PkiPaths): void {
  if (!existsSync(p.caKey) || !existsSync(p.caCert)) throw new PkiError(`no CA in ${p.dir}: run \`outpost pki init\` first`);
}

export interface IssuedCert {
  readonly name: string;
  readonly cert: string;
  readonly key: string;
  readonly serial: string;
  readonly notAfter: string;
  readonly dns: readonly string[];
}

/** Signs a server certificate for `name` valid for `dns`; a new key each time (re-issue = new key). */
export function issueServer(p: PkiPaths, name: string, dns: readonly string[], days = 825): IssuedCert {
  requireCa(p);
  if (!NAME.test(name)) throw new PkiError(`certificate name ${JSON.stringify(name)} must be lower-case letters, digits, . and -`);
  const bad = dns.find((d) => !DNS.test(d));
  if (bad !== undefined || dns.length === 0) throw new PkiError(`server name ${JSON.stringify(bad ?? '')} is not a DNS name`);
  const key = p.keyOf(name);
  const stage = `${key}.new`;
  newKey(stage);
  const csr = openssl(['req', '-new', '-key', stage, '-subj', `/CN=${dns[0]}`]);
  const csrFile = `${p.dir}/db/${name}.csr`;
  put(csrFile, csr);
  const san = dns.map((d) => `DNS:${d}`).join(',');
  const out = `${p.dir}/db/${name}.crt.new`;
  openssl(['ca', '-batch', '-notext', '-config', p.config, '-extensions', 'server', '-days', String(days), '-in', csrFile, '-out', out], { OUTPOST_SAN: san });
  renameSync(stage, key);
  renameSync(out, p.certOf(name));
  const x = new X509Certificate(readFileSync(p.certOf(name)));
  return { name, cert: p.certOf(name), key, serial: x.serialNumber, notAfter: new Date(x.validTo).toISOString(), dns };
}

/** Revokes the current certificate of `name` and writes a fresh CRL. */
export function revoke(p: PkiPaths, name: string): { serial: string } {
  requireCa(p);
  if (!NAME.test(name) || !existsSync(p.certOf(name))) throw new PkiError(`no certificate named ${JSON.stringify(name)} in ${p.issued}`);
  const serial = new X509Certificate(readFileSync(p.certOf(name))).serialNumber;
  openssl(['ca', '-batch', '-config', p.config, '-revoke', p.certOf(name), '-crl_reason', 'superseded'], { OUTPOST_SAN: 'DNS:unused' });
  writeCrl(p);
  return { serial };
}

/** (Re)writes the CRL; gateways read it at every TLS handshake (crl-verify). */
export function writeCrl(p: PkiPaths, days = 30): string {
  requireCa(p);
  const crl = openssl(['ca', '-batch', '-gencrl', '-config', p.config, '-crldays', String(days)], { OUTPOST_SAN: 'DNS:unused' });
  put(p.crl, crl);
  return p.crl;
}

export interface PkiStatus {
  readonly dir: string;
  readonly ca: { readonly subject: string; readonly fingerprint: string; readonly notAfter: string };
  readonly certificates: readonly { readonly serial: string; readonly subject: string; readonly notAfter: string; readonly revoked: boolean }[];
}

/** What the CA has signed, from its own database (index.txt: status, expiry, [revocation], serial, file, DN). */
export function pkiStatus(p: PkiPaths): PkiStatus {
  requireCa(p);
  const ca = new X509Certificate(readFileSync(p.caCert));
  const certificates = readFileSync(p.database, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const f = line.split('\t');
      const t = f[1] ?? '';
      const notAfter = `20${t.slice(0, 2)}-${t.slice(2, 4)}-${t.slice(4, 6)}`;
      return { serial: f[3] ?? '', subject: (f[5] ?? '').replace(/^\/CN=/, ''), notAfter, revoked: f[0] === 'R' };
    });
  return { dir: p.dir, ca: { subject: ca.subject.replace(/^CN=/, ''), fingerprint: ca.fingerprint256, notAfter: new Date(ca.validTo).toISOString().slice(0, 10) }, certificates };
}
