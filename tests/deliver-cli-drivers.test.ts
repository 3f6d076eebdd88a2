// The commercial platforms cannot run here, so their drivers are tested against a
// scripted SSH peer: a real SSH server on loopback following a transcript of the
// device's dialogue. The transcripts are written from the vendors' documented command
// behaviour; they prove the driver says the right things in the right order and reacts
// to refusals, not that a given firmware answers exactly so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pushSite } from '../core/deliver/engine.js';
import { driftOf } from '../core/deliver/drift.js';
import type { SshSettings, Target } from '../core/deliver/types.js';
import { loadInventory } from '../core/inventory/index.js';
import { platformCatalogue, remediationFor, renderInventory } from '../core/render/index.js';
import { startScriptedPeer, type ScriptedPeer, type Step, type Transcript } from './support/scripted-peer.js';
import { exampleInventory } from './support/inventory.js';

let peer: ScriptedPeer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await peer?.stop();
  peer = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const SECRETS = new Map([
  ['radius-key', 'rad-Secret-7f3a9c1e'],
  ['snmp-auth', 'snmp-Auth-2b8d4e6f'],
  ['snmp-priv', 'snmp-Priv-9a1c3e5b'],
]);

async function push(platform: string, content: string, sessions: Transcript[], confirmTimeoutSeconds = 60) {
  peer = await startScriptedPeer(sessions);
  const stateDir = mkdtempSync(join(tmpdir(), 'opd-cli-'));
  dirs.push(stateDir);
  const target: Target = { hostname: 'dev1', site: 'lab', platform, address: '127.0.0.1', port: peer.port, hostKey: peer.hostKey };
  const ssh: SshSettings = { user: 'admin', privateKey: peer.clientPrivateKey, knownHosts: [], readyTimeoutMs: 5000, commandTimeoutMs: 5000 };
  const report = await pushSite('lab', [{ target, intended: [{ name: '.cfg', content }], sha256: 'x' }], { stateDir, ssh, secrets: SECRETS, confirmTimeoutSeconds });
  return { result: report.results[0]!, target, ssh, stateDir };
}

const ios = (hostname: string, extra: Step[] = []): Step[] => [{ expect: 'terminal length 0' }, { expect: 'terminal width 0' }, ...extra];

