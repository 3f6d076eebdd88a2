// infra/'s site program run by the real Pulumi engine (built from its Go module by the
// set-up), through `outpost infra preview|up|refresh|destroy`, with a file backend and a
// passphrase from the environment. The stack equips the twin of cs-esch: its firewall and
// its two APs, each a namespace with a real sshd (the firewall running real nftables
// between a guest host and an internet host); the CLI runs from a NOC namespace as an
// engineer's does. The directory stack: infra-engine-directory.test.ts.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAddress, addRoute, createNamespace, createVeth, enableForwarding, nsExec, nsRun, removeByPrefix } from '../../core/lab/netns.js';
import { net } from '../../core/inventory/index.js';
import { siteStack } from '../../infra/plan.js';
import { auditWorkspace } from '../support/audit.js';
import { writeSecrets } from '../support/deliver-fixtures.js';
import { applyEdits } from '../support/inventory.js';
import { startLabSite, type LabSite } from '../support/netns.js';
import { infra, outpostIn, pulumiWorkspace, type PulumiWorkspace, type InfraRun as Run } from '../support/pulumi.js';

const SITE = 'cs-esch';
const FW = 'cs-esch-fw1';
const APS = ['cs-esch-ap1', 'cs-esch-ap2'];
const NOC_FW = '10.127.0.6';
const INTERNET = '203.0.113.10';
const DEVICE_TYPE = 'pulumi-nodejs:dynamic/outpost:DeviceConfig';
/** Each test runs one to three engine operations. */
const ENGINE_MS = 240_000;

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
    // The APs had no hostapd.conf; the restored baseline is that empty config.
    for (const h of APS) expect(exists(apConf(h)) ? readFileSync(apConf(h), 'utf8') : '').toBe('');
  }, ENGINE_MS);
});
