// The VPN gateway's parts that need no daemon: what outpost renders for it, how the
// gatekeeper leases addresses and reads OpenVPN's management interface, the pool checks
// at validate, and the PKI behind the gateway's certificate.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInventory, net } from '../core/inventory/index.js';
import { compileGateway, enforcement, loadPolicy } from '../core/policy/index.js';
import { renderGateways } from '../core/render/index.js';
import { Leases, ManagementParser, planGateways } from '../core/vpn/index.js';
import { initPki, issueServer, pkiPaths, revoke, PkiError, isTlsCryptKey } from '../core/pki/index.js';
import { applyEdits, inventoryCopy, lineOf, outpostAsync, repoRoot } from './support/inventory.js';

const inv = loadInventory('inventory');
if (!inv.ok) throw new Error('inventory');
const policy = loadPolicy('policies/access.yaml', inv.value);
if (!policy.ok) throw new Error('policy');
const enf = enforcement(inv.value, policy.value, '2026-01-01');
const [gw] = planGateways(inv.value, { pools: enf.pools, gateway: compileGateway(inv.value, policy.value, enf.sites, '2026-01-01') });
const files = new Map(renderGateways([gw!]).map((a) => [a.path.split('/').pop()!, a.content]));

describe('the VPN gateway outpost renders', () => {
  it('runs the tunnel over the whole VPN range with no pool of its own, tls-crypt, a CRL and modern ciphers', () => {
    const conf = files.get('openvpn.conf')!;
    expect(conf).toMatch(/^topology subnet$/m);
    expect(conf).toMatch(/^ifconfig 10\.96\.0\.1 255\.252\.0\.0$/m);
    expect(conf).not.toMatch(/ifconfig-pool|^server /m);
    for (const line of ['tls-crypt tls-crypt.key', 'crl-verify crl.pem', 'management-client-auth', 'verify-client-cert none', 'tls-version-min 1.2', 'data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305']) expect(conf).toContain(`\n${line}\n`);
    // Renegotiation is answered by the token, so no re-prompt and no `reneg-sec 0`.
    expect(conf).toMatch(/^auth-gen-token 43200$/m);
    expect(conf).not.toMatch(/^reneg-sec/m);
    expect(conf).toContain('push "route 10.64.0.0 255.240.0.0"');
  });

  it('gives the gatekeeper every role pool in access.yaml order, and the role rules to nftables', () => {
    const settings = JSON.parse(files.get('gatekeeper.json')!) as { pools: { role: string; cidr: string }[]; reserved: string[] };
    expect(settings.pools.map((p) => p.role)).toEqual(policy.value.roles.map((r) => r.name));
    expect(settings.pools.map((p) => p.cidr)).toEqual([...enf.pools.values()]);
    expect(settings.reserved).toContain('10.96.0.1');
    const nft = files.get('ruleset.nft')!;
    for (const role of enf.pools.keys()) expect(nft).toContain(`elements = { ${enf.pools.get(role)} }`);
    expect(nft).toMatch(/udp dport 1194 accept/);
    execFileSync('nft', ['-c', '-f', '-'], { input: nft, stdio: ['pipe', 'pipe', 'pipe'] });
  });
});

