// A network engineer pushes a site of six Linux devices (a firewall, a VPN gateway and
// four APs), each a network namespace running a real sshd. The firewall forwards between
// a client and a server namespace, so a TCP connect across them shows which ruleset the
// kernel enforces: before, after, and after the device rolled itself back.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespace, createVeth, addRoute, enableForwarding, nsExec, nsRun } from '../../core/lab/netns.js';
import { pushSite, type Work } from '../../core/deliver/engine.js';
import { loadSecrets } from '../../core/deliver/secrets.js';
import { driftOf } from '../../core/deliver/drift.js';
import { driverFor } from '../../core/deliver/drivers/index.js';
import { parseKnownHosts } from '../../core/deliver/hostkeys.js';
import type { PushEvent, SshSettings, Target } from '../../core/deliver/types.js';
import { startLabSite, type LabSite } from '../support/netns.js';
import { labHostapdConfigs, rulesetAllowing, openvpnConfig, gatewayFiles, GATEWAY_RULES, SECRET_VALUES, writeSecrets } from '../support/deliver-fixtures.js';

let lab: LabSite;
let lanNs: string;
let srvNs: string;
let listener: ChildProcess;
let secretsDir: string;
const SERVER = '10.99.2.2';

const DEVICES = [
  { hostname: 'fw1', platform: 'nftables' },
  { hostname: 'vpn1', platform: 'openvpn' },
  { hostname: 'ap1', platform: 'hostapd' },
  { hostname: 'ap2', platform: 'hostapd' },
  { hostname: 'ap3', platform: 'hostapd' },
  { hostname: 'ap4', platform: 'hostapd' },
];

/** True when a TCP connection from the client namespace to the server's port succeeds. */
function probe(port: number): boolean {
  return nsExec(lanNs, ['timeout', '0.5', 'bash', '-c', `exec 3<>/dev/tcp/${SERVER}/${port}`]).code === 0;
}

function ssh(overrides: Partial<SshSettings> = {}): SshSettings {
  return { user: 'root', privateKey: lab.clientKey.privateKey, knownHosts: [], readyTimeoutMs: 2500, commandTimeoutMs: 4000, ...overrides };
}

function target(hostname: string, extra: Partial<Target> = {}): Target {
  const d = lab.device(hostname);
  return { hostname, site: 'opd-lab', platform: d.platform, address: d.address, port: 22, hostKey: d.sshd.hostKey, root: d.root, ...extra };
}

const hostapd = labHostapdConfigs();

function siteWork(fwRuleset: string): Work[] {
  return DEVICES.map((d, i) => {
    if (d.platform === 'openvpn') return { target: target(d.hostname), intended: gatewayFiles(1194), sha256: `test-${d.hostname}` };
    const content = d.platform === 'nftables' ? fwRuleset : hostapd[i % hostapd.length]!;
    const name = d.platform === 'nftables' ? '.nft' : '.hostapd.conf';
    return { target: target(d.hostname), intended: [{ name, content }], sha256: `test-${d.hostname}-${content.length}` };
  });
}

const fwNs = () => lab.device('fw1').ns;
const liveRuleset = () => nsRun(fwNs(), ['nft', '-s', 'list', 'ruleset']);

beforeAll(async () => {
  lab = await startLabSite({ area: 'opd', tag: 'a', devices: DEVICES });
  // client -- fw1 -- server, routed through the firewall namespace.
  lanNs = `${lab.prefix}-lan`;
  srvNs = `${lab.prefix}-srv`;
  createNamespace(lanNs);
  createNamespace(srvNs);
  createVeth({ name: 'lan0', ns: fwNs(), address: '10.99.1.1/24' }, { name: 'eth0', ns: lanNs, address: '10.99.1.2/24' });
  createVeth({ name: 'srv0', ns: fwNs(), address: '10.99.2.1/24' }, { name: 'eth0', ns: srvNs, address: `${SERVER}/24` });
  addRoute(lanNs, 'default', '10.99.1.1');
  addRoute(srvNs, 'default', '10.99.2.1');
  enableForwarding(fwNs());
  listener = spawn('ip', ['netns', 'exec', srvNs, process.execPath, '-e', "for (const p of [7070, 8080, 9090]) require('net').createServer((s) => s.end()).listen(p, '0.0.0.0')"], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !probeReady(); i++) await new Promise((r) => setTimeout(r, 50));
  secretsDir = writeSecrets(lab.dir);
});

