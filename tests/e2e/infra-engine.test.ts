// infra/'s program run by the real Pulumi engine (built from its Go module by the set-up),
// through `outpost infra preview|up|refresh|destroy`, with a file backend and a passphrase
// from the environment. The site stack equips the twin of cs-esch: its firewall and its
// two APs, each a namespace with a real sshd (the firewall running real nftables between
// a guest host and an internet host); the CLI runs from a NOC namespace as an engineer's
// does. The directory stack runs against a real slapd.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAddress, addRoute, createNamespace, createVeth, enableForwarding, nsExec, nsRun, removeByPrefix } from '../../core/lab/netns.js';
import { readAccount } from '../../core/directory/index.js';
import { net } from '../../core/inventory/index.js';
import { siteStack } from '../../infra/plan.js';
import { auditWorkspace } from '../support/audit.js';
import { writeSecrets } from '../support/deliver-fixtures.js';
import { applyEdits } from '../support/inventory.js';
import { startLabSite, type LabSite } from '../support/netns.js';
import { outpostIn, pulumiWorkspace, type PulumiWorkspace } from '../support/pulumi.js';
import { startSlapd, type TestSlapd } from '../support/slapd.js';

const SITE = 'cs-esch';
const FW = 'cs-esch-fw1';
const APS = ['cs-esch-ap1', 'cs-esch-ap2'];
const NOC_FW = '10.127.0.6';
const INTERNET = '203.0.113.10';
const DEVICE_TYPE = 'pulumi-nodejs:dynamic/outpost:DeviceConfig';
/** Each test runs one to three engine operations. */
const ENGINE_MS = 240_000;

interface Run {
  readonly code: number | null;
  readonly doc: { ok: boolean; changes: Record<string, number>; steps: { op: string; type: string; name: string; diffs: string[] }[]; drifted?: string[]; errors: string[]; diagnostics: { file?: string; line?: number; col?: number; message: string }[] };
  readonly stderr: string;
}

