// The CLI drivers under faults, each against a scripted SSH peer standing in for its device
// (IOS, AOS-CX and FortiGate cannot run here: the peer is a real SSH server following a
// transcript, refusing what is off it in that vendor's documented words). The configs sent
// are the ones outpost renders for the 13 example sites, line for line. For every driver:
// a refusal before anything is applied leaves the device untouched, a failed health check
// is rolled back, a link cut after the apply is left to the device's own revert timer, and
// drift reads a hand-edited device back with the commands that undo the edit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configLines } from '../core/deliver/drivers/cli.js';
import { driftOf } from '../core/deliver/drift.js';
import { pushSite } from '../core/deliver/engine.js';
import type { SshSettings, Target } from '../core/deliver/types.js';
import { planInventory } from '../core/plan/index.js';
import { compilePolicy, today } from '../core/policy/index.js';
import { remediationFor, renderSites } from '../core/render/index.js';
import { REFUSALS, startScriptedPeer, type ScriptedPeer, type Step, type Transcript } from './support/scripted-peer.js';
import { loadExample } from './support/example.js';

const SECRETS = new Map([
  ['radius-key', 'rad-Secret-7f3a9c1e'],
  ['snmp-auth', 'snmp-Auth-2b8d4e6f'],
  ['snmp-priv', 'snmp-Priv-9a1c3e5b'],
]);
const fill = (t: string) => [...SECRETS].reduce((s, [name, value]) => s.split(`%%OUTPOST_SECRET(${name})%%`).join(value), t);

const { inv, policy } = loadExample();
const artefacts = renderSites(planInventory(inv, { rules: compilePolicy(inv, policy, today()).compiler }).sites).artefacts;
/** The rendered config of one device of the 13 sites on this platform (the n-th, so tests spread over sites). */
const renderedOn = (platform: string, n = 0) => artefacts.filter((a) => a.platform === platform)[n]!;

let peer: ScriptedPeer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await peer?.stop();
  peer = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function connectTo(sessions: Transcript[], dialect: keyof typeof REFUSALS, hostname: string, platform: string) {
  peer = await startScriptedPeer(sessions, { dialect });
  const target: Target = { hostname, site: 'lab', platform, address: '127.0.0.1', port: peer.port, hostKey: peer.hostKey };
  const ssh: SshSettings = { user: 'admin', privateKey: peer.clientPrivateKey, knownHosts: [], readyTimeoutMs: 3000, commandTimeoutMs: 3000 };
  return { target, ssh };
}

async function push(sessions: Transcript[], dialect: keyof typeof REFUSALS, a: { device: string; platform: string; content: string }) {
  const { target, ssh } = await connectTo(sessions, dialect, a.device, a.platform);
  const stateDir = mkdtempSync(join(tmpdir(), 'rdr-cli-'));
  dirs.push(stateDir);
  const report = await pushSite('lab', [{ target, intended: [{ name: '.cfg', content: a.content }], sha256: 'x' }], { stateDir, ssh, secrets: SECRETS, confirmTimeoutSeconds: 60 });
  return report.results[0]!;
}

async function drift(sessions: Transcript[], dialect: keyof typeof REFUSALS, a: { device: string; platform: string; content: string }) {
  const { target, ssh } = await connectTo(sessions, dialect, a.device, a.platform);
  const [r] = await driftOf([{ target, intended: [{ name: '.cfg', content: a.content }], sha256: 'x' }], { ssh, secrets: SECRETS });
  return r!;
}

const sent = (lines: readonly string[]): Step[] => lines.map((l) => ({ expect: l }));

