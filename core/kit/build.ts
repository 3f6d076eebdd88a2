// One folder per agent: every profile the agent needs, a manifest with the sha256 of
// each file, secrets written 0600. Building is pure (same input, same bytes); writing
// is a separate step.
//
// Two audiences, two sub-folders: agent/ is what the helpdesk hands over (profiles,
// sheet, first credentials) and nothing else; admin/ is for the people who run the
// servers (the PBX subscriber row with the HA1 digests, the directory entry), never
// handed to the agent.
import { sha256Hex } from '../digest.js';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { mobileconfig } from './apple.js';
import type { KitFile, KitInput } from './model.js';
import { nmVpn, nmWifi } from './networkmanager.js';
import { baseFromDomain, desiredPerson, layoutFor, roleDN } from '../directory/layout.js';
import { personLdif } from '../directory/ldif.js';
import { subscriberRowJson } from '../pbx/rows.js';
import { baresipAccounts, linphoneXml, pbxSubscriberRow } from './phone.js';
import { onboardingSheet } from './sheet.js';
import { qrMatrix, qrPng } from './util.js';
import { ovpn } from './vpn.js';
import { windowsWlan } from './windows.js';

export interface Kit {
  readonly id: string;
  /** Every file including manifest.json, sorted by path. */
  readonly files: readonly KitFile[];
}

export interface ManifestEntry {
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly mode: '0600' | '0644';
  readonly description: string;
}

/** What is handed to the agent. */
export const AGENT_DIR = 'agent';
/** What stays with the administrators. */
export const ADMIN_DIR = 'admin';
/** The PBX subscriber row, relative to the kit's folder; `pbx apply` reads it. */
export const PBX_ROW_FILE = `${ADMIN_DIR}/pbx-subscriber.json`;
/** The agent's directory entry as outpost keeps it, relative to the kit's folder. */
export const DIRECTORY_ENTRY_FILE = `${ADMIN_DIR}/directory-entry.ldif`;

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

export function buildKit(k: KitInput): Kit {
  const p = k.person;
  const files: KitFile[] = [];
  const put = (path: string, content: string | Buffer | undefined, secret: boolean, description: string) => {
    if (content !== undefined) files.push({ path, content: Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), secret, description });
  };
  // Agent-facing paths are written relative to agent/, as the sheet names them.
  const add = (path: string, content: string | Buffer | undefined, secret: boolean, description: string) => put(`${AGENT_DIR}/${path}`, content, secret, description);
  const hasSipSecret = !!k.credentials?.sipPassword;
  add(`vpn/${p.id}.ovpn`, ovpn(k), !!k.org.tlsCrypt, 'OpenVPN client profile');
  add('vpn/vpn-ca.crt', k.org.vpnCa.pem, false, 'CA of the VPN gateways');
  // The NetworkManager profiles name both CA files (and the tls-crypt key): ship what they name.
  add('laptop/linux/vpn-ca.crt', k.org.vpnCa.pem, false, 'CA of the VPN gateways (for /etc/outpost/vpn-ca.crt)');
  add('laptop/linux/wifi-ca.crt', k.org.wifiCa.pem, false, 'CA of the Wi-Fi (RADIUS) server (for /etc/outpost/wifi-ca.crt)');
  if (k.org.tlsCrypt) add('laptop/linux/vpn-tls-crypt.key', k.org.tlsCrypt, true, 'tls-crypt key of the VPN gateways (for /etc/outpost/vpn-tls-crypt.key)');
  if (!k.org.wifiCa.der.equals(k.org.vpnCa.der)) add('laptop/wifi-ca.crt', k.org.wifiCa.pem, false, 'CA of the Wi-Fi (RADIUS) server');
  // NetworkManager refuses keyfiles readable by others: 0600 although they hold no secret.
  if (k.org.staffWifi) add(`laptop/linux/${slug(k.org.staffWifi.ssid)}.nmconnection`, nmWifi(k), true, 'NetworkManager keyfile: staff Wi-Fi (802.1X)');
  add('laptop/linux/vpn.nmconnection', nmVpn(k), true, 'NetworkManager keyfile: VPN');
  if (k.org.staffWifi) add(`laptop/windows/${slug(k.org.staffWifi.ssid)}.xml`, windowsWlan(k), false, 'Windows WLAN profile (netsh wlan add profile)');
  add(`laptop/macos/${p.id}.mobileconfig`, mobileconfig(k), false, 'Apple configuration profile: Wi-Fi and VPN');
  add('phone/linphone.xml', linphoneXml(k), true, 'linphone remote provisioning');
  add('phone/baresip-accounts', baresipAccounts(k), hasSipSecret, 'baresip accounts');
  const layout = layoutFor(k.directoryBase ?? baseFromDomain(k.org.domain));
  put(DIRECTORY_ENTRY_FILE, personLdif(desiredPerson(layout, p, k.issued), p.roles.map((r) => roleDN(layout, r))), false, 'directory entry and role memberships (for the administrators)');
  const row = pbxSubscriberRow(k);
  // HA1 is password-equivalent for the PBX's realm: 0600.
  put(PBX_ROW_FILE, row && subscriberRowJson(row), true, 'PBX subscriber row (HA1 digests, no SIP password), read by outpost pbx apply');
  const qr = k.credentials ? qrMatrix(k.credentials.otpauthUri) : undefined;
  if (k.credentials && qr) {
    add('credentials/initial-password.txt', `${k.credentials.password}\n`, true, 'initial directory password');
    add('totp/otpauth.txt', `${k.credentials.otpauthUri}\n`, true, 'TOTP enrolment URI');
    add('totp/qr.png', qrPng(qr), true, 'TOTP enrolment QR code');
  }
  const hashes = new Map<string, string>();
  const hash = (f: KitFile) => {
    let h = hashes.get(f.path);
    if (h === undefined) hashes.set(f.path, (h = sha256Hex(f.content)));
    return h;
  };
  const agentPath = (f: KitFile) => f.path.slice(AGENT_DIR.length + 1);
  const fingerprints = files
    .filter((f) => f.path.startsWith(`${AGENT_DIR}/`) && /\.(ovpn|mobileconfig|xml|nmconnection)$/.test(f.path) && !agentPath(f).startsWith('phone/'))
    .map((f) => ({ path: agentPath(f), sha256: hash(f) }));
  add('onboarding-sheet.html', onboardingSheet(k, { fingerprints, ...(qr ? { qr } : {}) }), !!k.credentials, 'printable onboarding sheet');

  files.sort((a, b) => (a.path < b.path ? -1 : 1));
  const manifest = {
    kit: p.id,
    person: { id: p.id, name: `${p.givenName} ${p.surname}`, site: p.site, roles: p.roles },
    issued: k.issued,
    files: files.map((f): ManifestEntry => ({ path: f.path, sha256: hash(f), bytes: f.content.length, mode: f.secret ? '0600' : '0644', description: f.description })),
  };
  files.push({ path: 'manifest.json', content: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), secret: false, description: 'sha256 of every file' });
  return { id: p.id, files };
}

