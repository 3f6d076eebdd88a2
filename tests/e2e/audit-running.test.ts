// The audit against running devices: the site's firewall and an AP are pushed for real
// (namespaces, sshd, nftables), then someone inserts a rule by hand on the firewall.
// `outpost audit --against running` reads the devices as drift does, reports the hand
// edit on that device only, and shows what it breaks: the guest zone now reaches staff.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAddress, nsRun } from '../../core/lab/netns.js';
import { startLabSite, type LabSite } from '../support/netns.js';
import { exampleInventory, repoRoot } from '../support/inventory.js';
import { writeSecrets } from '../support/deliver-fixtures.js';

const AP = 'vac-esch-ap1';
const FW = 'vac-esch-fw1';
const NOC_FW = '10.127.0.6';

let lab: LabSite;
let noc: string;
let secrets: string;
let ep: string;

function outpost(args: string[]) {
  const argv = [
    process.execPath, join(repoRoot, 'dist', 'outpost.js'), ...args,
    '--inventory', exampleInventory, '--endpoints', ep, '--identity', lab.clientKey.privateKeyPath, '--secrets', secrets, '--connect-timeout', '3',
    '--device', AP, '--device', FW,
  ];
  const r = spawnSync('ip', ['netns', 'exec', noc, ...argv], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', SSH_AUTH_SOCK: '' }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  lab = await startLabSite({ area: 'oau', tag: 'r', devices: [{ hostname: AP, platform: 'hostapd' }, { hostname: FW, platform: 'nftables' }] });
  noc = lab.addHost('noc', 5);
  addAddress(noc, 'mgmt0', '10.127.0.5/24');
  addAddress(lab.device(FW).ns, 'mgmt0', `${NOC_FW}/24`);
  secrets = writeSecrets(lab.dir);
  ep = join(lab.dir, 'ep.yaml');
  const lines = ['endpoints:', ...lab.devices.map((d) => `  ${d.hostname}: { address: ${d.hostname === FW ? NOC_FW : d.address}, port: 22, hostKey: "${d.sshd.hostKey}", root: ${d.root} }`)];
  writeFileSync(ep, `${lines.join('\n')}\n`);
  const push = outpost(['push', '--site', 'vac-esch', '--state-dir', join(lab.dir, 'state'), '--confirm-timeout', '5']);
  if (push.code !== 0) throw new Error(`push failed: ${push.stdout}\n${push.stderr}`);
}, 90_000);

afterAll(async () => {
  await lab?.destroy();
});

interface Doc {
  controls: { id: string; status: string; findings: { object: { id: string; device?: string }; against: string; evidence: string }[] }[];
}

describe('outpost audit --against running', () => {
  it('a freshly pushed site passes', () => {
    const r = outpost(['audit', '--site', 'vac-esch', '--against', 'running', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.controls.flatMap((c) => c.findings)).toEqual([]);
    expect(doc.controls.find((c) => c.id === 'running-matches-intent')!.status).toBe('pass');
  });

  it('a rule inserted by hand on the firewall is reported on that device, with the guest route it opens', () => {
    nsRun(lab.device(FW).ns, ['nft', 'insert', 'rule', 'inet', 'outpost', 'forward', 'iifname', '"lan.60"', 'oifname', '"lan.10"', 'accept']);
    const r = outpost(['audit', '--site', 'vac-esch', '--against', 'running', '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as Doc;
    const failing = doc.controls.filter((c) => c.findings.length);
    expect(failing.map((c) => c.id).sort()).toEqual(['guest-isolated', 'running-matches-intent']);
    const drift = failing.find((c) => c.id === 'running-matches-intent')!.findings;
    expect(drift.map((f) => f.object.id)).toEqual([FW]);
    expect(drift[0]!.evidence).toContain('+\t\tiifname "lan.60" oifname "lan.10" accept');
    const guest = failing.find((c) => c.id === 'guest-isolated')!.findings;
    expect(guest.map((f) => `${f.object.id} ${f.against}`)).toEqual(['vac-esch:zone/guest->zone/staff running']);
    expect(guest[0]!.evidence).toMatch(/^guest zone guest reaches internal zone staff on .*vac-esch-fw1: accepted by forward-line-1 \(running forward line 1 without an outpost comment: iifname "lan.60" oifname "lan.10" accept\)$/);
  });
});