describe('cisco-ios driver (scripted peer)', () => {
  const inv = loadInventory(exampleInventory, { platforms: platformCatalogue() });
  if (!inv.ok) throw new Error('example inventory');
  const asw1 = renderInventory(inv.value, { site: 'vac-esch' }).artefacts.find((a) => a.device === 'vac-esch-asw1')!;
  const running = 'Building configuration...\n\nCurrent configuration : 64 bytes\n!\nhostname Switch\n!\nend';

  it('uploads the rendered config by scp, lets IOS diff it, replaces with a revert timer, then confirms and saves', async () => {
    const { result } = await push('cisco-ios', asw1.content, [
      {
        prompt: 'Switch#',
        steps: ios('Switch', [
          { expect: 'show running-config', reply: running },
          { expect: 'show archive config differences flash:outpost-candidate.cfg system:running-config', reply: '!Contextual Config Diffs:\n+hostname vac-esch-asw1\n-hostname Switch' },
          { expect: 'configure replace flash:outpost-candidate.cfg force revert trigger error timer 1', reply: 'Total number of passes: 1\nRollback Done', prompt: 'vac-esch-asw1#' },
        ]),
      },
      {
        prompt: 'vac-esch-asw1#',
        steps: ios('vac-esch-asw1', [
          { expect: 'show clock', reply: '*10:00:00.000 UTC Tue Nov 24 2026' },
          { expect: 'configure confirm' },
          { expect: 'write memory', reply: 'Building configuration...\n[OK]' },
          { expect: 'show running-config', reply: running.replace('Switch', 'vac-esch-asw1') },
        ]),
      },
    ]);
    expect(peer!.unexpected).toEqual([]);
    expect(peer!.remaining()).toEqual([0, 0]);
    expect([result.outcome, result.detail]).toEqual(['applied', expect.stringContaining('confirmed')]);
    const uploaded = peer!.uploads.get('flash:outpost-candidate.cfg')!;
    expect(uploaded).toContain('hostname vac-esch-asw1');
    // Secrets filled on the device copy only; the comment documenting placeholders is left alone.
    expect(uploaded).toContain(SECRETS.get('radius-key'));
    expect(uploaded).not.toMatch(/^[^!]*%%OUTPOST_SECRET/m);
    expect(result.diff).not.toContain(SECRETS.get('radius-key'));
    expect(result.diff).toContain('+hostname vac-esch-asw1');
  });

  it('a replace IOS refuses is reverted at once; the device is not left half-configured', async () => {
    const { result } = await push('cisco-ios', asw1.content, [
      {
        prompt: 'Switch#',
        steps: ios('Switch', [
          { expect: 'show running-config', reply: running },
          { expect: /^show archive config differences/, reply: '!Contextual Config Diffs:\n+hostname vac-esch-asw1' },
          { expect: /^configure replace /, reply: "interface GigabitEthernet1/0/48\n% Invalid input detected at '^' marker.\nFailed to apply command" },
          { expect: 'configure revert now', reply: 'Rollback Done' },
        ]),
      },
    ]);
    expect(peer!.unexpected).toEqual([]);
    expect(peer!.remaining()).toEqual([0]);
    expect([result.outcome, result.phase]).toEqual(['rolled-back', 'apply']);
    expect(result.detail).toContain('Invalid input');
  });
  it('a failed health check whose rollback IOS refuses is reported as a failed rollback with the device\'s words, not as unreachable', async () => {
    const refusedRevert = '% Rollback not successful: no archived configuration to revert to';
    const { result } = await push('cisco-ios', asw1.content, [
      {
        prompt: 'Switch#',
        steps: ios('Switch', [
          { expect: 'show running-config', reply: running },
          { expect: /^show archive config differences/, reply: '!Contextual Config Diffs:\n+hostname vac-esch-asw1' },
          { expect: /^configure replace /, reply: 'Total number of passes: 1\nRollback Done', prompt: 'vac-esch-asw1#' },
          { expect: 'configure revert now', reply: refusedRevert },
        ]),
      },
      {
        prompt: 'vac-esch-asw1#',
        steps: ios('vac-esch-asw1', [
          { expect: 'show clock', reply: "% Invalid input detected at '^' marker." },
          { expect: 'configure revert now', reply: refusedRevert },
        ]),
      },
    ]);
    expect(peer!.unexpected).toEqual([]);
    expect(peer!.remaining()).toEqual([0, 0]);
    expect([result.outcome, result.phase]).toEqual(['failed', 'rollback']);
    expect(result.detail).toMatch(/^health: health check failed: .*Invalid input.*; the rollback failed, the device answered: .*Rollback not successful: no archived configuration to revert to/);
    expect(result.detail).not.toMatch(/unreachable/);
  });
  it('drift reads a hand-edited switch back, and --remediate gives the IOS commands that undo the edit', async () => {
    const filled = [...SECRETS].reduce((t, [name, value]) => t.split(`%%OUTPOST_SECRET(${name})%%`).join(value), asw1.content);
    const edited = filled.replace(' transport input ssh\n', ' transport input telnet ssh\n').replace(/^ntp server .*\n/m, '');
    peer = await startScriptedPeer([
      {
        prompt: 'vac-esch-asw1#',
        steps: ios('vac-esch-asw1', [
          { expect: 'show running-config', reply: `Building configuration...\n\nCurrent configuration : ${edited.length} bytes\n${edited}` },
          { expect: 'delete /force flash:outpost-candidate.cfg' },
        ]),
      },
    ]);
    const target: Target = { hostname: 'vac-esch-asw1', site: 'vac-esch', platform: 'cisco-ios', address: '127.0.0.1', port: peer.port, hostKey: peer.hostKey };
    const ssh: SshSettings = { user: 'admin', privateKey: peer.clientPrivateKey, knownHosts: [], readyTimeoutMs: 5000, commandTimeoutMs: 5000 };
    const [drift] = await driftOf([{ target, intended: [{ name: '.cfg', content: asw1.content }], sha256: 'x' }], { ssh, secrets: SECRETS });
    expect(peer.unexpected).toEqual([]);
    expect(drift!.state).toBe('drifted');
    expect(drift!.diff).toContain('+ transport input telnet ssh');
    const running = drift!.running!.map((f) => f.content).join('\n');
    // The device's secrets come back as placeholders: remediation never carries them.
    expect(running).not.toContain(SECRETS.get('radius-key'));
    const ntp = asw1.content.match(/^ntp server .*$/m)![0];
    expect(remediationFor('cisco-ios')!(running, asw1.content)).toEqual([ntp, 'line vty 0 15', ' no transport input telnet ssh', ' transport input ssh', 'exit']);
  });
});

