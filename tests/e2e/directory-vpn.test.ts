// The kit's VPN profile, used for real: an OpenVPN gateway in a network namespace the
// test creates checks each login against the directory (slapd, otp overlay). The
// agent's unmodified .ovpn connects with password + TOTP code; the password alone is
// refused. Needs root (namespaces, tun), as the tests have in CI.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../core/inventory/index.js';
import { parsePeople } from '../../core/people/index.js';
import { desiredState, enrolPerson, generatePassword, layoutFor, newTotpSecret, otpauthUri, syncDirectory, totpCode } from '../../core/directory/index.js';
import { buildKit, kitOrg, parseCa, writeKit } from '../../core/kit/index.js';
import { startSlapd, TEST_SUFFIX, type TestSlapd } from '../support/slapd.js';
import { makeTestCa, type TestCa } from '../support/test-ca.js';

const NS = `opi-vpn-${process.pid}`;
const PORT = 38900 + (process.pid % 90);

/** Runs a process until `done` matches its output (resolves true) or it exits (false). */
function until(cmd: string[], done: RegExp, log: string[], timeoutMs = 20_000): Promise<boolean> {
  return new Promise((resolve) => {
    const p = spawn(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const finish = (ok: boolean) => {
      clearTimeout(t);
      p.kill('SIGTERM');
      log.push(out);
      resolve(ok);
    };
    const t = setTimeout(() => finish(false), timeoutMs);
    const on = (d: Buffer) => {
      out += d.toString();
      if (done.test(out)) finish(true);
    };
    p.stdout.on('data', on);
    p.stderr.on('data', on);
    p.on('exit', () => finish(false));
  });
}

describe('the kit VPN profile against a real gateway that checks the directory', () => {
  let slapd: TestSlapd;
  let ca: TestCa;
  let work: string;
  let server: ChildProcess | undefined;
  let ovpnFile = '';
  let password = '';
  let secret: Buffer;
  const serverLog: string[] = [];

  beforeAll(async () => {
    slapd = await startSlapd('vpn');
    ca = makeTestCa('vpn');
    work = mkdtempSync(join(tmpdir(), 'opi-vpn-'));
    chmodSync(work, 0o755);
    const inv = loadInventory('inventory');
    if (!inv.ok) throw new Error('inventory');
    const roles = ['tracing-agent', 'helpdesk'];
    const csv = 'id,given_name,surname,mail,site,roles\nmarie.schmit,Marie,Schmit,marie.schmit@crisis.example.lu,trc-findel,tracing-agent\n';
    const people = parsePeople([{ file: 'p.csv', text: csv }], { roles: new Set(roles), sites: new Set(['trc-findel']) });
    if (!people.ok) throw new Error('people');
    await syncDirectory(slapd.settings, desiredState(TEST_SUFFIX, people.value.people, roles, '2026-01-01'));
    password = generatePassword();
    secret = newTotpSecret();
    const admin = await slapd.admin();
    await enrolPerson(admin, layoutFor(TEST_SUFFIX), 'marie.schmit', { password, totpSecret: secret });
    const org = kitOrg(inv.value, parseCa(ca.caPem));
    const gw = org.gateways[0]!;
    const dir = writeKit(work, buildKit({ person: people.value.people[0]!, org, issued: '2026-01-01', credentials: { password, otpauthUri: otpauthUri(secret, org.domain, 'marie.schmit') } }));
    ovpnFile = join(dir, 'agent/vpn/marie.schmit.ovpn');

    // The gateway: server certificate for its public name, logins checked by a bind
    // (password + code) over slapd's Unix socket, reachable from inside the namespace.
    const cert = ca.server(gw.public);
    const auth = join(work, 'auth.sh');
    writeFileSync(
      auth,
      `#!/bin/sh\nuser=$(sed -n 1p "$1")\ncase "$user" in ''|*[!a-z0-9._-]*) exit 1;; esac\n` +
        `pw="$1.pw"; (umask 077; sed -n 2p "$1" | tr -d '\\n' > "$pw")\n` +
        `ldapwhoami -x -H '${slapd.ldapiUrl}' -D "uid=$user,ou=people,${TEST_SUFFIX}" -y "$pw" >/dev/null 2>&1; rc=$?\nrm -f "$pw"; exit $rc\n`,
      { mode: 0o755 },
    );
    execFileSync('ip', ['netns', 'add', NS]);
    execFileSync('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
    server = spawn('ip', ['netns', 'exec', NS, 'openvpn', '--mode', 'server', '--tls-server', '--dev', 'tun', '--topology', 'subnet', '--server', '10.99.0.0', '255.255.255.0',
      '--proto', 'udp4', '--local', '127.0.0.1', '--lport', String(PORT), '--ca', ca.caFile, '--cert', cert.certFile, '--key', cert.keyFile, '--dh', 'none',
      '--verify-client-cert', 'none', '--username-as-common-name', '--script-security', '2', '--auth-user-pass-verify', auth, 'via-file', '--tmp-dir', work, '--verb', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`gateway did not start:\n${log}`)), 15_000);
      const on = (d: Buffer) => {
        log += d.toString();
        if (/Initialization Sequence Completed/.test(log)) {
          clearTimeout(t);
          resolve();
        }
      };
      server!.stdout!.on('data', on);
      server!.stderr!.on('data', on);
    });
    server.stdout!.on('data', (d: Buffer) => serverLog.push(d.toString()));
  });

  afterAll(async () => {
    server?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    try {
      execFileSync('ip', ['netns', 'del', NS], { stdio: 'ignore' });
    } catch {
      /* not created */
    }
    await slapd?.stop();
    ca?.remove();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const connect = (secretLine: string, log: string[]) => {
    const creds = join(work, `creds-${log.length}-${Date.now()}`);
    writeFileSync(creds, `marie.schmit\n${secretLine}\n`, { mode: 0o600 });
    // The kit's profile as is; only where the gateway is (this namespace's loopback) and
    // where the answers come from are given on the command line.
    return until(['ip', 'netns', 'exec', NS, 'openvpn', '--remote', '127.0.0.1', String(PORT), 'udp4', '--config', ovpnFile, '--auth-user-pass', creds, '--auth-retry', 'none', '--connect-retry-max', '1', '--verb', '3'],
      /Initialization Sequence Completed/, log);
  };

  it('connects with password + current TOTP code', async () => {
    const log: string[] = [];
    const ok = await connect(`${password}${totpCode(secret)}`, log);
    expect(ok, log.join('')).toBe(true);
    expect(log.join('')).toMatch(/VERIFY (X509NAME )?OK: .*vpn\.crisis\.example\.lu/);
  });

  it('is refused with the password alone', async () => {
    const log: string[] = [];
    const ok = await connect(password, log);
    expect(ok).toBe(false);
    expect(log.join('')).toContain('AUTH_FAILED');
  });
});