describe('role pools at connect time', () => {
  const pools = [
    { role: 'a', cidr: '10.96.0.0/29' },
    { role: 'b', cidr: '10.96.0.8/30' },
  ];
  it('hands out the lowest free address of the role pool, never one twice, and takes it back at disconnect', () => {
    const l = new Leases(pools, ['10.96.0.1']);
    const got = ['s1', 's2', 's3', 's4', 's5'].map((s) => l.lease(s, 'a'));
    expect(got).toEqual(['10.96.0.2', '10.96.0.3', '10.96.0.4', '10.96.0.5', '10.96.0.6']);
    expect(l.lease('s6', 'a')).toBeUndefined();
    expect(l.lease('s1', 'a')).toBe('10.96.0.2');
    l.release('s3');
    expect(l.lease('s7', 'a')).toBe('10.96.0.4');
    expect(l.lease('t1', 'b')).toBe('10.96.0.9');
    expect(l.lease('t2', 'b')).toBe('10.96.0.10');
    expect(l.lease('t3', 'b')).toBeUndefined();
    expect(l.lease('x', 'nope')).toBeUndefined();
  });

  it('keeps the address of a session found live after a restart', () => {
    const l = new Leases(pools);
    expect(l.adopt('old', 'a', '10.96.0.2')).toBe(true);
    expect(l.adopt('dup', 'a', '10.96.0.2')).toBe(false);
    expect(l.lease('new', 'a')).toBe('10.96.0.1');
    expect(l.lease('new2', 'a')).toBe('10.96.0.3');
  });

  it("reads OpenVPN's management notifications as its management notes describe them", () => {
    const p = new ManagementParser();
    const text = '>INFO:OpenVPN Management Interface Version 5\r\n>CLIENT:CONNECT,7,1\r\n>CLIENT:ENV,username=marie.schmit\r\n>CLIENT:ENV,password=s3cret=123456\r\n>CLIENT:ENV,END\r\n>CLIENT:ESTABLISHED,7\r\n>CLIENT:ENV,END\r\nSUCCESS: client-auth command succeeded\r\n>CLIENT:DISCONNECT,7\r\n>CLIENT:ENV,END\r\n';
    // Fed in pieces, as a socket delivers it.
    const out = [...p.feed(text.slice(0, 37)), ...p.feed(text.slice(37, 120)), ...p.feed(text.slice(120))];
    const events = out.filter((m) => m.kind === 'client').map((m) => (m.kind === 'client' ? m.event : undefined)!);
    expect(events.map((e) => [e.type, e.cid])).toEqual([['CONNECT', '7'], ['ESTABLISHED', '7'], ['DISCONNECT', '7']]);
    const c = events[0]!;
    expect(c.type === 'CONNECT' && c.kid).toBe('1');
    expect(c.type === 'CONNECT' && c.env.get('password')).toBe('s3cret=123456');
    expect(out.some((m) => m.kind === 'reply' && m.ok)).toBe(true);
  });
});