describe('aruba-aoscx driver (scripted peer)', () => {
  const candidate = '! rendered by outpost\nhostname sw2\nvlan 10\n    name STAFF\n';
  const running = 'Current configuration:\n!\n!Version ArubaOS-CX FL.10.10.1000\nhostname switch\n';
  const setup: Step[] = [{ expect: 'no page' }];

  it('takes a checkpoint, applies under checkpoint auto, confirms and saves', async () => {
    const { result } = await push('aruba-aoscx', candidate, [
      {
        prompt: 'switch#',
        steps: [
          ...setup,
          { expect: 'show running-config', reply: running },
          { expect: 'copy running-config checkpoint outpost-pre', reply: 'Success' },
          { expect: 'checkpoint auto 1', prompt: 'switch(config)#' },
          { expect: 'hostname sw2', prompt: 'sw2(config)#' },
          { expect: 'vlan 10', prompt: 'sw2(config-vlan-10)#' },
          { expect: '    name STAFF' },
          { expect: 'end', prompt: 'sw2#' },
        ],
      },
      {
        prompt: 'sw2#',
        steps: [...setup, { expect: 'show version', reply: 'ArubaOS-CX FL.10.10.1000' }, { expect: 'checkpoint auto confirm' }, { expect: 'write memory', reply: 'Configuration changes will take time to process, please be patient...' }, { expect: 'show running-config', reply: running.replace('switch', 'sw2') }],
      },
    ]);
    expect(peer!.unexpected).toEqual([]);
    expect(peer!.remaining()).toEqual([0, 0]);
    expect(result.outcome).toBe('applied');
  });

  it('the first refused line rolls the switch back to the checkpoint', async () => {
    const { result } = await push('aruba-aoscx', candidate, [
      {
        prompt: 'switch#',
        steps: [
          ...setup,
          { expect: 'show running-config', reply: running },
          { expect: 'copy running-config checkpoint outpost-pre', reply: 'Success' },
          { expect: 'checkpoint auto 1', prompt: 'switch(config)#' },
          { expect: 'hostname sw2', prompt: 'sw2(config)#' },
          { expect: 'vlan 10', reply: 'Invalid input: 10' },
          { expect: 'end', prompt: 'sw2#' },
          { expect: 'checkpoint rollback outpost-pre', reply: 'Success', prompt: 'switch#' },
        ],
      },
    ]);
    expect(peer!.unexpected).toEqual([]);
    expect(peer!.remaining()).toEqual([0]);
    expect([result.outcome, result.phase]).toEqual(['rolled-back', 'apply']);
  });
});

describe('fortigate driver (scripted peer)', () => {
  const candidate = '# rendered by outpost\nconfig system global\n    set hostname "fw2"\nend\n';
  const setup: Step[] = [{ expect: 'config system console', prompt: 'FGT (console) # ' }, { expect: 'set output standard' }, { expect: 'end', prompt: 'FGT # ' }];
  const show = '#config-version=FGT60F-7.2.5-FW-build1517:opmode=0:vdom=0:user=admin\n#buildno=1517\nconfig system global\n    set hostname "FGT"\nend';

  it('makes changes provisional with cfg-save revert, applies, then saves and restores automatic saving', async () => {
    const { result, target, ssh, stateDir } = await push('fortigate', candidate, [
      {
        prompt: 'FGT # ',
        steps: [
          ...setup,
          { expect: 'show', reply: show },
          { expect: 'config system global', prompt: 'FGT (global) # ' },
          { expect: 'set cfg-save revert' },
          { expect: 'set cfg-revert-timeout 60' },
          { expect: 'end', prompt: 'FGT # ' },
          { expect: 'config system global', prompt: 'FGT (global) # ' },
          { expect: '    set hostname "fw2"' },
          { expect: 'end', prompt: 'fw2 # ' },
        ],
      },
      {
        prompt: 'fw2 # ',
        steps: [
          { expect: 'config system console', prompt: 'fw2 (console) # ' },
          { expect: 'set output standard' },
          { expect: 'end', prompt: 'fw2 # ' },
          { expect: 'get system status', reply: 'Version: FortiGate-60F v7.2.5,build1517' },
          { expect: 'execute cfg save' },
          { expect: 'config system global', prompt: 'fw2 (global) # ' },
          { expect: 'set cfg-save automatic' },
          { expect: 'end', prompt: 'fw2 # ' },
          { expect: 'show', reply: show.replace('"FGT"', '"fw2"') },
        ],
      },
    ]);
    expect(peer!.unexpected).toEqual([]);
    expect(peer!.remaining()).toEqual([0, 0]);
    expect(result.outcome).toBe('applied');

    // Drift on a CLI platform compares with what the unit printed after the confirmed push.
    await peer!.stop();
    const edited = show.replace('"FGT"', '"fw2"').replace('end', '    set admintimeout 480\nend');
    peer = await startScriptedPeer([
      { prompt: 'fw2 # ', steps: [...setup.map((s) => ({ ...s, prompt: s.prompt?.replace('FGT', 'fw2') })), { expect: 'show', reply: edited }] },
    ]);
    const [drift] = await driftOf([{ target: { ...target, port: peer.port, hostKey: peer.hostKey }, intended: [{ name: '.cfg', content: candidate }], sha256: 'x' }], {
      ssh: { ...ssh, privateKey: peer.clientPrivateKey },
      secrets: SECRETS,
      stateDir,
    });
    expect(drift!.state).toBe('drifted');
    expect(drift!.detail).toContain('confirmed by the last push');
    expect(drift!.diff.split('\n').filter((l) => /^[+-][^+-]/.test(l))).toEqual(['+    set admintimeout 480']);
  });
});