describe('cisco-ios driver under faults', () => {
  const a = renderedOn('cisco-ios', 3);
  const setup = (extra: Step[]): Step[] => [{ expect: 'terminal length 0' }, { expect: 'terminal width 0' }, ...extra];
  const running = `Building configuration...\n\nCurrent configuration : 64 bytes\n!\nhostname ${a.device}\n!\nend`;
  const upToReplace = (reply: string, more: Partial<Step> = {}): Step[] => [
    { expect: 'show running-config', reply: running },
    { expect: /^show archive config differences/, reply: '!Contextual Config Diffs:\n+hostname x' },
    { expect: /^configure replace /, reply, prompt: `${a.device}#`, ...more },
  ];

  it('IOS refuses the candidate when it parses it: nothing is replaced, the staged file is deleted', async () => {
    const r = await push(
      [{ prompt: `${a.device}#`, steps: setup([{ expect: 'show running-config', reply: running }, { expect: /^show archive config differences/, reply: `interface GigabitEthernet1/0/48\n${REFUSALS['cisco-ios']}` }, { expect: 'delete /force flash:outpost-candidate.cfg' }]) }],
      'cisco-ios',
      a,
    );
    expect(peer!.unexpected).toEqual([]);
    expect(peer!.remaining()).toEqual([0]);
    expect([r.outcome, r.phase]).toEqual(['invalid', 'validate']);
    expect(r.detail).toContain('running config untouched');
    expect(peer!.uploads.get('flash:outpost-candidate.cfg')).toBe(fill(a.content));
  });

  it('a health check IOS fails after the replace is rolled back at once', async () => {
    const r = await push(
      [
        { prompt: `${a.device}#`, steps: setup(upToReplace('Total number of passes: 1\nRollback Done')) },
        { prompt: `${a.device}#`, steps: setup([{ expect: 'show clock', reply: REFUSALS['cisco-ios'] }, { expect: 'configure revert now', reply: 'Rollback Done' }]) },
      ],
      'cisco-ios',
      a,
    );
    expect(peer!.unexpected).toEqual([]);
    expect([r.outcome, r.phase]).toEqual(['rolled-back', 'health']);
    expect(r.detail).toContain('previous config restored');
  });

  it('the link cut right after the replace: outpost cannot reach it, IOS reverts by its own timer', async () => {
    const r = await push([{ prompt: `${a.device}#`, steps: setup(upToReplace('Total number of passes: 1\nRollback Done', { cut: true })) }], 'cisco-ios', a);
    expect([r.outcome, r.phase]).toEqual(['failed', 'health']);
    expect(r.detail).toMatch(/no longer accepts SSH after apply.*restores its previous config by itself when the 60 s confirm timer ends/);
  });
});

describe('aruba-aoscx driver under faults', () => {
  const a = renderedOn('aruba-aoscx', 1);
  const lines = configLines(fill(a.content), '!');
  const running = 'Current configuration:\n!\n!Version ArubaOS-CX FL.10.10.1000\nhostname switch\n';
  const setup: Step = { expect: 'no page' };
  const prompt = `${a.device}#`;

  it('the checkpoint cannot be taken: nothing is sent, the switch is untouched', async () => {
    const r = await push([{ prompt, steps: [setup, { expect: 'show running-config', reply: running }, { expect: 'copy running-config checkpoint outpost-pre', reply: `${REFUSALS['aruba-aoscx']}checkpoint` }] }], 'aruba-aoscx', a);
    expect(peer!.unexpected).toEqual([]);
    expect([r.outcome, r.phase]).toEqual(['failed', 'stage']);
    expect(r.detail).toContain('running config untouched');
  });

  it('a line of the rendered config refused half-way rolls the switch back to the checkpoint', async () => {
    const at = lines.findIndex((l) => /^ {4}vlan access /.test(l));
    const r = await push(
      [{ prompt, steps: [setup, { expect: 'show running-config', reply: running }, { expect: 'copy running-config checkpoint outpost-pre', reply: 'Success' }, { expect: 'checkpoint auto 1' }, ...sent(lines.slice(0, at)), { expect: lines[at]!, reply: `${REFUSALS['aruba-aoscx']}${lines[at]!.trim().split(' ').pop()}` }, { expect: 'end' }, { expect: 'checkpoint rollback outpost-pre', reply: 'Success' }] }],
      'aruba-aoscx',
      a,
    );
    expect(peer!.unexpected).toEqual([]);
    expect(peer!.remaining()).toEqual([0]);
    expect([r.outcome, r.phase]).toEqual(['rolled-back', 'apply']);
    expect(r.detail).toContain('Invalid input');
  });

  const applied: Step[] = [setup, { expect: 'show running-config', reply: running }, { expect: 'copy running-config checkpoint outpost-pre', reply: 'Success' }, { expect: 'checkpoint auto 1' }, ...sent(lines)];

  it('a failed health check after every rendered line went in is rolled back to the checkpoint', async () => {
    const r = await push(
      [
        { prompt, steps: [...applied, { expect: 'end' }] },
        { prompt, steps: [setup, { expect: 'show version', reply: REFUSALS['aruba-aoscx'] }, { expect: 'end' }, { expect: 'checkpoint rollback outpost-pre', reply: 'Success' }] },
      ],
      'aruba-aoscx',
      a,
    );
    expect(peer!.unexpected).toEqual([]);
    expect([r.outcome, r.phase]).toEqual(['rolled-back', 'health']);
  });

  it('the link cut after the apply: the switch rolls back when checkpoint auto runs out', async () => {
    const r = await push([{ prompt, steps: [...applied, { expect: 'end', cut: true }] }], 'aruba-aoscx', a);
    expect([r.outcome, r.phase]).toEqual(['failed', 'health']);
    expect(r.detail).toContain('restores its previous config by itself');
  });

  it('drift reads back a switch whose port lost 802.1X, and remediation puts it back', async () => {
    const port = a.content.match(/^interface (1\/1\/\d+)\n(?: {4}.*\n)*? {4}aaa authentication port-access dot1x authenticator\n {8}enable\n/m)!;
    const edited = fill(a.content.replace(port[0], port[0].replace('    aaa authentication port-access dot1x authenticator\n        enable\n', '')));
    const r = await drift([{ prompt, steps: [setup, { expect: 'show running-config', reply: `Current configuration:\n!\n!Version ArubaOS-CX FL.10.10.1000\n${edited}` }] }], 'aruba-aoscx', a);
    expect(peer!.unexpected).toEqual([]);
    expect(r.state).toBe('drifted');
    expect(r.diff).toContain('-    aaa authentication port-access dot1x authenticator');
    expect(remediationFor('aruba-aoscx')!(r.running!.map((f) => f.content).join('\n'), a.content)).toEqual([`interface ${port[1]}`, '    aaa authentication port-access dot1x authenticator', '        enable', 'exit']);
  });
});

