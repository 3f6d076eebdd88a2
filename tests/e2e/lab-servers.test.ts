// A network engineer rehearses a site with the state network's servers running for real:
// `lab up` starts the rendered VPN gateway, RADIUS server and PBX beside the twin; the
// packet proof still holds (probes to the real servers are observed where they land);
// an agent's kit connects through the lab gateway; `lab down` leaves nothing running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory, net } from '../../core/inventory/index.js';
import { check, enforcement, loadPolicy } from '../../core/policy/index.js';
import { parsePeople } from '../../core/people/index.js';
import { desiredState, enrolPerson, generatePassword, layoutFor, newTotpSecret, otpauthUri, syncDirectory, totpCode } from '../../core/directory/index.js';
import { buildKit, kitOrg, parseCa, writeKit } from '../../core/kit/index.js';
import { initPki, pkiPaths } from '../../core/pki/index.js';
import { connectAgent, labDown, labTest, labUp, listNamespaces, type StateServers } from '../../core/lab/index.js';
import { processAlive } from '../../core/lab/netns.js';
import { PROBER } from '../../core/lab/agents.js';
import { execFileSync } from 'node:child_process';
import { exampleInventory, repoRoot } from '../support/inventory.js';
import { startSlapd, TEST_SUFFIX, type TestSlapd } from '../support/slapd.js';

const DAY = '2026-11-24';
const SITE = 'vac-esch';
const TAG = `srv${process.pid}`;
const work = mkdtempSync(join(tmpdir(), 'outpost-labsrv-'));
const inv = (() => {
  const r = loadInventory(exampleInventory);
  if (!r.ok) throw new Error('example inventory must load');
  return r.value;
})();
const policy = (() => {
  const r = loadPolicy(join(repoRoot, 'policies', 'access.yaml'), inv);
  if (!r.ok) throw new Error('policy must load');
  return r.value;
})();

describe('the lab twin with the state servers running', () => {
  let slapd: TestSlapd;
  let servers: StateServers | undefined;
  const pki = pkiPaths(join(work, 'pki'));

  beforeAll(async () => {
    slapd = await startSlapd('labsrv');
    initPki(pki, { caName: 'Lab VPN CA' });
    const up = await labUp(inv, policy, SITE, DAY, work, TAG, { pki, directory: slapd, outpost: [process.execPath, join(repoRoot, 'dist', 'outpost.js')] });
    servers = up.servers;
  }, 240_000);

  afterAll(async () => {
    labDown(work, SITE);
    await slapd?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('still proves every test and matrix flow with packets, those to RADIUS and the PBX observed at the servers themselves', async () => {
    expect(servers).toBeDefined();
    const r = await labTest(inv, policy, SITE, DAY, work);
    expect(r.results.filter((p) => !p.ok).map((p) => `${p.name}: analysis ${p.analysis} observed ${p.observed}`)).toEqual([]);
    const atServers = r.results.filter((p) => servers!.observed[p.dst]);
    // Device management reaches RADIUS; the guest zone reaches neither server.
    expect(atServers.some((p) => p.observed && p.name.includes('zone:mgmt -> service:radius'))).toBe(true);
    expect(atServers.some((p) => !p.observed && p.name.includes('zone:guest'))).toBe(true);
  }, 180_000);

  it("an agent connects to the lab gateway with the kit's profile and reaches its services through the tunnel", async () => {
    const csv = 'id,given_name,surname,mail,site,roles\nlena.weber,Lena,Weber,lena.weber@crisis.example.lu,vac-esch,vaccination-staff\n';
    const roles = policy.roles.map((x) => x.name);
    const people = parsePeople([{ file: 'p.csv', text: csv }], { roles: new Set(roles), sites: new Set([SITE]) });
    if (!people.ok) throw new Error('people');
    await syncDirectory(slapd.settings, desiredState(TEST_SUFFIX, people.value.people, roles, DAY));
    const password = generatePassword();
    const secret = newTotpSecret();
    const admin = await slapd.admin();
    await enrolPerson(admin, layoutFor(TEST_SUFFIX), 'lena.weber', { password, totpSecret: secret });
    const enf = enforcement(inv, policy, DAY);
    const org = kitOrg(inv, parseCa(readFileSync(pki.caCert, 'utf8')), undefined, enf.pools, readFileSync(pki.tlsCrypt, 'utf8'));
    const dir = writeKit(join(work, 'kits'), buildKit({ person: people.value.people[0]!, org, issued: DAY, credentials: { password, otpauthUri: otpauthUri(secret, org.domain, 'lena.weber') } }));
    const prefix = `opl-${TAG}-`;
    const agent = await connectAgent({ prefix, gatewayNs: `${prefix}gw`, index: 1, ovpn: join(dir, 'agent', 'vpn', 'lena.weber.ovpn'), login: 'lena.weber', secret: `${password}${totpCode(secret)}`, server: servers!.gateway, workDir: join(work, 'agent') });
    expect(agent.address, readFileSync(agent.client.log, 'utf8').slice(-600)).toBeDefined();
    expect(net.containsIp(net.parseCidr(enf.pools.get('vaccination-staff')!), net.ipToInt(agent.address!))).toBe(true);
    const flows = [
      { to: 'vaccination-registry', dst: '10.20.1.11', port: 443 },
      { to: 'patient-records', dst: '10.20.3.11', port: 443 },
    ];
    const got = JSON.parse(execFileSync('ip', ['netns', 'exec', agent.ns, process.execPath, '-e', PROBER, JSON.stringify(flows.map((f) => ({ src: agent.address, dst: f.dst, proto: 'tcp', port: f.port })))], { encoding: 'utf8' })) as boolean[];
    const want = flows.map((f) => check(enf, { kind: 'role', name: 'vaccination-staff' }, { kind: 'service', name: f.to }, { from: f.port, to: f.port, proto: 'tcp' }).allowed);
    expect(want).toEqual([true, false]);
    expect(got).toEqual(want);
    agent.stop();
  }, 120_000);

  it('lab down stops the gateway, the gatekeeper, RADIUS and the PBX and removes every namespace', async () => {
    const state = JSON.parse(readFileSync(join(work, 'lab', SITE, 'twin.json'), 'utf8')) as { servers: { gatekeeperPid: number } };
    const openvpnPid = Number(readFileSync(join(servers!.gateway.dir, 'openvpn.pid'), 'utf8'));
    expect(processAlive(state.servers.gatekeeperPid)).toBe(true);
    labDown(work, SITE);
    await new Promise((r) => setTimeout(r, 500));
    expect(listNamespaces().filter((n) => n.startsWith(`opl-${TAG}-`))).toEqual([]);
    expect(processAlive(state.servers.gatekeeperPid)).toBe(false);
    expect(processAlive(openvpnPid)).toBe(false);
    expect(existsSync(join(work, 'lab', SITE))).toBe(false);
  }, 60_000);
});
