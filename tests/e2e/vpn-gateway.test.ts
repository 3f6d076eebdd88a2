// An agent's day one through the VPN, for real: the gateway outpost renders runs in a
// namespace (OpenVPN + outpost's gatekeeper, logins checked by a real slapd with the otp
// overlay), each agent connects with the real openvpn client and its unmodified kit, and
// packets from inside the tunnel reach exactly what `outpost access check` says.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory, net } from '../../core/inventory/index.js';
import { parsePeople, type Person } from '../../core/people/index.js';
import { check, compileGateway, enforcement, loadPolicy, type Enforcement } from '../../core/policy/index.js';
import { desiredState, enrolPerson, generatePassword, layoutFor, newTotpSecret, otpauthUri, readPassword, syncDirectory, totpCode } from '../../core/directory/index.js';
import { buildKit, kitOrg, parseCa, writeKit } from '../../core/kit/index.js';
import { initPki, issueServer, pkiPaths } from '../../core/pki/index.js';
import { renderGateways } from '../../core/render/index.js';
import { planGateways } from '../../core/vpn/index.js';
import { addAddress, addRoute, createNamespace, createVeth, enableForwarding, nsSpawn, removeByPrefix } from '../../core/lab/netns.js';
import { connectAgent, startGatewayServer, type ConnectedAgent, type GatewayServer } from '../../core/lab/gateway.js';
import { LISTENER, PROBER } from '../../core/lab/agents.js';
import { serviceHosts } from '../../core/lab/twin.js';
import { startSlapd, TEST_SUFFIX, type TestSlapd } from '../support/slapd.js';

const PREFIX = `opv-${process.pid}-`;
const GW = `${PREFIX}gw`;
const UP = `${PREFIX}up`;
const DATE = '2026-01-01';

interface Agent {
  readonly person: Person;
  readonly password: string;
  readonly secret: Buffer;
  readonly ovpn: string;
}

function probe(ns: string, probes: { src: string; dst: string; proto: string; port?: number }[]): Promise<boolean[]> {
  return new Promise((resolve, reject) =>
    execFile('ip', ['netns', 'exec', ns, process.execPath, '-e', PROBER, JSON.stringify(probes)], { timeout: 60_000 }, (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout) as boolean[]))),
  );
}

