// A newcomer's first day: what someone new to outpost tries on a fresh clone, and what
// they should get back (issue 12). Each block is one thing that went wrong once.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleInventory, outpost, repoRoot } from './support/inventory.js';
import { makeTestCa } from './support/test-ca.js';

const work = mkdtempSync(join(tmpdir(), 'outpost-newcomer-'));
const ca = makeTestCa('newcomer');
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  ca.remove();
});

/** A fresh project folder (inventory + policies), as after a clone; a git work tree when asked. */
function project(name: string, git?: { ignore: string }): string {
  const dir = join(work, name);
  mkdirSync(dir);
  cpSync(exampleInventory, join(dir, 'inventory'), { recursive: true });
  cpSync(join(repoRoot, 'policies'), join(dir, 'policies'), { recursive: true });
  if (git) {
    execFileSync('git', ['init', '-q', dir]);
    writeFileSync(join(dir, '.gitignore'), git.ignore);
  }
  return dir;
}

const LEA = ['onboard', '--id', 'lea.klein', '--given-name', 'Lea', '--surname', 'Klein', '--site', 'vac-lux', '--vpn-ca', ca.caFile];
// No directory is reachable: an onboarding that gets past its checks stops at the connection.
const NO_LDAP = { OUTPOST_LDAP_URL: 'ldap://127.0.0.1:9', OUTPOST_LDAP_BIND_DN: 'cn=admin,dc=crisis,dc=example,dc=lu', OUTPOST_LDAP_PASSWORD_FILE: '/nonexistent' };

describe('access check with a name that does not exist', () => {
  it('names the unknown role, suggests the close one and exits 2, without a crash', () => {
    const r = outpost(['access', 'check', '--from', 'role:tracer', '--to', 'service:tracing-app']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown role tracer; did you mean tracing-agent?');
    expect(r.stderr).toContain('known: care-staff, crisis-cell, helpdesk, netadmin, tracing-agent, vaccination-staff');
    expect(r.stderr).not.toMatch(/Cannot read|TypeError|at .*\.js:\d+/);
  });

  it('prints one JSON error document under --json for an unknown service', () => {
    const r = outpost(['access', 'check', '--from', 'role:tracing-agent', '--to', 'service:booking', '--json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { ok: boolean; diagnostics: { code: string; path: string; message: string }[] };
    expect(doc.ok).toBe(false);
    expect(doc.diagnostics).toEqual([expect.objectContaining({ code: 'unknown-service', path: '--to' })]);
    expect(doc.diagnostics[0]!.message).toMatch(/^unknown service booking .*known: .*tracing-app/);
  });

  it('still answers a flow between names that exist', () => {
    const r = outpost(['access', 'check', '--from', 'role:tracing-agent', '--to', 'service:tracing-app']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ALLOWED: role:tracing-agent -> service:tracing-app/);
  });
});

describe('one exit code for an unknown site, whatever the command', () => {
  const key = join(work, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  const env = { OUTPOST_SSH_KEY: key };
  const commands: [string, string[]][] = [
    ['render', ['render', '--site', 'vac-esh', '--out', join(work, 'out')]],
    ['plan', ['plan', '--site', 'vac-esh']],
    ['push', ['push', '--site', 'vac-esh', '--dry-run', '--state-dir', join(work, 'state')]],
    ['drift', ['drift', '--site', 'vac-esh', '--state-dir', join(work, 'state')]],
    ['audit', ['audit', '--site', 'vac-esh']],
    ['access matrix', ['access', 'matrix', '--site', 'vac-esh']],
    ['kit', ['kit', '--site', 'vac-esh', '--out', join(work, 'kits')]],
  ];
  it.each(commands)('%s exits 2 for an unknown site', (_, args) => {
    const r = outpost(args, { env });
    expect(r.stderr).toMatch(/vac-esh/);
    expect(r.code).toBe(2);
  });

  it('render and plan point at the site the user probably meant', () => {
    expect(outpost(['render', '--site', 'vac-esh', '--out', join(work, 'out')]).stderr).toContain('did you mean vac-esch?');
  });

  it('push names an unknown device as a usage error too', () => {
    const r = outpost(['push', '--site', 'vac-esch', '--device', 'vac-esch-fw9', '--dry-run', '--state-dir', join(work, 'state')], { env });
    expect(r.stderr).toContain('no device vac-esch-fw9');
    expect(r.code).toBe(2);
  });
});

describe('secrets never end up in git', () => {
  it('the project ignores the kits folder, where onboarding writes first passwords and TOTP seeds', () => {
    const r = spawnSync('git', ['-C', repoRoot, 'check-ignore', '-q', 'kits/lea.klein/credentials/initial-password.txt']);
    expect(r.status).toBe(0);
  });

  it('onboard refuses to write a kit inside a git work tree that does not ignore it, and changes nothing', () => {
    const dir = project('tracked', { ignore: 'out/\n' });
    const csv = readFileSync(join(dir, 'inventory/people/vac-lux.csv'), 'utf8');
    const r = outpost([...LEA, '--role', 'vaccination-staff'], { cwd: dir, env: NO_LDAP });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--out kits: would write secrets (first passwords, TOTP seeds) inside the git work tree ${dir}`);
    expect(r.stderr).toContain('add kits/ to');
    expect(readFileSync(join(dir, 'inventory/people/vac-lux.csv'), 'utf8')).toBe(csv);
  });

  it('onboard goes on when git ignores the kits folder', () => {
    const dir = project('ignored', { ignore: 'kits/\n' });
    const r = outpost([...LEA, '--role', 'vaccination-staff'], { cwd: dir, env: NO_LDAP });
    expect(r.stderr).not.toContain('would write secrets');
    expect(r.stderr).toContain('password file /nonexistent does not exist');
  });
});

describe('onboard with a typo in a flag', () => {
  it('names the flag and the role meant, not a line of the people file the user never wrote', () => {
    const dir = project('typo');
    const r = outpost([...LEA, '--role', 'vacination-staff'], { cwd: dir, env: NO_LDAP });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown role vacination-staff; .*vaccination-staff.* \(at --role\) \[unknown-role\]$/m);
    expect(r.stderr).not.toMatch(/vac-lux\.csv:\d+/);
  });
});