describe('validate checks the role pools against the people who hold the roles', () => {
  const copies: (() => void)[] = [];
  afterAll(() => copies.forEach((c) => c()));
  const withPolicy = (policyEdits: { from: string | RegExp; to: string }[]) => {
    const c = inventoryCopy();
    copies.push(c.cleanup);
    const root = dirname(c.dir);
    cpSync(join(repoRoot, 'policies'), join(root, 'policies'), { recursive: true });
    applyEdits(root, policyEdits.map((e) => ({ file: 'policies/access.yaml', ...e })));
    return { inventory: c.dir, root };
  };

  it('names the role whose pool is smaller than its agents, at its line in access.yaml, and writes nothing', async () => {
    const { inventory, root } = withPolicy([{ from: 'description: Crisis cell members, pool: 24', to: 'description: Crisis cell members, pool: 30' }]);
    const r = await outpostAsync(['validate', '--inventory', inventory]);
    expect(r.code).toBe(1);
    const line = lineOf(root, 'policies/access.yaml', 'name: crisis-cell');
    expect(r.stderr).toMatch(new RegExp(`access\\.yaml:${line}:\\d+: error: role crisis-cell: its pool 10\\.96\\.41\\.0/30 holds 2 agents but \\d+ hold the role; give it pool: \\d+ or less \\(at .*pool\\) \\[pool-too-small\\]`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a role with no pool, at its line', async () => {
    const { inventory, root } = withPolicy([{ from: 'description: Network administrators, pool: 26', to: 'description: Network administrators' }]);
    const r = await outpostAsync(['validate', '--inventory', inventory]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`access\\.yaml:${lineOf(root, 'policies/access.yaml', 'name: netadmin')}:\\d+: error: .*pool`));
  });
});

describe('outpost pki', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-pki-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const p = pkiPaths(join(dir, 'pki'));

  it('makes a CA, a gateway certificate for its public name, a CRL and a tls-crypt key; keys 0600, never printed', async () => {
    const r = await outpostAsync(['pki', 'init', '--pki', p.dir]);
    expect(r.code, r.stderr).toBe(0);
    const issued = await outpostAsync(['pki', 'issue', '--pki', p.dir, '--json']);
    expect(issued.code, issued.stderr).toBe(0);
    const doc = JSON.parse(issued.stdout) as { issued: { name: string; dns: string[] }[] };
    expect(doc.issued.map((c) => [c.name, c.dns])).toEqual([['vpn-gw1', ['vpn.crisis.example.lu']]]);
    for (const key of [p.caKey, p.keyOf('vpn-gw1'), p.tlsCrypt]) {
      expect((statSync(key).mode & 0o777).toString(8)).toBe('600');
      const body = readFileSync(key, 'utf8').split('\n').filter((l) => l && !l.startsWith('-') && !l.startsWith('#'))[0]!;
      expect(r.stdout + r.stderr + issued.stdout + issued.stderr).not.toContain(body);
    }
    expect(isTlsCryptKey(readFileSync(p.tlsCrypt, 'utf8'))).toBe(true);
    // An independent check: openssl itself verifies the chain, the name and the purpose.
    const text = execFileSync('openssl', ['x509', '-in', p.certOf('vpn-gw1'), '-noout', '-text'], { encoding: 'utf8' });
    expect(text).toContain('DNS:vpn.crisis.example.lu');
    expect(text).toContain('TLS Web Server Authentication');
    expect(execFileSync('openssl', ['verify', '-purpose', 'sslserver', '-CAfile', p.caCert, p.certOf('vpn-gw1')], { encoding: 'utf8' })).toMatch(/OK/);
  });

  it('revokes: the new CRL makes openssl refuse the certificate', () => {
    issueServer(p, 'radius', ['radius.crisis.example.lu']);
    revoke(p, 'radius');
    expect(() => execFileSync('openssl', ['verify', '-crl_check', '-CRLfile', p.crl, '-CAfile', p.caCert, p.certOf('radius')], { stdio: 'pipe' })).toThrow(/revoked/);
    execFileSync('openssl', ['verify', '-crl_check', '-CRLfile', p.crl, '-CAfile', p.caCert, p.certOf('vpn-gw1')], { stdio: 'pipe' });
  });

  it('refuses a second CA in the same folder, and names that are not host names', async () => {
    expect(() => initPki(p, { caName: 'Again' })).toThrow(PkiError);
    expect(() => issueServer(p, '../etc/x', ['a.example'])).toThrow(/certificate name/);
    expect(() => issueServer(p, 'x', ['bad name'])).toThrow(/not a DNS name/);
    const r = await outpostAsync(['pki', 'init', '--pki', p.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already holds a CA/);
    expect(existsSync(join(p.dir, 'private', 'x.key'))).toBe(false);
  });

  it('in a kit: the .ovpn carries the CA the gateway chains to and the tls-crypt key, at mode 0600', async () => {
    const ca = readFileSync(p.caCert, 'utf8').trim();
    const out = join(dir, 'kits');
    const r = await outpostAsync(['kit', 'ana.bianchi', '--out', out, '--today', '2021-01-01'], { env: { ...process.env, OUTPOST_PKI: p.dir } });
    expect(r.code, r.stderr).toBe(0);
    const ovpn = join(out, 'ana.bianchi', 'agent', 'vpn', 'ana.bianchi.ovpn');
    const text = readFileSync(ovpn, 'utf8');
    expect(text).toContain(ca);
    expect(text).toContain(readFileSync(p.tlsCrypt, 'utf8').split('-----BEGIN')[1]!.split('-----END')[0]!.trim().split('\n').slice(1, 3).join('\n'));
    expect((statSync(ovpn).mode & 0o777).toString(8)).toBe('600');
    const nm = readFileSync(join(out, 'ana.bianchi', 'agent', 'laptop', 'linux', 'vpn.nmconnection'), 'utf8');
    for (const ref of nm.match(/\/etc\/outpost\/[\w.-]+/g)!) expect(existsSync(join(out, 'ana.bianchi', 'agent', 'laptop', 'linux', ref.split('/').pop()!)), ref).toBe(true);
  });
});