async function infra(ws: PulumiWorkspace, ns: string | undefined, op: string, stack: string[], extra: string[] = []): Promise<Run> {
  const r = await outpostIn(ns, ['infra', op, ...stack, '--project', ws.project, '--backend', ws.backend, '--json', ...extra], ws.env);
  let doc: Run['doc'];
  try {
    doc = JSON.parse(r.stdout) as Run['doc'];
  } catch {
    throw new Error(`outpost infra ${op} printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, doc, stderr: r.stderr };
}

const deviceSteps = (r: Run) => r.doc.steps.filter((s) => s.type === DEVICE_TYPE).map((s) => [s.op, s.name]);

describe('a site stack run by the Pulumi engine on the twin of cs-esch', () => {
  let ws: PulumiWorkspace;
  let work: ReturnType<typeof auditWorkspace>;
  let lab: LabSite;
  let noc: string;
  let listener: ChildProcess;
  const nets = `pen${process.pid}`;
  const guest = `${nets}-guest`;
  const up = `${nets}-inet`;

  /** TCP connect from the guest host, through the firewall, to the internet host. */
  const reaches = (port: number) => nsExec(guest, ['timeout', '1', 'bash', '-c', `exec 3<>/dev/tcp/${INTERNET}/${port}`]).code === 0;
  const ruleset = () => nsRun(lab.device(FW).ns, ['nft', '-s', 'list', 'ruleset']);
  const apConf = (h: string) => join(lab.device(h).root, 'etc/hostapd/hostapd.conf');
  const exists = (f: string) => {
    try {
      return statSync(f).isFile();
    } catch {
      return false;
    }
  };
  const site = async (op: string, extra: string[] = []) => infra(ws, noc, op, ['--site', SITE], extra);

  beforeAll(async () => {
    ws = pulumiWorkspace('pen');
    work = auditWorkspace();
    lab = await startLabSite({ area: 'pen', tag: 's', devices: [{ hostname: FW, platform: 'nftables' }, ...APS.map((hostname) => ({ hostname, platform: 'hostapd' }))] });
    noc = lab.addHost('noc', 5);
    addAddress(noc, 'mgmt0', '10.127.0.5/24');
    const fwNs = lab.device(FW).ns;
    addAddress(fwNs, 'mgmt0', `${NOC_FW}/24`);
    // The guest zone behind the firewall (its interface named as the ruleset names it) and the internet beyond its WAN.
    const zone = siteStack(work.inventory, SITE).zones.find((z) => z.name === 'guest')!;
    const block = net.parseCidr(zone.subnet);
    const gateway = net.intToIp(block.base + 1);
    createNamespace(guest);
    createNamespace(up);
    createVeth({ name: `lan.${zone.vlan}`, ns: fwNs, address: `${gateway}/${block.prefix}` }, { name: 'eth0', ns: guest, address: `${net.intToIp(block.base + 20)}/${block.prefix}` });
    createVeth({ name: 'wan', ns: fwNs, address: '203.0.113.1/24' }, { name: 'eth0', ns: up, address: `${INTERNET}/24` });
    addRoute(guest, 'default', gateway);
    addRoute(up, zone.subnet, '203.0.113.1');
    enableForwarding(fwNs);
    listener = spawn('ip', ['netns', 'exec', up, process.execPath, '-e', "const n = require('net'); for (const p of [443, 8443]) n.createServer((s) => s.end()).listen(p)"], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !reaches(443); i++) await new Promise((r) => setTimeout(r, 50));
    const ep = join(lab.dir, 'ep.yaml');
    const line = (h: string, address: string) => `  ${h}: { address: ${address}, port: 22, hostKey: "${lab.device(h).sshd.hostKey}", root: ${lab.device(h).root} }`;
    writeFileSync(ep, ['endpoints:', line(FW, NOC_FW), ...APS.map((h) => line(h, lab.device(h).address))].join('\n') + '\n');
    const r = await outpostIn(undefined, ['infra', 'stack-config', '--site', SITE, '--project', ws.project, '--inventory', work.inventory, '--state-dir', join(ws.root, 'outpost-state'),
      '--secrets', writeSecrets(ws.root), '--identity', lab.clientKey.privateKeyPath, '--endpoints', ep, '--device', FW, ...APS.flatMap((h) => ['--device', h])], ws.env);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    listener?.kill();
    removeByPrefix(nets);
    await lab?.destroy();
    work?.cleanup();
    ws?.cleanup();
  });

  it('preview of the new stack lists one create per device config and nothing else, and touches nothing', async () => {
    const r = await site('preview');
    expect(r.code, r.stderr).toBe(0);
    expect(deviceSteps(r).sort()).toEqual([FW, ...APS].map((d) => ['create', d]).sort());
    expect(r.doc.steps.filter((s) => s.type !== DEVICE_TYPE).map((s) => [s.op, s.type])).toEqual([
      ['create', 'pulumi:pulumi:Stack'],
      ['create', 'outpost:site:Site'],
    ]);
    expect(reaches(443) && reaches(8443)).toBe(true);
    expect(APS.some((h) => exists(apConf(h)))).toBe(false);
  }, ENGINE_MS);

  it('up pushes the firewall and both APs: guests reach the internet on 443 only; a second preview shows no change', async () => {
    const r = await site('up');
    expect(r.code, `${r.stderr}\n${r.doc.errors.join('\n')}`).toBe(0);
    expect(r.doc.changes.create).toBe(5);
    expect(reaches(443)).toBe(true);
    expect(reaches(8443)).toBe(false);
    for (const h of APS) expect(readFileSync(apConf(h), 'utf8')).toMatch(/^ssid=/m);
    const again = await site('preview');
    expect(again.code).toBe(0);
    expect(again.doc.steps).toEqual([]);
    expect(again.doc.changes).toEqual({ same: 5 });
  }, ENGINE_MS);

  it('a port changed in the access policy is one update, of the firewall, and up enforces it', async () => {
    applyEdits(work.root, [{ file: 'policies/access.yaml', from: '    to: [service:internet]\n    owner: network team\n', to: '    to: [service:internet]\n    ports: [8443/tcp]\n    owner: network team\n' }]);
    const preview = await site('preview');
    expect(preview.doc.steps.map((s) => [s.op, s.name, s.diffs])).toEqual([['update', FW, ['sha256']]]);
    const r = await site('up');
    expect(r.code, r.doc.errors.join('\n')).toBe(0);
    expect(r.doc.changes).toMatchObject({ update: 1, same: 4 });
    expect(reaches(8443)).toBe(true);
    expect(reaches(443)).toBe(false);
  }, ENGINE_MS);

  it('a hand edit on the firewall: refresh reports it (exit 1), the next up restores the rendered ruleset', async () => {
    nsRun(lab.device(FW).ns, ['nft', 'insert', 'rule', 'inet', 'outpost', 'forward', 'iifname', '"lan.60"', 'tcp', 'dport', '443', 'accept']);
    expect(reaches(443)).toBe(true);
    const refresh = await site('refresh');
    expect(refresh.code).toBe(1);
    expect(refresh.doc.drifted).toEqual([FW]);
    const r = await site('up');
    expect(r.code, r.doc.errors.join('\n')).toBe(0);
    expect(r.doc.steps.map((s) => [s.op, s.name])).toEqual([['update', FW]]);
    expect(reaches(443)).toBe(false);
    expect(reaches(8443)).toBe(true);
    expect(ruleset()).not.toMatch(/tcp dport 443 accept\s*$/m);
  }, ENGINE_MS);

  it('destroy gives every device the config it had before the first up', async () => {
    const r = await site('destroy');
    expect(r.code, r.doc.errors.join('\n')).toBe(0);
    expect(r.doc.changes.delete).toBe(5);
    expect(ruleset().trim()).toBe('');
    expect(reaches(443) && reaches(8443)).toBe(true);
    for (const h of APS) expect(exists(apConf(h))).toBe(false);
  }, ENGINE_MS);
});

describe('the directory stack run by the Pulumi engine on a real slapd', () => {
  let ws: PulumiWorkspace;
  let work: ReturnType<typeof auditWorkspace>;
  let slapd: TestSlapd;
  const PEOPLE = ['anne.carvalho', 'claire.fellens', 'jean.fellens'];
  const directory = async (op: string) => infra(ws, undefined, op, ['--directory']);

  beforeAll(async () => {
    ws = pulumiWorkspace('pen');
    work = auditWorkspace();
    // Three agents of cs-esch: enough to see creates, one update and locks.
    const people = join(work.inventory, 'people');
    for (const f of readdirSync(people)) if (f !== 'cs-esch.csv') rmSync(join(people, f));
    const lines = readFileSync(join(people, 'cs-esch.csv'), 'utf8').split('\n');
    writeFileSync(join(people, 'cs-esch.csv'), [...lines.filter((l) => !l.includes(',cs-esch,')), ...lines.filter((l) => PEOPLE.some((p) => l.startsWith(`${p},`)))].join('\n') + '\n');
    slapd = await startSlapd('pen');
    writeFileSync(join(ws.project, 'Pulumi.directory.yaml'), [
      'config:',
      `  outpost:inventory: ${work.inventory}`,
      `  outpost:ldapUrl: ${slapd.settings.url}`,
      `  outpost:bindDn: ${slapd.settings.bindDN}`,
      `  outpost:passwordFile: ${slapd.settings.passwordFile}`,
      `  outpost:baseDn: ${slapd.settings.base}`,
    ].join('\n') + '\n');
  }, 120_000);

  afterAll(async () => {
    await slapd?.stop();
    work?.cleanup();
    ws?.cleanup();
  });

  /** The state file of the directory stack, as the file backend keeps it. */
  const stateFile = () => {
    const dir = join(ws.state, '.pulumi', 'stacks', 'outpost-sites');
    return readFileSync(join(dir, readdirSync(dir).find((f) => f.startsWith('directory.json') && !f.endsWith('.bak'))!), 'utf8');
  };

  let secrets: Record<string, { password: string; otpauthUri: string }> = {};

  it('up creates the role groups and the accounts; each account binds with its password and TOTP', async () => {
    const r = await directory('up');
    expect(r.code, `${r.stderr}\n${r.doc.errors.join('\n')}`).toBe(0);
    expect(r.doc.steps.filter((s) => s.type.endsWith(':Account')).map((s) => [s.op, s.name]).sort()).toEqual(PEOPLE.map((p) => ['create', p]));
    expect(r.doc.steps.filter((s) => s.type.endsWith(':RoleGroup')).length).toBe(6);
    // The first password and TOTP enrolment are stack secrets: shown only when asked for.
    const exported = JSON.parse(nsRun(undefined, ['env', '-C', ws.project, `PULUMI_BACKEND_URL=${ws.backend}`, `PULUMI_HOME=${ws.env.PULUMI_HOME}`, `PULUMI_CONFIG_PASSPHRASE=${ws.passphrase}`, `PATH=${ws.env.PATH}`, 'pulumi', 'stack', 'export', '--stack', 'directory', '--show-secrets'])) as { deployment: { resources: { type: string; id?: string; outputs?: { password?: string; otpauthUri?: string } }[] } };
    secrets = Object.fromEntries(exported.deployment.resources.filter((x) => x.type.endsWith(':Account')).map((x) => [x.id!, { password: x.outputs!.password!, otpauthUri: x.outputs!.otpauthUri! }]));
    expect(Object.keys(secrets).sort()).toEqual(PEOPLE);
    for (const id of PEOPLE) {
      const found = (await readAccount(slapd.settings, id))!;
      expect(found.memberOf.map((m) => m.toLowerCase())).toEqual([`cn=care-staff,ou=roles,${slapd.settings.base}`.toLowerCase()]);
      const code = new TOTP({ secret: new URL(secrets[id]!.otpauthUri).searchParams.get('secret')!, digits: 6, period: 30 }).generate();
      expect(await slapd.canBind(found.dn, secrets[id]!.password + code)).toBe(true);
    }
  }, ENGINE_MS);

  it('the state file holds no password and no TOTP seed in clear', async () => {
    const state = stateFile();
    expect(state).toContain('"jean.fellens"');
    for (const { password, otpauthUri } of Object.values(secrets)) {
      expect(state).not.toContain(password);
      expect(state).not.toContain(new URL(otpauthUri).searchParams.get('secret')!);
    }
  }, ENGINE_MS);

  it('a role change in the people file is one update', async () => {
    applyEdits(work.inventory, [{ file: 'people/cs-esch.csv', from: /^(jean\.fellens,.*?,cs-esch,)care-staff,/m, to: '$1helpdesk,' }]);
    const r = await directory('up');
    expect(r.code, r.doc.errors.join('\n')).toBe(0);
    expect(r.doc.steps.map((s) => [s.op, s.name])).toEqual([['update', 'jean.fellens']]);
    expect((await readAccount(slapd.settings, 'jean.fellens'))!.memberOf.map((m) => m.toLowerCase())).toEqual([`cn=helpdesk,ou=roles,${slapd.settings.base}`.toLowerCase()]);
  }, ENGINE_MS);

  it('destroy locks every account and keeps its entry', async () => {
    const r = await directory('destroy');
    expect(r.code, r.doc.errors.join('\n')).toBe(0);
    for (const id of PEOPLE) expect((await readAccount(slapd.settings, id))!.locked).toBe(true);
  }, ENGINE_MS);

  it('a bad inventory fails the preview with file:line:col and registers no resource', async () => {
    applyEdits(work.inventory, [{ file: 'sites/cs-esch.yaml', from: '{ zone: guest,', to: '{ zone: guests,' }]);
    writeFileSync(join(ws.project, 'Pulumi.cs-esch.yaml'), `config:\n  outpost:site: cs-esch\n  outpost:inventory: ${work.inventory}\n`);
    const r = await infra(ws, undefined, 'preview', ['--site', SITE]);
    expect(r.code).toBe(1);
    expect(r.doc.diagnostics.some((d) => d.file?.endsWith('sites/cs-esch.yaml') && d.line! > 0 && d.col! > 0 && /guests/.test(d.message))).toBe(true);
    expect(r.doc.steps.filter((s) => s.type.startsWith('outpost:') || s.type.startsWith('pulumi-nodejs:'))).toEqual([]);
    const text = await outpostIn(undefined, ['infra', 'preview', '--site', SITE, '--project', ws.project, '--backend', ws.backend], ws.env);
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/sites\/cs-esch\.yaml:\d+:\d+: error: .*guests/);
    expect(text.stderr).not.toMatch(/^\s+at /m);
  }, ENGINE_MS);
});
