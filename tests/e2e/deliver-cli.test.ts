// The engineer's story from the command line, run from a NOC namespace: a dry run of
// site vac-esch (its real rendered firewall ruleset and AP configs), a push with one AP
// unreachable, a resumed push that outpost dies in the middle of (the firewall restores
// itself), a resume that finishes, then drift after someone edits an AP by hand.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAddress, nsExec, nsRun } from '../../core/lab/netns.js';
import { startLabSite, type LabSite } from '../support/netns.js';
import { exampleInventory, repoRoot } from '../support/inventory.js';
import { writeSecrets } from '../support/deliver-fixtures.js';

const APS = ['vac-esch-ap1', 'vac-esch-ap2', 'vac-esch-ap3', 'vac-esch-ap4', 'vac-esch-ap5'];
const FW = 'vac-esch-fw1';
const NOC_FW = '10.127.0.6';
const SITE = [...APS, FW].flatMap((d) => ['--device', d]); // inside the NOC network the rendered ruleset lets manage the firewall

let lab: LabSite;
let noc: string;
let listener: ReturnType<typeof spawn>;
let secrets: string;

function endpoints(file: string, broken: string[] = []): string {
  const lines = ['endpoints:'];
  for (const d of lab.devices) {
    const address = d.hostname === FW ? NOC_FW : d.address;
    lines.push(`  ${d.hostname}: { address: ${address}, port: ${broken.includes(d.hostname) ? 2 : 22}, hostKey: "${d.sshd.hostKey}", root: ${d.root} }`);
  }
  const path = join(lab.dir, file);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** Runs the built CLI inside the NOC namespace. */
function outpost(args: string[], endpointsFile: string) {
  const argv = cliArgs(args, endpointsFile);
  const r = spawnSync('ip', ['netns', 'exec', noc, ...argv], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', SSH_AUTH_SOCK: '' }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function cliArgs(args: string[], endpointsFile: string): string[] {
  return [
    process.execPath, join(repoRoot, 'dist', 'outpost.js'), ...args,
    '--inventory', exampleInventory, '--endpoints', endpointsFile, '--identity', lab.clientKey.privateKeyPath,
    '--secrets', secrets, '--connect-timeout', '3',
    ...(args[0] === 'push' ? ['--state-dir', join(lab.dir, 'state'), '--confirm-timeout', '3'] : []),
  ];
}

/** TCP connect from the NOC to a listener inside the firewall namespace. */
const probeFw = () => nsExec(noc, ['timeout', '0.5', 'bash', '-c', `exec 3<>/dev/tcp/${lab.device(FW).address}/8080`]).code === 0;
const apFile = (h: string) => join(lab.device(h).root, 'etc/hostapd/hostapd.conf');

beforeAll(async () => {
  lab = await startLabSite({ area: 'opd', tag: 'c', devices: [...APS.map((hostname) => ({ hostname, platform: 'hostapd' })), { hostname: FW, platform: 'nftables' }] });
  noc = lab.addHost('noc', 5);
  addAddress(noc, 'mgmt0', '10.127.0.5/24');
  addAddress(lab.device(FW).ns, 'mgmt0', `${NOC_FW}/24`);
  listener = spawn('ip', ['netns', 'exec', lab.device(FW).ns, process.execPath, '-e', "require('net').createServer((s) => s.end()).listen(8080)"], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !probeFw(); i++) await new Promise((r) => setTimeout(r, 50));
  secrets = writeSecrets(lab.dir);
});

afterAll(async () => {
  listener?.kill();
  await lab?.destroy();
});

describe('outpost push and drift from the command line', () => {
  it('dry run: shows the diff per device and changes nothing', () => {
    const r = outpost(['push', '--site', 'vac-esch', ...SITE, '--dry-run', '--json'], endpoints('ep.yaml'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { results: { device: string; outcome: string; diff: string }[] };
    expect(doc.results.map((x) => [x.device, x.outcome])).toEqual([...APS, FW].map((d) => [d, 'planned']));
    const fw = doc.results.find((x) => x.device === FW)!;
    expect(fw.diff).toContain('+++ intended/vac-esch-fw1.nft');
    // Shown as the kernel lists it (the device normalised the candidate), so it compares with the running ruleset.
    expect(fw.diff).toMatch(/^\+\s+ip saddr \{ 10\.64\.130\.128\/27, 10\.127\.0\.0\/16 \} tcp dport 22 accept$/m);
    expect(probeFw()).toBe(true);
    expect(existsSync(apFile('vac-esch-ap1'))).toBe(false);
  });

  it('outpost dies right after applying the firewall: the firewall restores itself by its own timer', async () => {
    // One AP is unreachable in this run; devices go one at a time, the firewall last.
    const child = spawn('ip', ['netns', 'exec', noc, ...cliArgs(['push', '--site', 'vac-esch', ...SITE, '--concurrency', '1'], endpoints('ep-broken.yaml', ['vac-esch-ap3']))], {
      env: { ...process.env, NO_COLOR: '1', SSH_AUTH_SOCK: '' },
    });
    let stderr = '';
    let killedAt = 0;
    let closedDuringWindow: boolean | undefined;
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (!killedAt && /vac-esch-fw1\s+apply ok/.test(stderr)) {
          killedAt = Date.now();
          child.kill('SIGKILL');
          closedDuringWindow = !probeFw();
        }
      });
      child.on('close', () => resolve());
    });
    expect(stderr).toMatch(/vac-esch-ap1\s+applied/);
    expect(stderr).toMatch(/vac-esch-ap3\s+unreachable/);
    expect(killedAt).toBeGreaterThan(0);
    expect(closedDuringWindow).toBe(true); // the new ruleset was enforced
    // No outpost any more, yet the firewall's own timer restores the old (empty) ruleset.
    while (!probeFw() && Date.now() - killedAt < 6000) await new Promise((r) => setTimeout(r, 100));
    expect(probeFw()).toBe(true);
    expect(Date.now() - killedAt).toBeLessThan(5000);
    expect(nsRun(lab.device(FW).ns, ['nft', '-s', 'list', 'ruleset']).trim()).toBe('');
  });

  it('--resume finishes the interrupted run without redoing finished devices; exit 1 names the unreachable AP until it answers', () => {
    const first = outpost(['push', '--site', 'vac-esch', '--resume'], endpoints('ep-broken.yaml', ['vac-esch-ap3']));
    expect(first.stderr).toMatch(/resuming run .*: 4 of 6 device\(s\) already finished/);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/^vac-esch-ap3\s+hostapd\s+unreachable/m);
    expect(first.stdout).toContain('6 device(s): 4 skipped, 1 unreachable (vac-esch-ap3), 1 applied');
    expect(probeFw()).toBe(false); // only SSH from the NOC is let in now
    expect(nsRun(lab.device(FW).ns, ['nft', 'list', 'chain', 'inet', 'outpost', 'input'])).toContain('tcp dport 22 accept');
    expect(existsSync(apFile('vac-esch-ap3'))).toBe(false);

    const second = outpost(['push', '--site', 'vac-esch', '--resume'], endpoints('ep.yaml'));
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('6 device(s): 5 skipped, 1 applied; all done');
    expect(readFileSync(apFile('vac-esch-ap3'), 'utf8')).toContain('ssid=');
  });

  it('drift: an AP edited by hand is the only device reported, with the diff; exit 1', () => {
    const ep = endpoints('ep.yaml');
    const clean = outpost(['drift', '--site', 'vac-esch', ...SITE], ep);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('6 device(s): 6 in sync, 0 drifted, 0 unreachable');
    const file = apFile('vac-esch-ap2');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^channel=.*$/m, 'channel=36'));
    const r = outpost(['drift', '--site', 'vac-esch', ...SITE, '--json'], ep);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { results: { device: string; state: string; diff: string }[] };
    expect(doc.results.filter((x) => x.state !== 'in-sync').map((x) => x.device)).toEqual(['vac-esch-ap2']);
    const lines = doc.results.find((x) => x.device === 'vac-esch-ap2')!.diff.split('\n').filter((l) => /^[+-][^+-]/.test(l));
    expect(lines).toEqual(['-channel=0', '+channel=36']);
  });
});
