// A newcomer's first day: what someone new to outpost tries on a fresh clone, and what
// they should get back (issue 12). Each block is one thing that went wrong once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleInventory, outpost, repoRoot } from './support/inventory.js';
import { makeTestCa } from './support/test-ca.js';
import { parse } from 'yaml';

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

describe('directory plan for a role nobody holds yet', () => {
  it('says the role is added with no member, not with the placeholder counted as one', async () => {
    const { loadIdentity } = await import('../core/people/index.js');
    const { desiredState, describeChange, planDirectory } = await import('../core/directory/index.js');
    const ctx = loadIdentity(exampleInventory);
    if (!ctx.ok) throw new Error('the example identity must load');
    const { people, roles } = ctx.value;
    const base = 'dc=crisis,dc=example,dc=lu';
    const plan = planDirectory(desiredState(base, people.people, roles, '2026-11-24'), { containers: new Set(), people: new Map(), roles: new Map() });
    const lines = plan.changes.filter((c) => c.op === 'add-role').map(describeChange);
    const holders = (role: string) => people.people.filter((p) => p.roles.includes(role)).length;
    expect(holders('netadmin')).toBe(0);
    expect(lines).toContain('+ add role netadmin with no member yet');
    expect(lines).toContain(`+ add role tracing-agent with ${people.people.filter((p) => p.roles.includes('tracing-agent') && !(p.endDate && p.endDate < '2026-11-24')).length} member(s)`);
  });
});