// Before any firewall rules, the server answers on both ports.
function probeReady(): boolean {
  return nsExec(srvNs, ['ss', '-ltnH', 'sport = :9090']).stdout.includes('9090');
}

afterAll(async () => {
  listener?.kill();
  await lab?.destroy();
});

/** Loads ruleset `v` into the firewall by hand, as a site's starting state. */
function setFirewall(ruleset: string): void {
  nsRun(fwNs(), ['nft', '-f', '-'], { input: `flush ruleset\n${ruleset}` });
}

describe('push to a site of six Linux devices', () => {
  it('applies every config, the firewall enforces the new ruleset, secrets are filled and never shown', async () => {
    setFirewall(rulesetAllowing(8080));
    expect([probe(8080), probe(9090)]).toEqual([true, false]);
    const { secrets, problems } = loadSecrets(secretsDir, ['radius-key', 'snmp-auth', 'snmp-priv']);
    expect(problems).toEqual([]);
    const events: PushEvent[] = [];
    const report = await pushSite('opd-lab', siteWork(rulesetAllowing(9090)), {
      stateDir: join(lab.dir, 'state'),
      ssh: ssh(),
      secrets,
      concurrency: 3,
      confirmTimeoutSeconds: 3,
      onEvent: (e) => events.push(e),
    });
    expect(report.results.map((r) => [r.device, r.outcome, r.detail.slice(0, 200)])).toEqual(DEVICES.map((d) => [d.hostname, 'applied', expect.stringContaining('applied')]));
    expect(report.ok).toBe(true);
    // Enforced by the kernel of the firewall namespace: 9090 passes, 8080 no longer does.
    expect([probe(8080), probe(9090)]).toEqual([false, true]);
    // ...and it stays so after the confirm timer would have fired.
    await new Promise((r) => setTimeout(r, 3500));
    expect([probe(8080), probe(9090)]).toEqual([false, true]);
    expect(readFileSync(join(lab.device('fw1').root, 'etc/nftables.conf'), 'utf8')).toBe(rulesetAllowing(9090));

    // The AP got its secret filled in; the placeholder is gone from the device file.
    const apFile = readFileSync(join(lab.device('ap1').root, 'etc/hostapd/hostapd.conf'), 'utf8');
    expect(apFile).toContain(SECRET_VALUES['radius-key']);
    expect(apFile).not.toMatch(/^[^#]*%%OUTPOST_SECRET/m);
    // Diffs, journal and history show placeholders, never values.
    const ap1 = report.results.find((r) => r.device === 'ap1')!;
    expect(ap1.diff).toContain('%%OUTPOST_SECRET(radius-key)%%');
    const journal = readFileSync(report.journal, 'utf8');
    for (const v of Object.values(SECRET_VALUES)) {
      expect(JSON.stringify(report)).not.toContain(v);
      expect(journal).not.toContain(v);
      expect(readFileSync(join(ap1.backup!, 'diff.patch'), 'utf8')).not.toContain(v);
    }
    // One backup folder per device, 0700, with the running config before the push.
    expect(readdirSync(join(lab.dir, 'state', 'history')).sort()).toEqual(DEVICES.map((d) => d.hostname).sort());
    const fwBackup = report.results.find((r) => r.device === 'fw1')!.backup!;
    expect(readFileSync(join(fwBackup, 'running-nft'), 'utf8')).toContain('tcp dport 8080 accept');
    // Phases reported in order for the firewall.
    expect(events.filter((e) => e.device === 'fw1' && e.status === 'ok').map((e) => e.phase)).toEqual([
      'connect', 'backup', 'diff', 'stage', 'validate', 'apply', 'health', 'confirm', 'done',
    ]);

    // A second push finds nothing to do.
    const again = await pushSite('opd-lab', siteWork(rulesetAllowing(9090)), { stateDir: join(lab.dir, 'state'), ssh: ssh(), secrets, confirmTimeoutSeconds: 3 });
    expect(again.results.map((r) => r.outcome)).toEqual(DEVICES.map(() => 'unchanged'));
  });
});

describe('the VPN gateway', () => {
  it('reloads the running openvpn daemon with the new config and loads its role rules; a config openvpn or nft refuses never reaches it', async () => {
    const vpn = lab.device('vpn1');
    const pidfile = join(vpn.root, 'run/openvpn-server/outpost.pid');
    mkdirSync(join(vpn.root, 'run/openvpn-server'), { recursive: true });
    nsRun(vpn.ns, ['openvpn', '--config', join(vpn.root, 'etc/openvpn/outpost/openvpn.conf'), '--writepid', pidfile, '--daemon', '--log', join(vpn.root, 'openvpn.log')]);
    const listening = (port: number) => nsExec(vpn.ns, ['ss', '-lunH', `sport = :${port}`]).stdout.includes(String(port));
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 60 && !cond(); i++) await new Promise((r) => setTimeout(r, 100));
      return cond();
    };
    try {
      expect(await until(() => listening(1194))).toBe(true);
      const pid = readFileSync(pidfile, 'utf8').trim();
      const work = (content: string, rules = GATEWAY_RULES): Work[] => [{ target: target('vpn1'), intended: gatewayFiles(0, content, rules), sha256: `vpn-${content.length}-${rules.length}` }];
      const moved = await pushSite('opd-lab', work(openvpnConfig(1195)), { stateDir: join(lab.dir, 'state'), ssh: ssh(), secrets: new Map(), confirmTimeoutSeconds: 3 });
      expect(moved.results[0]!.outcome).toBe('applied');
      // Same daemon (SIGHUP, not a new process), now serving the pushed config.
      expect(await until(() => listening(1195) && !listening(1194))).toBe(true);
      expect(readFileSync(pidfile, 'utf8').trim()).toBe(pid);

      const refused = await pushSite('opd-lab', work(`${openvpnConfig(1196)}bogus-option 1\n`), { stateDir: join(lab.dir, 'state'), ssh: ssh(), secrets: new Map(), confirmTimeoutSeconds: 3 });
      expect([refused.results[0]!.outcome, refused.results[0]!.detail]).toEqual(['invalid', expect.stringContaining('bogus-option')]);
      expect(readFileSync(join(vpn.root, 'etc/openvpn/outpost/openvpn.conf'), 'utf8')).toBe(openvpnConfig(1195));
      expect(listening(1195)).toBe(true);
      // The role rules are loaded with the config, and a ruleset nft refuses never lands.
      expect(nsRun(vpn.ns, ['nft', 'list', 'table', 'inet', 'outpost'])).toContain('helpdesk-web');
      const badRules = await pushSite('opd-lab', work(openvpnConfig(1195), GATEWAY_RULES.replace('tcp dport 443', 'tcp dport 99999')), { stateDir: join(lab.dir, 'state'), ssh: ssh(), secrets: new Map(), confirmTimeoutSeconds: 3 });
      expect(badRules.results[0]!.outcome).toBe('invalid');
      expect(readFileSync(join(vpn.root, 'etc/openvpn/outpost/ruleset.nft'), 'utf8')).toBe(GATEWAY_RULES);
    } finally {
      if (existsSync(pidfile)) nsExec(vpn.ns, ['kill', readFileSync(pidfile, 'utf8').trim()]);
      rmSync(pidfile, { force: true });
    }
  });
});

