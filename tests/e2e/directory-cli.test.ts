// The helpdesk at the command line: start the lab directory, apply the example people,
// onboard a new tracing agent who then logs in with password + TOTP, offboard them.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type Entry } from 'ldapts';
import { loadPeople } from '../../core/people/index.js';
import { stopDirectoryLab } from '../../core/lab/directory.js';
import { Secret, TOTP } from 'otpauth';
import { exampleInventory, outpost, repoRoot } from '../support/inventory.js';
import { makeTestCa, type TestCa } from '../support/test-ca.js';
import { canBindAt } from '../support/slapd.js';

const ROLES = ['tracing-agent', 'vaccination-staff', 'care-staff', 'helpdesk', 'netadmin', 'crisis-cell'];

describe('outpost directory, onboard and offboard against the lab directory', () => {
  let work: string;
  let ca: TestCa;
  let env: NodeJS.ProcessEnv;
  let peopleCount = 0;
  const run = (args: string[], extra: NodeJS.ProcessEnv = {}) => outpost(args, { cwd: work, env: { ...env, ...extra } });

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'opi-cli-'));
    cpSync(exampleInventory, join(work, 'inventory'), { recursive: true });
    // The project's own access policy: its roles are the ones people files may name.
    cpSync(join(repoRoot, 'policies'), join(work, 'policies'), { recursive: true });
    ca = makeTestCa('cli');
    env = { OUTPOST_VPN_CA: ca.caFile, OUTPOST_LDAP_URL: '', OUTPOST_LDAP_BIND_DN: '', OUTPOST_LDAP_PASSWORD_FILE: '' };
    for (const k of ['OUTPOST_LDAP_URL', 'OUTPOST_LDAP_BIND_DN', 'OUTPOST_LDAP_PASSWORD_FILE']) delete env[k];
    peopleCount = readFileSync(join(exampleInventory, 'people/trc-findel.csv'), 'utf8').split('\n').length;
  });
  afterAll(async () => {
    // Stop the server even if the CLI cannot run any more (the lab keeps its pid file).
    if (work) await stopDirectoryLab(join(work, '.outpost/lab/directory'));
    ca?.remove();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('starts the lab directory and prints the exports that point outpost at it', () => {
    const r = run(['lab', 'directory', 'up']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^export OUTPOST_LDAP_URL='ldap:\/\/127\.0\.0\.1:\d+'$/m);
    expect(r.stdout).toContain("export OUTPOST_LDAP_BIND_DN='cn=admin,dc=crisis,dc=example,dc=lu'");
    const pwFile = /OUTPOST_LDAP_PASSWORD_FILE='([^']+)'/.exec(r.stdout)![1]!;
    expect(statSync(pwFile).mode & 0o777).toBe(0o600);
    for (const m of r.stdout.matchAll(/^export (\w+)='([^']*)'$/gm)) env[m[1]!] = m[2]!;
  });

  it('plans, applies the example people files, and changes nothing the second time', () => {
    const plan = run(['directory', 'plan', '--json']);
    expect(plan.code).toBe(0);
    const p = JSON.parse(plan.stdout) as { summary: Record<string, number> };
    expect(p.summary['add-person']).toBeGreaterThanOrEqual(300);
    expect(p.summary['add-role']).toBe(ROLES.length);
    const apply = run(['directory', 'apply']);
    expect(apply.stderr).not.toMatch(/error/i);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/^applied (\d+) of \1 change\(s\)/);
    const again = run(['directory', 'apply', '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, applied: 0 });
  });

  it('puts exactly the active people of the files in each role group', async () => {
    const people = loadPeople(join(work, 'inventory/people'), { roles: new Set(ROLES), sites: new Set(readdirSync(join(work, 'inventory/sites')).map((f) => f.replace(/\.yaml$/, ''))) });
    if (!people.ok) throw new Error('people');
    const d = new Date();
    const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    for (const role of ROLES) {
      const want = people.value.people.filter((p) => p.roles.includes(role) && !(p.endDate && p.endDate < today)).map((p) => `uid=${p.id},ou=people,dc=crisis,dc=example,dc=lu`);
      const got = await search(env, 'ou=people,dc=crisis,dc=example,dc=lu', `(memberOf=cn=${role},ou=roles,dc=crisis,dc=example,dc=lu)`, true);
      expect(got.map((e) => e.dn).sort(), role).toEqual(want.sort());
    }
    const expired = people.value.people.filter((p) => p.endDate && p.endDate < today);
    expect(expired.length).toBeGreaterThan(0);
    const locked = await search(env, 'ou=people,dc=crisis,dc=example,dc=lu', '(pwdAccountLockedTime=000001010000Z)', true);
    expect(locked.map((e) => e.dn).sort()).toEqual(expired.map((p) => `uid=${p.id},ou=people,dc=crisis,dc=example,dc=lu`).sort());
  });

  it('refuses a bad people file with its location and changes nothing in the directory', async () => {
    const file = join(work, 'inventory/people/vac-lux.csv');
    const good = readFileSync(file, 'utf8');
    const lines = good.split('\n');
    writeFileSync(file, `${good}new.agent,New,Agent,new.agent@crisis.example.lu,vac-lux,pilot,,,,\n`);
    try {
      const r = run(['directory', 'apply']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`inventory/people/vac-lux\\.csv:${lines.length}:\\d+: error: unknown role pilot`));
      expect(r.stdout).toBe('');
      const who = await search(env, 'ou=people,dc=crisis,dc=example,dc=lu', '(uid=new.agent)');
      expect(who).toBeUndefined();
    } finally {
      writeFileSync(file, good);
    }
  });

  it('names the missing flags when onboarding without a terminal, and changes nothing', () => {
    const r = run(['onboard', '--id', 'lea.klein', '--site', 'trc-findel']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing --given-name, --surname, --role (no terminal to ask on: pass them as flags)');
    expect(readFileSync(join(work, 'inventory/people/trc-findel.csv'), 'utf8').split('\n').length).toBe(peopleCount);
  });

  it('refuses an onboarding with an unknown role, naming the flag rather than a line nobody wrote', () => {
    const r = run(['onboard', '--id', 'lea.klein', '--given-name', 'Lea', '--surname', 'Klein', '--site', 'trc-findel', '--role', 'pilot']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown role pilot; .* \(at --role\) \[unknown-role\]$/m);
    expect(r.stderr).not.toContain('trc-findel.csv');
    expect(run(['directory', 'plan', '--json']).stdout).toContain('"changes": []');
  });

  it('onboards a tracing agent who logs in with password + TOTP; the password alone fails', async () => {
    const r = run(['onboard', '--id', 'lea.klein', '--given-name', 'Léa', '--surname', 'Klein', '--site', 'trc-findel', '--role', 'tracing-agent', '--end-date', '2099-06-30', '--extension', '9001', '--laptop-tag', 'LT-99001', '--laptop-mac', '3C-52-82-99-00-01', '--today', '2026-01-15']);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('onboarded lea.klein (tracing-agent) at trc-findel: kit in kits/lea.klein/');
    expect(readFileSync(join(work, 'inventory/people/trc-findel.csv'), 'utf8')).toContain('lea.klein,Léa,Klein,lea.klein@crisis.example.lu,trc-findel,tracing-agent,2099-06-30,LT-99001,3c:52:82:99:00:01,9001\n');
    const kit = join(work, 'kits/lea.klein/agent');
    // The profile names the role's VPN pool from the access policy, for support calls.
    expect(readFileSync(join(kit, 'vpn/lea.klein.ovpn'), 'utf8')).toMatch(/^# role tracing-agent: the gateway assigns an address from 10\.(9[6-9])\.\d+\.\d+\/20$/m);
    const password = readFileSync(join(kit, 'credentials/initial-password.txt'), 'utf8').trim();
    const uri = readFileSync(join(kit, 'totp/otpauth.txt'), 'utf8').trim();
    expect(statSync(join(kit, 'credentials/initial-password.txt')).mode & 0o777).toBe(0o600);
    expect(r.stdout).not.toContain(password);
    const secret = Secret.fromBase32(new URL(uri).searchParams.get('secret')!);
    const code = new TOTP({ secret, digits: 6, period: 30 }).generate();
    const dn = 'uid=lea.klein,ou=people,dc=crisis,dc=example,dc=lu';
    expect(await canBindAt(env.OUTPOST_LDAP_URL!, dn, password)).toBe(false);
    expect(await canBindAt(env.OUTPOST_LDAP_URL!, dn, password + code)).toBe(true);
    const who = await search(env, dn);
    expect(who.memberOf).toBe('cn=tracing-agent,ou=roles,dc=crisis,dc=example,dc=lu');
    // The people file and the directory agree: nothing left to apply.
    expect(JSON.parse(run(['directory', 'plan', '--json']).stdout).changes).toEqual([]);
  });

  it('refuses an injection attempt as a login and changes nothing', () => {
    const r = run(['offboard', '*)(uid=*']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"*)(uid=*" is not a login');
    expect(JSON.parse(run(['directory', 'plan', '--json']).stdout).changes).toEqual([]);
  });

  it('offboards the agent: row gone, account locked, no role left, kit deleted, and the directory agrees', async () => {
    const r = run(['offboard', 'lea.klein']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('! disable lea.klein (no longer in the people files)');
    expect(r.stdout).toContain('- role tracing-agent: remove lea.klein');
    // The kit held the first password and the TOTP secret: it goes with the access.
    expect(r.stdout).toContain('deleted the kit kits/lea.klein/');
    expect(existsSync(join(work, 'kits/lea.klein'))).toBe(false);
    expect(readFileSync(join(work, 'inventory/people/trc-findel.csv'), 'utf8')).not.toContain('lea.klein');
    const who = await search(env, 'uid=lea.klein,ou=people,dc=crisis,dc=example,dc=lu');
    expect(who.pwdAccountLockedTime).toBe('000001010000Z');
    expect([who.memberOf ?? []].flat()).toEqual([]);
    expect(JSON.parse(run(['directory', 'plan', '--json']).stdout).changes).toEqual([]);
    const pruneNoTty = run(['directory', 'apply', '--prune']);
    expect(pruneNoTty.code).toBe(2);
    expect(pruneNoTty.stderr).toContain('--prune would delete 1 entry: pass --yes to confirm');
    // With the confirmation given, --prune deletes the leaver's entry and nothing else.
    const before = (await search(env, 'ou=people,dc=crisis,dc=example,dc=lu', '(uid=*)', true)).length;
    const prune = run(['directory', 'apply', '--prune', '--yes']);
    expect(prune.code).toBe(0);
    expect(prune.stderr).toContain('- DELETE person lea.klein');
    expect(await search(env, 'ou=people,dc=crisis,dc=example,dc=lu', '(uid=lea.klein)')).toBeUndefined();
    expect((await search(env, 'ou=people,dc=crisis,dc=example,dc=lu', '(uid=*)', true)).length).toBe(before - 1);
  });

  it('stops the lab directory', () => {
    expect(run(['lab', 'directory', 'down']).stdout).toContain('directory stopped');
    const plan = run(['directory', 'plan']);
    expect(plan.code).toBe(2);
  });
});

async function search(env: NodeJS.ProcessEnv, dn: string, filter?: string): Promise<Entry>;
async function search(env: NodeJS.ProcessEnv, dn: string, filter: string, all: true): Promise<Entry[]>;
async function search(env: NodeJS.ProcessEnv, dn: string, filter?: string, all?: boolean): Promise<Entry | Entry[]> {
  const c = new Client({ url: env.OUTPOST_LDAP_URL! });
  try {
    await c.bind(env.OUTPOST_LDAP_BIND_DN!, readFileSync(env.OUTPOST_LDAP_PASSWORD_FILE!, 'utf8').trim());
    const r = await c.search(dn, { scope: filter ? 'one' : 'base', ...(filter ? { filter } : {}), attributes: ['memberOf', 'pwdAccountLockedTime'], sizeLimit: 0 });
    return all ? r.searchEntries : r.searchEntries[0]!;
  } finally {
    await c.unbind().catch(() => undefined);
  }
}
