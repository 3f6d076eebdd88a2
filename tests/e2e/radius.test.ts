// The staff Wi-Fi and the 802.1X ports, for real: the RADIUS server outpost renders runs
// with Debian's freeradius in a network namespace the test creates, checks agents against
// a real slapd (bind as the agent with password + TOTP code; the otp and password-policy
// overlays decide), and answers a switch or AP of the inventory with the VLAN of the
// zone the agent's role lands in. eapol_test plays the switch and the laptop, using the
// agent's kit profile (EAP-TTLS/PAP, the kit's CA, the server name it checks).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../core/inventory/index.js';
import { loadPolicy } from '../../core/policy/index.js';
import { planInventory } from '../../core/plan/index.js';
import { parsePeople, type Person } from '../../core/people/index.js';
import { desiredState, disableAccount, enrolPerson, generatePassword, layoutFor, newTotpSecret, otpauthUri, syncDirectory, totpCode } from '../../core/directory/index.js';
import { buildKit, kitOrg, parseCa, writeKit } from '../../core/kit/index.js';
import { radiusIntent, renderRadius, RADIUS_LDAP_SECRET, RADIUS_TLS_FILES, type RadiusIntent } from '../../core/radius/index.js';
import { startRadius, writeRadiusConfig, type RadiusServer } from '../../core/lab/radius.js';
import { addAddress, createNamespace, deleteNamespace, removeStale } from '../../core/lab/netns.js';
import { readPassword } from '../../core/directory/settings.js';
import { startSlapd, TEST_SUFFIX, type TestSlapd } from '../support/slapd.js';
import { makeTestCa, type TestCa } from '../support/test-ca.js';
import { eapolConfig, eapolTest } from '../support/eapol.js';

const NS = `opr-${process.pid}`;
// Quotes and expansion syntax: the rendered config must carry them literally.
const RADIUS_KEY = `sw'ap"key\${confdir}%{User-Name}`;
const DAY = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);

// Agents of the people files, one per story. jean.hoffmann's contract ended yesterday.
const HEADER = 'id,given_name,surname,mail,site,roles,end_date';
const ROWS = [
  `marie.schmit,Marie,Schmit,marie.schmit@crisis.example.lu,trc-findel,tracing-agent,`,
  `paul.weber,Paul,Weber,paul.weber@crisis.example.lu,cc-lux,netadmin,`,
  `lea.muller,Léa,Muller,lea.muller@crisis.example.lu,cc-lux,helpdesk;netadmin,`,
  `tom.klein,Tom,Klein,tom.klein@crisis.example.lu,vac-esch,vaccination-staff,`,
  `anna.reuter,Anna,Reuter,anna.reuter@crisis.example.lu,vac-esch,vaccination-staff,`,
  `jean.hoffmann,Jean,Hoffmann,jean.hoffmann@crisis.example.lu,act-lux,care-staff,${day(-1)}`,
  `nora.roth,Nora,Roth,nora.roth@crisis.example.lu,act-lux,observer,`,
  `eva.braun,Eva,Braun,eva.braun@crisis.example.lu,trc-findel,tracing-agent,`,
  `max.wolff,Max,Wolff,max.wolff@crisis.example.lu,trc-findel,tracing-agent,`,
];