describe('faults during a push', () => {
  const state = () => join(lab.dir, 'state');
  const fwWork = (ruleset: string): Work[] => [{ target: target('fw1'), intended: [{ name: '.nft', content: ruleset }], sha256: `fw-${ruleset.length}` }];

  it('the link is cut right after apply: the device rolls back by itself within the timeout', async () => {
    setFirewall(rulesetAllowing(8080));
    const before = liveRuleset();
    let duringWindow: boolean[] = [];
    let appliedAt = 0;
    const report = await pushSite('opd-lab', fwWork(rulesetAllowing(9090)), {
      stateDir: state(),
      ssh: ssh({ readyTimeoutMs: 1500, commandTimeoutMs: 1500 }),
      secrets: new Map(),
      confirmTimeoutSeconds: 3,
      onEvent: (e) => {
        if (e.device === 'fw1' && e.phase === 'apply' && e.status === 'ok') {
          appliedAt = Date.now();
          // The new ruleset is live...
          duringWindow = [probe(8080), probe(9090)];
          // ...and the management link goes down before outpost can check or confirm.
          nsRun(fwNs(), ['ip', 'link', 'set', 'mgmt0', 'down']);
        }
      },
    });
    try {
      expect(duringWindow).toEqual([false, true]);
      const r = report.results[0]!;
      expect([r.outcome, r.phase]).toEqual(['failed', 'health']);
      expect(r.detail).toContain('restores its previous config by itself');
      expect(report.ok).toBe(false);
      // Nobody could reach the device, yet when its 3 s timer ended it restored the old rules.
      const marker = join(lab.device('fw1').root, 'var/lib/outpost/deliver/rolled-back');
      while (Date.now() < appliedAt + 6000 && !existsSync(marker)) await new Promise((res) => setTimeout(res, 100));
      const rolledBackAfter = statSync(marker).mtimeMs - appliedAt;
      expect(rolledBackAfter).toBeGreaterThan(2500);
      expect(rolledBackAfter).toBeLessThan(4500);
      expect([probe(8080), probe(9090)]).toEqual([true, false]);
      expect(liveRuleset()).toBe(before);
      // Nothing was made persistent: a reboot would load the old file too.
      expect(readFileSync(join(lab.device('fw1').root, 'etc/nftables.conf'), 'utf8')).toBe(rulesetAllowing(9090 /* from the first test */));
    } finally {
      nsRun(fwNs(), ['ip', 'link', 'set', 'mgmt0', 'up']);
    }
  });

  it('the candidate fails on-device validation: the device is untouched', async () => {
    setFirewall(rulesetAllowing(8080));
    const before = liveRuleset();
    const broken = rulesetAllowing(9090).replace('tcp dport 9090 accept', 'ip saddr @no_such_set tcp dport 9090 accept');
    const report = await pushSite('opd-lab', fwWork(broken), { stateDir: state(), ssh: ssh(), secrets: new Map(), confirmTimeoutSeconds: 3 });
    const r = report.results[0]!;
    expect([r.outcome, r.phase]).toEqual(['invalid', 'validate']);
    expect(r.detail).toMatch(/no_such_set/);
    expect(liveRuleset()).toBe(before);
    expect([probe(8080), probe(9090)]).toEqual([true, false]);
    expect(existsSync(join(lab.device('fw1').root, 'var/lib/outpost/deliver/candidate'))).toBe(false);
  });

  it('a device awaiting confirmation of another push refuses a second push and leaves the first alone', async () => {
    setFirewall(rulesetAllowing(8080));
    const first = await driverFor('nftables')!.connect(target('fw1'), ssh());
    try {
      await first.stage([{ name: '.nft', content: rulesetAllowing(9090) }]);
      await first.applyWithConfirm(5);
      const report = await pushSite('opd-lab', fwWork(rulesetAllowing(7070)), { stateDir: state(), ssh: ssh(), secrets: new Map(), confirmTimeoutSeconds: 3 });
      const r = report.results[0]!;
      expect([r.outcome, r.phase]).toEqual(['failed', 'apply']);
      expect(r.detail).toContain('another push is awaiting confirmation on this device');
      expect([probe(8080), probe(9090), probe(7070)]).toEqual([false, true, false]);
      await first.rollback();
      expect([probe(8080), probe(9090)]).toEqual([true, false]);
    } finally {
      first.close();
    }
  });

  it('one device is unreachable: the others finish and the results say which failed', async () => {
    const work = siteWork(rulesetAllowing(7070)).map((w) => (w.target.hostname === 'ap3' ? { ...w, target: { ...w.target, port: 2 } } : w));
    const report = await pushSite('opd-lab', work, { stateDir: state(), ssh: ssh(), secrets: loadSecrets(secretsDir, ['radius-key', 'snmp-auth', 'snmp-priv']).secrets, concurrency: 6, confirmTimeoutSeconds: 3 });
    const by = Object.fromEntries(report.results.map((r) => [r.device, r.outcome]));
    expect(by).toEqual({ fw1: 'applied', vpn1: 'applied' /* back from 1195 */, ap1: 'unchanged', ap2: 'unchanged', ap3: 'unreachable', ap4: 'unchanged' });
    expect(report.results.find((r) => r.device === 'ap3')!.detail).toMatch(/ECONNREFUSED/);
    expect(report.ok).toBe(false);
    expect(probe(7070)).toBe(true);
  });

  it('a changed or unknown host key is refused; a known_hosts pin is accepted', async () => {
    const ap2 = lab.device('ap2');
    const oldKey = ap2.sshd.hostKey;
    const knownHosts = parseKnownHosts(`${lab.device('ap4').address} ${lab.device('ap4').sshd.hostKey}\n`);
    await ap2.sshd.rotateHostKey();
    const work = siteWork(rulesetAllowing(7070))
      .filter((w) => ['ap2', 'ap3', 'ap4'].includes(w.target.hostname))
      .map((w) => {
        if (w.target.hostname === 'ap2') return { ...w, target: { ...w.target, hostKey: oldKey } };
        const { hostKey: _drop, ...rest } = w.target;
        return { ...w, target: rest };
      });
    const report = await pushSite('opd-lab', work, { stateDir: state(), ssh: ssh({ knownHosts }), secrets: loadSecrets(secretsDir, ['radius-key', 'snmp-auth', 'snmp-priv']).secrets, confirmTimeoutSeconds: 3 });
    const by = Object.fromEntries(report.results.map((r) => [r.device, [r.outcome, r.detail]]));
    expect(by.ap2![0]).toBe('refused');
    expect(by.ap2![1]).toContain('HOST KEY CHANGED for ap2');
    expect(by.ap3![0]).toBe('refused');
    expect(by.ap3![1]).toContain('no pinned host key for ap3');
    expect(by.ap4![0]).toBe('unchanged');
  });
});