describe('agents log into the rendered VPN gateway with their kits, and their role decides what they reach', () => {
  let slapd: TestSlapd;
  let work: string;
  let server: GatewayServer;
  let enf: Enforcement;
  let roles: string[];
  const agents = new Map<string, Agent>();
  const live: ConnectedAgent[] = [];
  /** Sessions the gateway ended: their address went back to the pool. */
  const gone: ConnectedAgent[] = [];
  let index = 0;

  const connect = (a: Agent, secretLine: string, extra?: string[], timeoutMs?: number) => {
    const c = connectAgent({ prefix: PREFIX, gatewayNs: GW, index: index++, ovpn: a.ovpn, login: a.person.id, secret: secretLine, server, workDir: join(work, 'agents'), ...(extra ? { extra } : {}), ...(timeoutMs ? { timeoutMs } : {}) });
    return c.then((x) => (live.push(x), x));
  };
  const poolOf = (role: string) => net.parseCidr(enf.pools.get(role)!);
  const gatekeeperLog = () => readFileSync(server.gatekeeper.log, 'utf8');

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'opv-'));
    slapd = await startSlapd('vgw');
    const inv = loadInventory('inventory');
    if (!inv.ok) throw new Error('inventory');
    const policy = loadPolicy('policies/access.yaml', inv.value);
    if (!policy.ok) throw new Error('policy');
    enf = enforcement(inv.value, policy.value, DATE);
    roles = policy.value.roles.map((r) => r.name);

    // One agent per role, plus agents for the offboarding and the crowd at opening time.
    const rows = [...roles.map((r) => [`agent.${r}`, r]), ['leaving.agent', 'tracing-agent'], ['replay.agent', 'helpdesk'], ['renego.agent', 'crisis-cell'], ...Array.from({ length: 50 }, (_, i) => [`crowd.${i}`, roles[i % roles.length]!])];
    const csv = `id,given_name,surname,mail,site,roles\n${rows.map(([id, r]) => `${id},Test,Agent,${id}@crisis.example.lu,trc-findel,${r}`).join('\n')}\n`;
    const people = parsePeople([{ file: 'people.csv', text: csv }], { roles: new Set(roles), sites: new Set(['trc-findel']) });
    if (!people.ok) throw new Error(JSON.stringify(people.diagnostics));
    await syncDirectory(slapd.settings, desiredState(TEST_SUFFIX, people.value.people, roles, DATE));

    const pki = pkiPaths(join(work, 'pki'));
    initPki(pki, { caName: 'Test VPN CA' });
    const gw = inv.value.org.vpnGateways[0]!;
    issueServer(pki, gw.hostname, [gw.public]);
    const org = kitOrg(inv.value, parseCa(readFileSync(pki.caCert, 'utf8')), undefined, enf.pools, readFileSync(pki.tlsCrypt, 'utf8'));
    const admin = await slapd.admin();
    for (const person of people.value.people) {
      const password = generatePassword();
      const secret = newTotpSecret();
      await enrolPerson(admin, layoutFor(TEST_SUFFIX), person.id, { password, totpSecret: secret });
      const dir = writeKit(join(work, 'kits'), buildKit({ person, org, issued: DATE, credentials: { password, otpauthUri: otpauthUri(secret, org.domain, person.id) } }));
      agents.set(person.id, { person, password, secret, ovpn: join(dir, 'agent', 'vpn', `${person.id}.ovpn`) });
    }

    // The state network beyond the gateway: every service address answers on every port.
    createNamespace(GW);
    createNamespace(UP);
    enableForwarding(GW);
    createVeth({ name: 'wan', ns: GW, address: '198.18.0.2/30' }, { name: 'eth0', ns: UP, address: '198.18.0.1/30' });
    addRoute(GW, 'default', '198.18.0.1');
    addRoute(UP, inv.value.org.addressPlan.vpn, '198.18.0.2');
    const hosts = serviceHosts(inv.value);
    for (const h of hosts) addAddress(UP, 'lo', `${h}/32`);
    const ports = { tcp: [...new Set(inv.value.org.services.flatMap((s) => s.ports.filter((p) => p.proto === 'tcp').map((p) => p.from)))], udp: [...new Set(inv.value.org.services.flatMap((s) => s.ports.filter((p) => p.proto === 'udp').map((p) => p.from)))] };
    const listener = nsSpawn(UP, [process.execPath, '-e', LISTENER, JSON.stringify({ ...ports, addresses: hosts })], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise<void>((resolve) => listener.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));

    // The gateway as outpost renders it, with the lab directory in place of the state one.
    const files = renderGateways(planGateways(inv.value, { pools: enf.pools, gateway: compileGateway(inv.value, policy.value, enf.sites, DATE), directory: { url: slapd.url, base: TEST_SUFFIX, bindDn: slapd.bindDN, passwordFile: 'directory.password' } }));
    server = await startGatewayServer({ ns: GW, dir: join(work, 'gateway'), files, pki, certName: gw.hostname, directoryPassword: readPassword(slapd.passwordFile), outpost: [process.execPath, join(process.cwd(), 'dist', 'outpost.js')], port: gw.port });
  }, 240_000);

  afterAll(async () => {
    for (const a of live) a.stop();
    server?.openvpn.stop();
    server?.gatekeeper.stop();
    await new Promise((r) => setTimeout(r, 300));
    removeByPrefix(PREFIX);
    await slapd?.stop().catch(() => undefined);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('every role: the agent connects with password + code, gets an address in its pool, and reaches exactly what access check says', async () => {
    const services = enf.inventory.org.services;
    let allowed = 0;
    let denied = 0;
    const sessions = await Promise.all(roles.map((role) => agents.get(`agent.${role}`)!).map((a) => connect(a, `${a.password}${totpCode(a.secret)}`)));
    for (const [i, role] of roles.entries()) {
      const c = sessions[i]!;
      expect(c.address, `${role}: ${readFileSync(c.client.log, 'utf8').slice(-800)}`).toBeDefined();
      expect(net.containsIp(poolOf(role), net.ipToInt(c.address!)), `${c.address} in ${enf.pools.get(role)}`).toBe(true);
      const flows = services.flatMap((s) => s.ports.map((p) => ({ s, p })));
      const want = flows.map(({ s, p }) => check(enf, { kind: 'role', name: role }, { kind: 'service', name: s.name }, p).allowed);
      const dst = (a: string) => (a.endsWith('/0') ? '192.0.2.80' : net.intToIp(net.parseCidr(a.includes('/') ? a : `${a}/32`).base + (net.parseCidr(a.includes('/') ? a : `${a}/32`).prefix >= 31 ? 0 : 1)));
      const got = await probe(c.ns, flows.map(({ s, p }) => ({ src: c.address!, dst: dst(s.addresses[0]!), proto: p.proto, port: p.from })));
      const report = flows.map(({ s, p }, i) => `${s.name} ${p.from}/${p.proto}: analysis ${want[i]} observed ${got[i]}`);
      expect(got, `${role}\n${report.join('\n')}`).toEqual(want);
      allowed += want.filter(Boolean).length;
      denied += want.filter((x) => !x).length;
    }
    // Both directions of the proof were exercised: open where allowed, closed where denied.
    expect(allowed).toBeGreaterThan(10);
    expect(denied).toBeGreaterThan(10);
    expect(gatekeeperLog()).not.toMatch(new RegExp([...agents.values()].map((a) => a.password).join('|')));
  }, 240_000);

  it('refuses a wrong code, a replayed code and the password alone', async () => {
    const a = agents.get('agent.helpdesk')!;
    const code = totpCode(a.secret);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect((await connect(a, `${a.password}${wrong}`)).address).toBeUndefined();
    expect((await connect(a, a.password)).address).toBeUndefined();
    // The code the agent logged in with a moment ago (same time step): the directory refuses it again.
    const b = agents.get('replay.agent')!;
    const used = totpCode(b.secret);
    expect((await connect(b, `${b.password}${used}`)).address).toBeDefined();
    expect((await connect(b, `${b.password}${used}`)).address).toBeUndefined();
    expect(gatekeeperLog()).toMatch(/refuse agent\.helpdesk: directory refused the password and code/);
  }, 120_000);

  it('renegotiates without asking for a second code (auth-gen-token)', async () => {
    const a = agents.get('renego.agent')!;
    const c = await connect(a, `${a.password}${totpCode(a.secret)}`, ['--reneg-sec', '3']);
    expect(c.address).toBeDefined();
    await new Promise((r) => setTimeout(r, 8_000));
    const log = readFileSync(c.client.log, 'utf8');
    expect(log.match(/Initialization Sequence Completed/g)?.length ?? 0).toBe(1);
    expect(log).not.toMatch(/AUTH_FAILED/);
    // Each renegotiation is a new TLS handshake on the same session.
    expect(log.match(/Control Channel: TLSv/g)?.length ?? 0).toBeGreaterThan(1);
    const [ok] = await probe(c.ns, [{ src: c.address!, dst: '10.10.0.53', proto: 'udp', port: 53 }]);
    expect(ok).toBe(true);
  }, 60_000);

  it('offboarding during a live session ends it within 5 s, and the next login is refused', async () => {
    const a = agents.get('leaving.agent')!;
    const c = await connect(a, `${a.password}${totpCode(a.secret)}`);
    expect(c.address).toBeDefined();
    gone.push(c);
    const rest = [...agents.values()].map((x) => x.person).filter((p) => p.id !== 'leaving.agent');
    const started = Date.now();
    await syncDirectory(slapd.settings, desiredState(TEST_SUFFIX, rest, roles, DATE), { only: ['leaving.agent'] });
    let ended = false;
    while (!ended && Date.now() - started < 5_000) {
      await new Promise((r) => setTimeout(r, 200));
      ended = /end session of leaving\.agent/.test(gatekeeperLog());
    }
    expect(ended, gatekeeperLog().slice(-600)).toBe(true);
    const [through] = await probe(c.ns, [{ src: c.address!, dst: '10.10.0.53', proto: 'udp', port: 53 }]);
    expect(through).toBe(false);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await connect(a, `${a.password}${totpCode(a.secret, Date.now() + 30_000)}`)).address).toBeUndefined();
  }, 60_000);

  it('50 agents of mixed roles connecting at once get 50 distinct addresses, each in its role pool', async () => {
    const crowd = Array.from({ length: 50 }, (_, i) => agents.get(`crowd.${i}`)!);
    const started = Date.now();
    const connected = await Promise.all(crowd.map((a) => connect(a, `${a.password}${totpCode(a.secret)}`, undefined, 150_000)));
    const seconds = (Date.now() - started) / 1000;
    const addresses = connected.map((c) => c.address);
    expect(addresses.every(Boolean), connected.filter((c) => !c.address).map((c) => readFileSync(c.client.log, 'utf8').slice(-300)).join('\n---\n')).toBe(true);
    // With the role agents still connected, every live address is distinct.
    const all = live.filter((c) => !gone.includes(c)).map((c) => c.address).filter(Boolean);
    expect(new Set(all).size).toBe(all.length);
    crowd.forEach((a, i) => expect(net.containsIp(poolOf(a.person.roles[0]!), net.ipToInt(addresses[i]!))).toBe(true));
    process.stderr.write(`vpn: ${crowd.length} agents connected at once in ${seconds.toFixed(1)} s\n`);
  }, 240_000);

  it('refuses every login while the directory is down (fails closed, and says so)', async () => {
    await slapd.stop();
    const a = agents.get('agent.netadmin')!;
    expect((await connect(a, `${a.password}${totpCode(a.secret, Date.now() + 60_000)}`)).address).toBeUndefined();
    expect(gatekeeperLog()).toMatch(/refuse agent\.netadmin: directory unreachable/);
  }, 60_000);
});