describe('push --dry-run', () => {
  const key = join(work, 'dry_key');
  const hostKey = join(work, 'dry_host');
  beforeAll(() => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  });
  it('says it changed nothing and never offers a --resume that has nothing to resume', () => {
    const endpoints = join(work, 'dry-endpoints.yaml');
    // Port 9 on loopback: nobody answers, so the device fails as an unreachable one does.
    const pub = readFileSync(`${hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(endpoints, `endpoints:\n  vac-esch-fw1: { address: 127.0.0.1, port: 9, hostKey: "${pub}" }\n`);
    const state = join(work, 'dry-state');
    const base = ['--site', 'vac-esch', '--device', 'vac-esch-fw1', '--identity', key, '--endpoints', endpoints, '--state-dir', state, '--connect-timeout', '2'];
    const r = outpost(['push', ...base, '--dry-run']);
    expect(r.stdout).toContain('unreachable');
    expect(r.stdout).toContain('(dry run: nothing was changed)');
    expect(r.stdout).not.toContain('--resume');
  });
});

describe('one name for the "as of" date', () => {
  const commands = [['policy', 'test'], ['policy', 'lint'], ['policy', 'diff'], ['access', 'check'], ['access', 'matrix'], ['lab', 'up'], ['lab', 'test'], ['directory', 'plan'], ['directory', 'apply'], ['onboard'], ['offboard'], ['kit'], ['audit']];
  it.each(commands.map((c) => [c.join(' '), c]))('%s takes --today, and its help never mentions --date', (_, cmd) => {
    const help = outpost([...(cmd as string[]), '--help']).stdout;
    expect(help).toMatch(/--today </);
    expect(help).not.toContain('--date');
  });

  it('the old --date still works for scripts that use it, with the same answer', () => {
    const today = outpost(['access', 'check', '--from', 'role:tracing-agent', '--to', 'service:tracing-app', '--today', '2026-11-24', '--json']);
    const date = outpost(['access', 'check', '--from', 'role:tracing-agent', '--to', 'service:tracing-app', '--date', '2026-11-24', '--json']);
    expect(today.code).toBe(0);
    expect(date.stdout).toBe(today.stdout);
  });
});

describe('kit for a whole site', () => {
  it('skips the agents whose contract has ended, and says so', () => {
    const out = join(work, 'site-kits');
    const r = outpost(['kit', '--site', 'vac-esch', '--out', out, '--vpn-ca', ca.caFile, '--today', '2026-11-24', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { kits: { id: string }[]; skipped: { id: string; endDate: string }[] };
    expect(doc.skipped).toContainEqual({ id: 'ana.bianchi', endDate: '2021-03-31' });
    expect(doc.kits.map((k) => k.id)).not.toContain('ana.bianchi');
    expect(doc.kits.length).toBeGreaterThan(0);
    expect(r.stderr).toContain('ana.bianchi: contract ended on 2021-03-31; no kit');
  });
});

describe('help and docs a newcomer reads', () => {
  const helps = [['directory', 'plan'], ['lab', 'test'], ['lab', 'down'], ['lab', 'directory', 'down'], ['lab', 'directory', 'status']];
  it.each(helps.map((c) => [c.join(' '), c]))('%s --help shows examples', (_, cmd) => {
    const help = outpost([...(cmd as string[]), '--help']).stdout;
    expect(help).toMatch(/\nExamples?:\n {2}(sudo |eval ")?.*outpost /);
  });

  it('the access policy guide has a title and documents every field the policy file uses', () => {
    const doc = readFileSync(join(repoRoot, 'docs', 'access-policy.md'), 'utf8');
    expect(doc).toMatch(/^# \S/);
    const policy = parse(readFileSync(join(repoRoot, 'policies', 'access.yaml'), 'utf8')) as Record<string, Record<string, unknown>[]>;
    for (const section of ['roles', 'rules', 'tests']) {
      expect(doc, section).toContain(`### \`${section}\``);
      const fields = new Set(policy[section]!.flatMap((e) => Object.keys(e)));
      for (const f of fields) expect(doc, `${section}.${f}`).toMatch(new RegExp(`^\\| \`${f}\`|, \`${f}\``, 'm'));
    }
  });

  it('says "the inventory in inventory/ is valid", once', () => {
    expect(outpost(['validate']).stdout).toMatch(/^the inventory in inventory\/ is valid: 13 sites, \d+ devices$/m);
  });

  it('counts one differing line as "1 line differs"', async () => {
    const { linesDiffer } = await import('../core/deliver/diff.js');
    expect(linesDiffer('--- a\n+++ b\n-x\n')).toBe('1 line differs');
    expect(linesDiffer('--- a\n+++ b\n-x\n+y\n')).toBe('2 lines differ');
  });

  it('the HTML access matrix fits a 1,400 px window, its headers held while the table scrolls', () => {
    const file = join(work, 'matrix.html');
    expect(outpost(['access', 'matrix', '--html', file]).code).toBe(0);
    // Measure the page as a browser lays it out: widest point and the headers' position.
    const probe = join(work, 'matrix-probe.html');
    const measure = `<script>const th=document.querySelector('thead th'),box=th.closest('.scroll');document.body.dataset.m=JSON.stringify({page:document.documentElement.scrollWidth,sticky:getComputedStyle(th).position,scrolls:box?getComputedStyle(box).overflowX:'none'})</script></body>`;
    writeFileSync(probe, readFileSync(file, 'utf8').replace('</body>', measure));
    const dom = execFileSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${join(work, 'chromium')}`, '--window-size=1400,900', '--dump-dom', `file://${probe}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
    const m = JSON.parse(/data-m="([^"]*)"/.exec(dom)![1]!.replaceAll('&quot;', '"')) as { page: number; sticky: string; scrolls: string };
    expect(m.page).toBeLessThanOrEqual(1400);
    expect(m.sticky).toBe('sticky');
    expect(m.scrolls).toBe('auto');
  });
});

describe('the README a newcomer starts from', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  it('says how `outpost` gets on the PATH, and the command it links is runnable', () => {
    expect(readme).toContain('`npx outpost ...` runs it');
    expect(readme).toContain('with `npm link`');
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const bin = join(repoRoot, pkg.bin.outpost!);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('documents the one exit-code rule: unknown names on the command line exit 2', () => {
    expect(readme).toMatch(/\| \*\*2\*\* \| usage or environment error: .*a name on the command line that does not exist/);
    expect(readme).toContain('`--today YYYY-MM-DD` on every\ncommand');
  });
});
