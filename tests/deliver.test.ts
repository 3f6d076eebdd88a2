// Delivery's pure parts: host key pinning (checked against OpenSSH's own tools), secrets
// handling, the run journal behind --resume, endpoints and targets from the inventory,
// diffs and the progress/summary text.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprint, parseKnownHosts, parsePublicKey, pinsFor, verifyHostKey } from '../core/deliver/hostkeys.js';
import { loadSecrets, redact, secretNames, substitute } from '../core/deliver/secrets.js';
import { findRun, openJournal, readRun } from '../core/deliver/journal.js';
import { configDiff } from '../core/deliver/diff.js';
import { createProgress, summaryTable } from '../core/deliver/progress.js';
import { loadEndpoints, siteWork } from '../core/deliver/targets.js';
import type { DeviceResult } from '../core/deliver/types.js';
import { loadInventory } from '../core/inventory/index.js';
import { platformCatalogue, renderInventory } from '../core/render/index.js';
import { inventoryCopy } from './support/inventory.js';
import { makeKeyPair } from './support/sshd.js';

const dir = mkdtempSync(join(tmpdir(), 'opd-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('host key pinning', () => {
  const a = makeKeyPair(dir, 'host_a');
  const b = makeKeyPair(dir, 'host_b');
  const keyA = parsePublicKey(a.publicKey)!;
  const keyB = parsePublicKey(b.publicKey)!;

  it('computes the fingerprint ssh-keygen prints and refuses a key pasted under the wrong type', () => {
    const lf = execFileSync('ssh-keygen', ['-lf', `${a.privateKeyPath}.pub`], { encoding: 'utf8' });
    expect(lf).toContain(fingerprint(keyA.blob));
    expect(parsePublicKey(a.publicKey.replace('ssh-ed25519', 'ssh-rsa'))).toBeUndefined();
  });

  it('finds pins in known_hosts: plain, [host]:port, hashed by ssh-keygen -H, and honours @revoked', () => {
    const file = join(dir, 'known_hosts');
    const [type, blob] = a.publicKey.split(' ');
    writeFileSync(file, `fw1,10.0.0.1 ${type} ${blob}\n[10.0.0.2]:2222 ${type} ${blob}\nap7 ${type} ${blob}\n@revoked * ${b.publicKey}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('ap7');
    const known = parseKnownHosts(text);
    expect(pinsFor({ hostname: 'fw1', address: '10.9.9.9', port: 22 }, known).keys).toHaveLength(1);
    expect(pinsFor({ hostname: 'sw', address: '10.0.0.2', port: 2222 }, known).keys).toHaveLength(1);
    expect(pinsFor({ hostname: 'sw', address: '10.0.0.2', port: 22 }, known).keys).toHaveLength(0);
    expect(pinsFor({ hostname: 'ap7', address: '10.0.0.7', port: 22 }, known).keys).toHaveLength(1);
    const revoked = pinsFor({ hostname: 'any', address: '10.0.0.8', port: 22 }, known);
    expect(verifyHostKey('any', keyB.blob, revoked)).toMatchObject({ ok: false, reason: 'revoked' });
  });

  it('the inventory pin wins; unknown and changed keys are refused with both fingerprints', () => {
    const pins = pinsFor({ hostname: 'fw1', address: '10.0.0.1', port: 22, hostKey: a.publicKey }, []);
    expect(verifyHostKey('fw1', keyA.blob, pins)).toEqual({ ok: true });
    const changed = verifyHostKey('fw1', keyB.blob, pins);
    expect(changed).toMatchObject({ ok: false, reason: 'changed' });
    expect(!changed.ok && changed.message).toContain(fingerprint(keyA.blob));
    expect(!changed.ok && changed.message).toContain(fingerprint(keyB.blob));
    expect(verifyHostKey('fw1', keyA.blob, pinsFor({ hostname: 'fw1', address: '10.0.0.1', port: 22 }, []))).toMatchObject({ ok: false, reason: 'unknown' });
  });
});

describe('secrets', () => {
  const sdir = join(dir, 'secrets');
  it('loads 0600 files, refuses readable, missing or short ones without showing values', () => {
    execFileSync('mkdir', ['-p', sdir]);
    writeFileSync(join(sdir, 'radius-key'), 'a-long-radius-secret\n', { mode: 0o600 });
    writeFileSync(join(sdir, 'snmp-auth'), 'readable-by-all', { mode: 0o644 });
    chmodSync(join(sdir, 'snmp-auth'), 0o644);
    writeFileSync(join(sdir, 'short'), 'abc', { mode: 0o600 });
    const { secrets, problems } = loadSecrets(sdir, ['radius-key', 'snmp-auth', 'snmp-priv', 'short']);
    expect([...secrets.keys()]).toEqual(['radius-key']);
    expect(secrets.get('radius-key')).toBe('a-long-radius-secret');
    expect(problems.join('\n')).toMatch(/snmp-auth: .* has mode 0644; it must be 0600/);
    expect(problems.join('\n')).toMatch(/snmp-priv: no file/);
    expect(problems.join('\n')).toMatch(/short: shorter than 8/);
    expect(problems.join('\n')).not.toContain('readable-by-all');
    expect(loadSecrets(undefined, ['x']).problems[0]).toContain('--secrets DIR');
  });

  it('fills placeholders outside comments only, and redaction turns values back into placeholders', () => {
    const config = '! placeholders look like %%OUTPOST_SECRET(name)%%\nradius-server key %%OUTPOST_SECRET(radius-key)%%\n';
    expect(secretNames(config, '!')).toEqual(['radius-key']);
    const secrets = new Map([['radius-key', 'a-long-radius-secret']]);
    const filled = substitute(config, secrets, '!');
    expect(filled).toBe('! placeholders look like %%OUTPOST_SECRET(name)%%\nradius-server key a-long-radius-secret\n');
    expect(redact(filled, secrets)).toBe(config);
    expect(() => substitute('key %%OUTPOST_SECRET(other)%%', secrets, '!')).toThrow(/other was not loaded/);
  });
});

describe('run journal', () => {
  it('knows which devices finished, survives a line cut by a crash, and finds the newest real run of a site', () => {
    const state = join(dir, 'state');
    const dry = openJournal(state, { site: 's1', devices: [{ device: 'a', sha256: '1' }], dryRun: true });
    dry.write({ device: 'a', phase: 'done', status: 'ok', outcome: 'planned', sha256: '1' });
    const j = openJournal(state, { site: 's1', devices: ['a', 'b', 'c'].map((device) => ({ device, sha256: device })), dryRun: false }, 'run-1');
    j.write({ device: 'a', phase: 'done', status: 'ok', outcome: 'applied', sha256: 'a' });
    j.write({ device: 'b', phase: 'done', status: 'ok', outcome: 'unchanged', sha256: 'b' });
    j.write({ device: 'b', phase: 'done', status: 'failed', outcome: 'rolled-back', sha256: 'b' });
    j.write({ device: 'c', phase: 'apply', status: 'ok' });
    appendFileSync(j.file, '{"type":"event","device":"c","pha');
    const run = readRun(j.file);
    expect([...run.finished.keys()]).toEqual(['a']);
    expect(run.complete).toBe(false);
    expect(findRun(state, 's1')?.run).toBe('run-1');
    expect(findRun(state, 's2')).toBeUndefined();
    expect(readRun(dry.file).finished.size).toBe(0);
  });
});

describe('targets and endpoints', () => {
  it('resolves devices from the plan, the inventory pin and an endpoints file; unknown names are located diagnostics', () => {
    const hostKey = makeKeyPair(dir, 'pin').publicKey.split(' ').slice(0, 2).join(' ');
    const inv = inventoryCopy([{ file: 'sites/vac-esch.yaml', from: /(hostname: vac-esch-fw1\n(\s+))/, to: `$1ssh: { port: 2222, hostKey: "${hostKey}" }\n$2` }]);
    try {
      const loaded = loadInventory(inv.dir, { platforms: platformCatalogue() });
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
      const r = renderInventory(loaded.value, { site: 'vac-esch' });
      const ep = join(dir, 'endpoints.yaml');
      writeFileSync(ep, 'endpoints:\n  vac-esch-ap1: { address: 198.18.0.5, port: 22, root: /srv/lab/ap1 }\n');
      const { endpoints, diagnostics } = loadEndpoints(ep);
      expect(diagnostics).toEqual([]);
      const { work } = siteWork(loaded.value, r.sites[0]!, r.artefacts, { site: 'vac-esch', endpoints });
      const fw = work.find((w) => w.target.hostname === 'vac-esch-fw1')!;
      expect(fw.target).toMatchObject({ platform: 'nftables', address: '10.64.130.129', port: 2222, hostKey });
      expect(fw.intended.map((f) => f.name)).toEqual(['.nft']);
      expect(work.find((w) => w.target.hostname === 'vac-esch-ap1')!.target).toMatchObject({ address: '198.18.0.5', root: '/srv/lab/ap1' });
      expect(siteWork(loaded.value, r.sites[0]!, r.artefacts, { site: 'vac-esch', devices: ['nope'] }).diagnostics[0]!.message).toContain('no device nope');

      writeFileSync(ep, 'endpoints:\n  vac-esch-ap1:\n    port: 70000\n');
      const bad = loadEndpoints(ep).diagnostics;
      expect(bad.map((d) => [d.line, d.path])).toEqual([[3, 'endpoints.vac-esch-ap1.port']]);
    } finally {
      inv.cleanup();
    }
  });
});

describe('diffs, progress and summary', () => {
  it('diffs per file with running/intended headers and ignores a missing final newline', () => {
    const d = configDiff('fw1', [{ name: '.nft', content: 'a\nb' }], [{ name: '.nft', content: 'a\nc\n' }]);
    expect(d.split('\n').slice(0, 2)).toEqual(['--- running/fw1.nft', '+++ intended/fw1.nft']);
    expect(d).toContain('-b\n+c');
    expect(configDiff('fw1', [{ name: '.nft', content: 'a' }], [{ name: '.nft', content: 'a\n' }])).toBe('');
  });

  it('on a terminal redraws one line per device with its phases and outcome', () => {
    let text = '';
    const p = createProgress({ write: (s: string) => (text += s), isTTY: true, rows: 40 }, ['fw1', 'ap1'], { color: false });
    p.event({ device: 'fw1', phase: 'connect', status: 'start' });
    p.event({ device: 'fw1', phase: 'connect', status: 'ok' });
    p.event({ device: 'fw1', phase: 'done', status: 'ok', outcome: 'applied' });
    p.event({ device: 'ap1', phase: 'backup', status: 'start' });
    p.finish();
    const frame = text.split('\u001b[2K').slice(-2).map((l) => l.trimEnd());
    expect(frame[0]).toMatch(/^✔ fw1\s+connect backup diff stage validate apply health confirm\s+applied$/);
    expect(frame[1]).toMatch(/^› ap1\s+connect backup/);
  });

  it('prints plain progress lines off a terminal and a summary naming the failed devices', () => {
    let text = '';
    const p = createProgress({ write: (s: string) => (text += s), isTTY: false }, ['fw1', 'ap1'], { color: false });
    p.event({ device: 'fw1', phase: 'validate', status: 'start' });
    p.event({ device: 'fw1', phase: 'validate', status: 'ok' });
    p.event({ device: 'ap1', phase: 'done', status: 'failed', outcome: 'unreachable', detail: 'connect ECONNREFUSED' });
    p.finish();
    expect(text).toMatch(/^\[\s+\d+\.\ds\] fw1\s+validate ok\n\[\s+\d+\.\ds\] ap1\s+unreachable: connect ECONNREFUSED\n$/);
    const r = (device: string, outcome: DeviceResult['outcome']): DeviceResult => ({ device, site: 's', platform: 'nftables', outcome, detail: 'x', diff: '', changed: true, sha256: '', ms: 1200 });
    const table = summaryTable([r('fw1', 'applied'), r('ap1', 'unreachable'), r('ap2', 'applied')]);
    expect(table.split('\n')[0]).toMatch(/^DEVICE\s+PLATFORM\s+RESULT\s+TIME\s+DETAIL$/);
    expect(table).toContain('3 device(s): 2 applied, 1 unreachable (ap1)');
  });
});
