// `outpost drift --remediate`, from the command line, against a switch someone edited by
// hand (telnet opened on the vty lines, the NTP server removed). The switch is a scripted
// SSH peer standing in for Cisco IOS (it cannot run here); the config it shows is the one
// outpost renders for vac-esch-asw1 with those two edits. The engineer gets the diff and
// the IOS commands that undo the edits, in --json as results[].remediation, and never a
// secret.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../core/inventory/index.js';
import { platformCatalogue, renderInventory } from '../core/render/index.js';
import { SECRET_VALUES, writeSecrets } from './support/deliver-fixtures.js';
import { exampleInventory, repoRoot } from './support/inventory.js';
import { startScriptedPeer, type ScriptedPeer, type Transcript } from './support/scripted-peer.js';

const DEVICE = 'vac-esch-asw1';
const inv = loadInventory(exampleInventory, { platforms: platformCatalogue() });
if (!inv.ok) throw new Error('example inventory');
const rendered = renderInventory(inv.value, { site: 'vac-esch' }).artefacts.find((a) => a.device === DEVICE)!.content;
const filled = Object.entries(SECRET_VALUES).reduce((t, [name, value]) => t.split(`%%OUTPOST_SECRET(${name})%%`).join(value), rendered);
const edited = filled.replace(' transport input ssh\n', ' transport input telnet ssh\n').replace(/^ntp server .*\n/m, '');
const showRun = `Building configuration...\n\nCurrent configuration : ${edited.length} bytes\n${edited}`;
const session = (): Transcript => ({
  prompt: `${DEVICE}#`,
  steps: [{ expect: 'terminal length 0' }, { expect: 'terminal width 0' }, { expect: 'show running-config', reply: showRun }, { expect: 'delete /force flash:outpost-candidate.cfg' }],
});

let dir: string;
let peer: ScriptedPeer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rdr-drift-'));
  peer = await startScriptedPeer([session(), session()], { dialect: 'cisco-ios' });
  writeFileSync(join(dir, 'id'), peer.clientPrivateKey, { mode: 0o600 });
  writeFileSync(join(dir, 'ep.yaml'), `endpoints:\n  ${DEVICE}: { address: 127.0.0.1, port: ${peer.port}, hostKey: "${peer.hostKey}" }\n`);
});
afterAll(async () => {
  await peer.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The built CLI, run without blocking this process (the peer answers from it). */
function outpost(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const argv = [join(repoRoot, 'dist', 'outpost.js'), 'drift', '--site', 'vac-esch', '--device', DEVICE, '--remediate', ...args];
  argv.push('--inventory', exampleInventory, '--endpoints', join(dir, 'ep.yaml'), '--identity', join(dir, 'id'), '--secrets', writeSecrets(dir), '--user', 'admin', '--connect-timeout', '5');
  return new Promise((resolve) => {
    const p = spawn(process.execPath, argv, { env: { ...process.env, NO_COLOR: '1', SSH_AUTH_SOCK: '' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('outpost drift --remediate', () => {
  const ntp = rendered.match(/^ntp server .*$/m)![0];
  const commands = [ntp, 'line vty 0 15', ' no transport input telnet ssh', ' transport input ssh', 'exit'];

  it('--json carries, for the drifted switch, the IOS commands that undo the hand edits; exit 1', async () => {
    const r = await outpost(['--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { results: { device: string; state: string; remediation?: string[] }[] };
    expect(doc.results.map((x) => [x.device, x.state, x.remediation])).toEqual([[DEVICE, 'drifted', commands]]);
    for (const v of Object.values(SECRET_VALUES)) expect(r.stdout + r.stderr).not.toContain(v);
  });

  it('in text, the commands follow the diff under the device name', async () => {
    const r = await outpost([]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`# ${DEVICE}: ${commands.length} command(s) back to the rendered config\n${commands.join('\n')}\n`);
    expect(r.stdout).toContain('+ transport input telnet ssh');
    expect(peer.unexpected).toEqual([]);
  });
});
