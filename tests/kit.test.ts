// The helpdesk hands a tracing agent a kit: every file is read back by the real parser
// for its format, secrets are 0600, and the manifest's hashes match the files.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { loadInventory, type Inventory } from '../core/inventory/index.js';
import { buildKit, kitOrg, parseCa, writeKit, type KitInput } from '../core/kit/index.js';
import { otpauthUri, newTotpSecret } from '../core/directory/index.js';
import type { Person } from '../core/people/index.js';
import { makeTestCa, type TestCa } from './support/test-ca.js';

const marie: Person = {
  id: 'marie.schmit',
  givenName: 'Marie',
  surname: "D'Almeida & Schmit",
  mail: 'marie.schmit@crisis.example.lu',
  site: 'trc-findel',
  roles: ['tracing-agent'],
  endDate: '2027-06-30',
  laptop: { tag: 'LT-10001', mac: '3c:52:82:00:00:01' },
  extension: '2001',
  source: { file: 'inventory/people/trc-findel.csv', line: 4, col: 1 },
};

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));

describe('agent kit', () => {
  let ca: TestCa;
  let inv: Inventory;
  let out: string;
  let input: KitInput;

  beforeAll(() => {
    ca = makeTestCa('kit');
    const r = loadInventory('inventory');
    if (!r.ok) throw new Error('example inventory does not load');
    inv = r.value;
    out = mkdtempSync(join(tmpdir(), 'opi-kit-'));
    const secret = newTotpSecret();
    input = {
      person: marie,
      org: kitOrg(inv, parseCa(ca.caPem)),
      credentials: { password: 'Xk7mPq2rTz9wLb4n', otpauthUri: otpauthUri(secret, inv.org.name, marie.id), sipPassword: 'sip-9f8e7d6c5b4a' },
      issued: '2026-11-24',
    };
  });
  afterAll(() => {
    ca?.remove();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('writes one folder with every profile, secrets 0600, and a manifest whose hashes match', () => {
    const dir = writeKit(out, buildKit(input));
    const files = walk(dir).map((f) => relative(dir, f)).sort();
    expect(files).toEqual([
      'admin/directory-entry.ldif',
      'admin/pbx-subscriber.json',
      'agent/credentials/initial-password.txt',
      'agent/laptop/linux/centre-staff.nmconnection',
      'agent/laptop/linux/vpn-ca.crt',
      'agent/laptop/linux/vpn.nmconnection',
      'agent/laptop/linux/wifi-ca.crt',
      'agent/laptop/macos/marie.schmit.mobileconfig',
      'agent/laptop/windows/centre-staff.xml',
      'agent/onboarding-sheet.html',
      'agent/phone/baresip-accounts',
      'agent/phone/linphone.xml',
      'agent/totp/otpauth.txt',
      'agent/totp/qr.png',
      'agent/vpn/marie.schmit.ovpn',
      'agent/vpn/vpn-ca.crt',
      'manifest.json',
    ]);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: { path: string; sha256: string; mode: string }[] };
    expect(manifest.files.map((f) => f.path)).toEqual(files.filter((f) => f !== 'manifest.json'));
    for (const f of manifest.files) {
      const body = readFileSync(join(dir, f.path));
      expect(createHash('sha256').update(body).digest('hex'), f.path).toBe(f.sha256);
      expect((statSync(join(dir, f.path)).mode & 0o777).toString(8), f.path).toBe(f.mode.slice(1));
    }
    const secrets = manifest.files.filter((f) => f.mode === '0600').map((f) => f.path);
    expect(secrets).toEqual(expect.arrayContaining(['agent/credentials/initial-password.txt', 'agent/totp/otpauth.txt', 'agent/totp/qr.png', 'agent/onboarding-sheet.html', 'agent/phone/baresip-accounts', 'agent/phone/linphone.xml', 'admin/pbx-subscriber.json']));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    // The SIP password appears only where the softphone needs it in clear.
    const withSipPassword = files.filter((f) => readFileSync(join(dir, f), 'utf8').includes('sip-9f8e7d6c5b4a'));
    expect(withSipPassword).toEqual(['agent/phone/baresip-accounts']);
    // The administrators' copy of the directory entry: where the agent is and in which roles.
    const entry = readFileSync(join(dir, 'admin/directory-entry.ldif'), 'utf8');
    expect(entry).toMatch(/^dn: uid=marie\.schmit,ou=people,dc=crisis,dc=example,dc=lu$/m);
    expect(entry).toMatch(/^# member of cn=tracing-agent,ou=roles,dc=crisis,dc=example,dc=lu$/m);
    expect(entry).not.toContain('Xk7mPq2rTz9wLb4n');
    // OpenLDAP's own LDIF reader accepts it (-n: parse and show, no server contacted).
    const parsed = execFileSync('ldapadd', ['-n', '-x', '-H', 'ldap://127.0.0.1:1', '-f', join(dir, 'admin/directory-entry.ldif')], { encoding: 'utf8' });
    expect(parsed).toContain('adding new entry "uid=marie.schmit,ou=people,dc=crisis,dc=example,dc=lu"');
  });

  it('is reproducible: the same input gives byte-identical files', () => {
    const a = buildKit(input).files.map((f) => [f.path, f.content.toString('base64')]);
    const b = buildKit(input).files.map((f) => [f.path, f.content.toString('base64')]);
    expect(a).toEqual(b);
  });

  it('gives an .ovpn that openvpn itself parses, naming every gateway and carrying the CA', () => {
    const file = join(out, 'marie.schmit/agent/vpn/marie.schmit.ovpn');
    const text = readFileSync(file, 'utf8');
    const r = spawnSync('openvpn', ['--config', file, '--show-digests'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const g of inv.org.vpnGateways) expect(text).toContain(`remote ${g.public} ${g.port} ${g.proto}`);
    expect(text).toContain('auth-user-pass');
    expect(text).toContain(ca.caPem.trim());
    // openvpn's parser is not a rubber stamp: a mangled copy is refused.
    const bad = join(out, 'bad.ovpn');
    writeFileSync(bad, text.replace('remote-cert-tls server', 'remote-cert-tls'));
    expect(spawnSync('openvpn', ['--config', bad, '--show-digests']).status).not.toBe(0);
  });

  it('gives XML that xmllint accepts: the Windows profile, and linphone against its schema', () => {
    const dir = join(out, 'marie.schmit');
    execFileSync('xmllint', ['--noout', join(dir, 'agent/laptop/windows/centre-staff.xml')]);
    execFileSync('xmllint', ['--noout', '--schema', 'tests/support/linphone-lpconfig.xsd', join(dir, 'agent/phone/linphone.xml')], { stdio: 'pipe' });
    const win = readFileSync(join(dir, 'agent/laptop/windows/centre-staff.xml'), 'utf8');
    expect(win).toContain(`<TrustedRootCAHash>${parseCa(ca.caPem).sha1Spaced}</TrustedRootCAHash>`);
    expect(win).toContain('<authentication>WPA3ENT</authentication>');
    const sheet = join(dir, 'agent/onboarding-sheet.html');
    execFileSync('xmllint', ['--noout', sheet]);
    expect(readFileSync(sheet, 'utf8')).toContain('D&apos;Almeida &amp; Schmit');
  });

  it('gives a .mobileconfig that plistutil converts to binary and back with its payloads', () => {
    const src = join(out, 'marie.schmit/agent/laptop/macos/marie.schmit.mobileconfig');
    const bin = join(out, 'profile.bin');
    // plistutil 2.2 reports failure on stdout and exits 0; it then writes no output file.
    const ok = spawnSync('plistutil', ['-i', src, '-o', bin, '-f', 'bin'], { encoding: 'utf8' });
    expect([ok.status, ok.stdout, ok.stderr]).toEqual([0, '', '']);
    expect(readFileSync(bin).subarray(0, 8).toString()).toBe('bplist00');
    const back = execFileSync('plistutil', ['-i', bin, '-f', 'xml'], { encoding: 'utf8' });
    for (const t of ['com.apple.security.root', 'com.apple.wifi.managed', 'com.apple.vpn.managed', 'Configuration']) expect(back).toContain(`<string>${t}</string>`);
    expect(back).toContain('<string>CENTRE-STAFF</string>');
    writeFileSync(join(out, 'broken.mobileconfig'), readFileSync(src, 'utf8').replace('</string>', '</strin>'));
    const bad = spawnSync('plistutil', ['-i', join(out, 'broken.mobileconfig'), '-o', join(out, 'broken.bin'), '-f', 'bin'], { encoding: 'utf8' });
    expect(bad.stdout).toMatch(/ERROR: Failed to convert/);
    expect(existsSync(join(out, 'broken.bin'))).toBe(false);
  });

  it('gives NetworkManager keyfiles an INI parser reads, bound to the laptop and asking for secrets', () => {
    const dir = join(out, 'marie.schmit/agent/laptop/linux');
    const py = `import configparser,json,sys\nout={}\nfor f in sys.argv[1:]:\n  c=configparser.ConfigParser(interpolation=None,strict=True)\n  c.optionxform=str\n  c.read_file(open(f))\n  out[f.split('/')[-1]]={s:dict(c[s]) for s in c.sections()}\nprint(json.dumps(out))`;
    const parsed = JSON.parse(execFileSync('python3', ['-c', py, join(dir, 'centre-staff.nmconnection'), join(dir, 'vpn.nmconnection')], { encoding: 'utf8' }));
    expect(parsed['centre-staff.nmconnection'].wifi).toMatchObject({ ssid: 'CENTRE-STAFF', 'mac-address': '3C:52:82:00:00:01' });
    expect(parsed['centre-staff.nmconnection']['802-1x']).toMatchObject({ eap: 'ttls;', identity: 'marie.schmit', 'phase2-auth': 'pap', 'password-flags': '2', 'domain-suffix-match': 'radius.crisis.example.lu' });
    expect(parsed['vpn.nmconnection'].vpn).toMatchObject({ 'service-type': 'org.freedesktop.NetworkManager.openvpn', username: 'marie.schmit', remote: 'vpn.crisis.example.lu:1194:udp' });
  });

  it('gives a QR code that decodes to the otpauth URI', () => {
    const png = PNG.sync.read(readFileSync(join(out, 'marie.schmit/agent/totp/qr.png')));
    const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(code?.data).toBe(input.credentials!.otpauthUri);
    expect(code?.data).toMatch(/^otpauth:\/\/totp\/.+\?.*secret=[A-Z2-7]+/);
  });

  it('leaves secrets out of a kit built without enrolment', () => {
    const { credentials, ...rest } = input;
    const kit = buildKit(rest);
    const paths = kit.files.map((f) => f.path);
    expect(paths).not.toContain('agent/credentials/initial-password.txt');
    expect(paths).not.toContain('admin/pbx-subscriber.json');
    expect(kit.files.find((f) => f.path === 'agent/onboarding-sheet.html')?.secret).toBe(false);
    expect(kit.files.some((f) => f.content.includes(credentials!.password))).toBe(false);
  });

  it('refuses a CA file that holds no CA certificate', () => {
    const leaf = ca.server('vpn.crisis.example.lu');
    expect(() => parseCa(readFileSync(leaf.certFile, 'utf8'))).toThrow(/not a CA certificate/);
    expect(() => parseCa('hello')).toThrow(/no PEM certificate/);
  });
});