describe('an agent joins the staff Wi-Fi or an 802.1X port through the RADIUS server', () => {
  let slapd: TestSlapd;
  let ca: TestCa;
  let work: string;
  let radius: RadiusServer | undefined;
  let intent: RadiusIntent;
  let people: readonly Person[];
  const secrets = new Map<string, Buffer>();
  const passwords = new Map<string, string>();
  const kits = new Map<string, { nm: string; ca: string }>();

  const client = (hostname: string) => intent.clients.find((c) => c.name === hostname)!;
  // The first address of the inventory's radius service (10.10.4.10), as the switches use.
  let serverAddress = '';
  const server = () => serverAddress;

  beforeAll(async () => {
    removeStale('opr');
    slapd = await startSlapd('radius');
    ca = makeTestCa('radius');
    work = mkdtempSync(join(tmpdir(), `opr-${process.pid}-`));
    const inv = loadInventory('inventory');
    if (!inv.ok) throw new Error('inventory');
    const policy = loadPolicy('policies/access.yaml', inv.value);
    if (!policy.ok) throw new Error('policy');
    const roles = policy.value.roles.map((r) => r.name);
    serverAddress = inv.value.org.services.find((x) => x.name === inv.value.org.management.radius)!.addresses[0]!.replace(/\/32$/, '');
    const parsed = parsePeople([{ file: 'people/agents.csv', text: `${HEADER}\n${ROWS.join('\n')}\n` }], {
      roles: new Set([...roles, 'observer']),
      sites: new Set(inv.value.sites.map((s) => s.code)),
    });
    if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'));
    people = parsed.value.people;

    // The directory as the helpdesk applies it, two days ago: everyone active (the
    // observer role is not one the directory knows, so nora.roth is in no role group).
    await syncDirectory(slapd.settings, desiredState(TEST_SUFFIX, people, roles, day(-2)));
    const admin = await slapd.admin();
    const org = kitOrg(inv.value, parseCa(ca.caPem));
    for (const p of people) {
      const password = generatePassword();
      const secret = newTotpSecret();
      await enrolPerson(admin, layoutFor(TEST_SUFFIX), p.id, { password, totpSecret: secret });
      passwords.set(p.id, password);
      secrets.set(p.id, secret);
      const kit = buildKit({ person: p, org, issued: day(0), credentials: { password, otpauthUri: otpauthUri(secret, org.domain, p.id) } });
      const dir = writeKit(join(work, 'kits'), kit);
      const nm = kit.files.find((f) => f.path.startsWith('agent/laptop/linux/') && f.path.endsWith('.nmconnection') && f.path !== 'agent/laptop/linux/vpn.nmconnection')!;
      const caFile = kit.files.find((f) => f.path === 'agent/laptop/wifi-ca.crt') ?? kit.files.find((f) => f.path === 'agent/vpn/vpn-ca.crt')!;
      kits.set(p.id, { nm: readFileSync(join(dir, nm.path), 'utf8'), ca: join(dir, caFile.path) });
    }

    // The server, rendered from the inventory and policy; its certificate from the test CA.
    const plan = planInventory(inv.value);
    const r = radiusIntent(inv.value, policy.value, plan.sites, { url: slapd.ldapiUrl, base: TEST_SUFFIX, bindDN: slapd.bindDN });
    if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
    intent = r.value;
    const conf = join(work, 'radius');
    const files = renderRadius(intent, new Map([['radius-key', RADIUS_KEY], [RADIUS_LDAP_SECRET, readPassword(slapd.passwordFile)]]));
    writeRadiusConfig(conf, files);
    const cert = ca.server(intent.serverName);
    mkdirSync(join(conf, 'certs'));
    copyFileSync(cert.certFile, join(conf, RADIUS_TLS_FILES.certificate));
    copyFileSync(cert.keyFile, join(conf, RADIUS_TLS_FILES.key));
    copyFileSync(ca.caFile, join(conf, RADIUS_TLS_FILES.ca));

    // One namespace holds the server (at the radius service address) and, on the same
    // loopback, the switch and AP management addresses eapol_test speaks from.
    createNamespace(NS);
    for (const a of [server(), client('vac-esch-asw1').address, client('vac-esch-ap1').address, '10.64.250.250']) addAddress(NS, 'lo', `${a}/32`);
    radius = await startRadius({ ns: NS, dir: conf, logFile: join(work, 'radius.log') });

    // The expiry happens now: jean.hoffmann's last day was yesterday. The server sees
    // pwdEndTime pass; offboarding anna.reuter locks her and empties her role groups.
    await disableAccount(slapd.settings, 'anna.reuter', roles, day(0));
  }, 90_000);

  afterAll(async () => {
    await radius?.stop();
    try {
      deleteNamespace(NS);
    } catch {
      /* never created */
    }
    await slapd?.stop();
    ca?.remove();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const login = (id: string, password: string, from = 'vac-esch-asw1', secret = RADIUS_KEY, timeoutS = 5) =>
    eapolTest({
      ns: NS,
      conf: eapolConfig(kits.get(id)!.nm, password, kits.get(id)!.ca),
      confFile: join(work, `eapol-${id}-${Date.now()}.conf`),
      server: server(),
      from: from.includes('.') ? from : client(from).address,
      secret,
      timeoutS,
    });
  const good = (id: string) => `${passwords.get(id)!}${totpCode(secrets.get(id)!)}`;

  it('the server runs detached: no terminal, no pipe of the caller, its output in the log file; secrets 0600', () => {
    const pid = radius!.pid;
    expect(readlinkSync(`/proc/${pid}/fd/0`)).toBe('/dev/null');
    expect(readlinkSync(`/proc/${pid}/fd/1`)).toBe(radius!.logFile);
    // freeradius itself points stderr at /dev/null when it logs to stdout.
    expect([radius!.logFile, '/dev/null']).toContain(readlinkSync(`/proc/${pid}/fd/2`));
    const sid = (p: number) => execFileSync('ps', ['-o', 'sid=', '-p', String(p)], { encoding: 'utf8' }).trim();
    expect(sid(pid)).toBe(String(pid));
    expect(sid(pid)).not.toBe(sid(process.pid));
    expect(readFileSync(radius!.logFile, 'utf8')).toContain('Ready to process requests');
    expect(statSync(join(work, 'radius/clients.conf')).mode & 0o777).toBe(0o600);
    expect(statSync(join(work, 'radius/mods-enabled/ldap')).mode & 0o777).toBe(0o600);
  });

  it('a folder freeradius cannot load is reported with its own complaint, and nothing keeps running', async () => {
    const broken = join(work, 'broken');
    writeRadiusConfig(broken, [{ path: 'radiusd.conf', content: 'modules {\n\tno_such_module {\n\t}\n}\n', secret: false }]);
    const log = join(work, 'broken.log');
    await expect(startRadius({ ns: NS, dir: broken, logFile: log })).rejects.toThrow(/stopped while starting:[\s\S]*no_such_module/);
    expect(execFileSync('ip', ['netns', 'pids', NS], { encoding: 'utf8' }).trim().split('\n')).toEqual([String(radius!.pid)]);
  });

  it('a tracer on an 802.1X port, with password + current code, is accepted into the staff VLAN', async () => {
    const r = await login('marie.schmit', good('marie.schmit'));
    expect(r.outcome, r.log).toBe('accept');
    expect(r.vlan).toBe('10');
    expect(r.tunnelType).toBe(13);
    expect(r.tunnelMedium).toBe(6);
  });

  it('a network administrator on the staff SSID of an AP lands in the management VLAN', async () => {
    const r = await login('paul.weber', good('paul.weber'), 'vac-esch-ap1');
    expect(r.outcome, r.log).toBe('accept');
    expect(r.vlan).toBe('99');
  });

  it('an agent with two roles lands in the zone of the first one in the policy (helpdesk before netadmin)', async () => {
    const r = await login('lea.muller', good('lea.muller'));
    expect(r.outcome, r.log).toBe('accept');
    expect(r.vlan).toBe('10');
  });

  it('a wrong password with the right code, or the right password with a wrong code, is rejected', async () => {
    const code = totpCode(secrets.get('tom.klein')!);
    const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const a = await login('tom.klein', `${passwords.get('tom.klein')!}x${code}`);
    expect(a.outcome, a.log).toBe('reject');
    const b = await login('tom.klein', `${passwords.get('tom.klein')!}${wrongCode}`);
    expect(b.outcome, b.log).toBe('reject');
    const c = await login('tom.klein', passwords.get('tom.klein')!);
    expect(c.outcome, c.log).toBe('reject');
  });

  it('an offboarded agent is rejected with the password and a fresh code', async () => {
    const r = await login('anna.reuter', good('anna.reuter'));
    expect(r.outcome, r.log).toBe('reject');
  });

  it('an agent whose contract ended yesterday is rejected, even before the directory is swept', async () => {
    const r = await login('jean.hoffmann', good('jean.hoffmann'));
    expect(r.outcome, r.log).toBe('reject');
  });

  it('an agent in no role group of a zone is rejected', async () => {
    const r = await login('nora.roth', good('nora.roth'));
    expect(r.outcome, r.log).toBe('reject');
  });

  it('a code seen once is not accepted again (a replay from a captured login)', async () => {
    const secretLine = good('eva.braun');
    const first = await login('eva.braun', secretLine);
    expect(first.outcome, first.log).toBe('accept');
    const again = await login('eva.braun', secretLine);
    expect(again.outcome, again.log).toBe('reject');
  });

  it('a switch with the wrong secret, or a device not in the inventory, gets no answer at all', async () => {
    const wrong = await login('marie.schmit', good('marie.schmit'), 'vac-esch-asw1', 'not-the-radius-key', 3);
    expect(wrong.outcome, wrong.log).toBe('no-answer');
    const stranger = await login('marie.schmit', good('marie.schmit'), '10.64.250.250', RADIUS_KEY, 3);
    expect(stranger.outcome, stranger.log).toBe('no-answer');
    const log = readFileSync(radius!.logFile, 'utf8');
    expect(log).toMatch(/invalid Message-Authenticator.*from client vac-esch-asw1/);
    expect(log).toMatch(/unknown client 10\.64\.250\.250/);
  });

  // Last: it stops the directory.
  it('with the directory down, a good password and code is refused (fail closed)', async () => {
    await slapd.stop();
    const r = await login('max.wolff', good('max.wolff'));
    expect(r.outcome, r.log).toBe('reject');
  });
});