describe('fortigate driver under faults', () => {
  const a = renderedOn('fortigate');
  const lines = configLines(fill(a.content), '#');
  const prompt = `${a.device} # `;
  const cli: Step[] = [{ expect: 'config system console' }, { expect: 'set output standard' }, { expect: 'end' }];
  const show = `#config-version=FGT60F-7.2.5-FW-build1517:opmode=0:vdom=0:user=admin\n#buildno=1517\nconfig system global\n    set hostname "FGT"\nend`;
  const revert: Step[] = [{ expect: 'config system global' }, { expect: 'set cfg-save revert' }, { expect: 'set cfg-revert-timeout 60' }, { expect: 'end' }];
  const reload: Step[] = [{ expect: 'execute cfg reload', reply: 'This operation will reload the saved configuration. Do you want to continue? (y/n)', prompt: ' ' }, { expect: 'y', reply: 'Configuration reloaded', prompt }];

  it('a line of the rendered config FortiOS refuses reverts the unit to its saved config at once', async () => {
    const at = lines.findIndex((l) => /set allowaccess /.test(l));
    const r = await push([{ prompt, steps: [...cli, { expect: 'show', reply: show }, ...revert, ...sent(lines.slice(0, at)), { expect: lines[at]!, reply: REFUSALS.fortigate }, ...reload] }], 'fortigate', a);
    expect(peer!.unexpected).toEqual([]);
    expect(peer!.remaining()).toEqual([0]);
    expect([r.outcome, r.phase]).toEqual(['rolled-back', 'apply']);
    expect(r.detail).toContain('command parse error');
  });

  const applied: Step[] = [...cli, { expect: 'show', reply: show }, ...revert, ...sent(lines)];

  it('a failed health check after the whole rendered config went in reloads the saved config', async () => {
    const r = await push(
      [
        { prompt, steps: applied },
        { prompt, steps: [...cli, { expect: 'get system status', reply: REFUSALS.fortigate }, ...reload] },
      ],
      'fortigate',
      a,
    );
    expect(peer!.unexpected).toEqual([]);
    expect([r.outcome, r.phase]).toEqual(['rolled-back', 'health']);
  });

  it('the link cut after the apply: the unit reverts by itself when cfg-revert-timeout runs out', async () => {
    const last = applied.length - 1;
    const r = await push([{ prompt, steps: [...applied.slice(0, last), { ...applied[last]!, cut: true }] }], 'fortigate', a);
    expect([r.outcome, r.phase]).toEqual(['failed', 'health']);
    expect(r.detail).toContain('restores its previous config by itself');
  });

  it('drift reads back a unit where telnet was turned on, and remediation sends the global block again', async () => {
    const edited = fill(a.content).replace('set admin-telnet disable', 'set admin-telnet enable');
    const r = await drift([{ prompt, steps: [...cli, { expect: 'show', reply: `#config-version=FGT60F-7.2.5-FW-build1517\n${edited}` }] }], 'fortigate', a);
    expect(peer!.unexpected).toEqual([]);
    expect(r.state).toBe('drifted');
    expect(r.diff).toContain('+    set admin-telnet enable');
    const global = a.content.match(/^config system global\n(?: {4}.*\n)*end$/m)![0].split('\n');
    expect(remediationFor('fortigate')!(r.running!.map((f) => f.content).join('\n'), a.content)).toEqual(global);
  });
});