describe('authentication', () => {
  it('logs in with the key held by an SSH agent, no key file given', async () => {
    const sock = join(lab.dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
      nsRun(undefined, ['env', `SSH_AUTH_SOCK=${sock}`, 'ssh-add', '-q', lab.clientKey.privateKeyPath]);
      const work = siteWork(rulesetAllowing(7070)).filter((w) => w.target.hostname === 'ap4');
      const { privateKey: _none, ...noKey } = ssh();
      const [viaAgent] = await driftOf(work, { ssh: { ...noKey, agent: sock }, secrets: loadSecrets(secretsDir, ['radius-key', 'snmp-auth', 'snmp-priv']).secrets });
      expect(viaAgent!.state).toBe('in-sync');
      // Without the agent and without a key there is no way in.
      const [none] = await driftOf(work, { ssh: noKey, secrets: new Map() });
      expect(none!.state).toBe('unreachable');
    } finally {
      agent.kill();
    }
  });
});

describe('drift', () => {
  it('a config changed by hand in one namespace is reported for exactly that device, with the diff', async () => {
    const secrets = loadSecrets(secretsDir, ['radius-key', 'snmp-auth', 'snmp-priv']).secrets;
    const work = siteWork(rulesetAllowing(7070));
    const pushed = await pushSite('opd-lab', work, { stateDir: join(lab.dir, 'state'), ssh: ssh(), secrets, confirmTimeoutSeconds: 3 });
    expect(pushed.results.every((r) => r.outcome === 'applied' || r.outcome === 'unchanged')).toBe(true);
    const clean = await driftOf(work, { ssh: ssh(), secrets });
    expect(clean.map((d) => d.state)).toEqual(DEVICES.map(() => 'in-sync'));

    // Someone opens port 6000 on the firewall by hand.
    nsRun(fwNs(), ['nft', 'add', 'rule', 'inet', 'outpost', 'forward', 'tcp', 'dport', '6000', 'accept']);
    const drift = await driftOf(work, { ssh: ssh(), secrets });
    expect(drift.filter((d) => d.state !== 'in-sync').map((d) => d.device)).toEqual(['fw1']);
    const fw = drift.find((d) => d.device === 'fw1')!;
    expect(fw.state).toBe('drifted');
    expect(fw.diff.split('\n').filter((l) => /^[+-][^+-]/.test(l))).toEqual(['+\t\ttcp dport 6000 accept']);
  });
});