/**
 * Writes a kit to <outDir>/<id>/, replacing an older kit of the same agent whole: the
 * new folder is written beside it and swapped in, so a failure leaves the old one.
 */
export function writeKit(outDir: string, kit: Kit): string {
  const final = join(outDir, kit.id);
  const tmp = join(outDir, `.${kit.id}.tmp-${process.pid}`);
  if (existsSync(tmp)) rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true, mode: 0o700 });
  // The umask only takes bits away: when it leaves a mode intact (022 does for 0600,
  // 0644 and 0700), files are created right and need no chmod; otherwise set it exactly.
  const umask = process.umask();
  const exact = (mode: number) => (mode & ~umask) === mode;
  const dirs = new Set<string>([tmp]);
  for (const f of kit.files) {
    const path = join(tmp, f.path);
    const dir = dirname(path);
    if (!dirs.has(dir)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      dirs.add(dir);
    }
    const mode = f.secret ? 0o600 : 0o644;
    writeFileSync(path, f.content, { mode });
    if (!exact(mode)) chmodSync(path, mode);
  }
  if (!exact(0o700)) for (const d of dirs) chmodSync(d, 0o700);
  const foreign = kitDestinationProblem(outDir, kit.id);
  if (foreign) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(foreign);
  }
  if (existsSync(final)) rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  return final;
}

/** Why <outDir>/<id> cannot take a new kit (it is something outpost did not write), or undefined. */
export function kitDestinationProblem(outDir: string, id: string): string | undefined {
  const final = join(outDir, id);
  const why = existsSync(final) ? notAKit(final, id) : undefined;
  return why ? `${final} ${why}: outpost replaces only a kit it wrote; choose another --out` : undefined;
}

/**
 * Why the folder at `dir` is not an earlier kit of agent `id` (so must not be replaced),
 * or undefined. `kit sites --out inventory` would otherwise replace the inventory's sites.
 */
function notAKit(dir: string, id: string): string | undefined {
  const st = lstatSync(dir);
  if (!st.isDirectory()) return 'is not a folder';
  let listed: Set<string>;
  try {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { kit?: unknown; files?: { path?: unknown }[] };
    if (m.kit !== id || !Array.isArray(m.files)) return 'holds no kit manifest';
    listed = new Set(m.files.map((f) => String(f.path)));
  } catch {
    return 'holds no kit manifest';
  }
  const extra: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (lstatSync(p).isDirectory()) walk(p);
      else if (relative(dir, p) !== 'manifest.json' && !listed.has(relative(dir, p))) extra.push(relative(dir, p));
    }
  };
  walk(dir);
  return extra.length ? `holds files outpost did not write (${extra.slice(0, 3).join(', ')})` : undefined;
}
