// A helpdesk agent at a terminal: `outpost onboard` asks for what is missing, the answers
// land in the people file and the directory, and the kit is written. The CLI runs in a
// real pseudo-terminal (util-linux `script`), answered prompt by prompt.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleInventory, repoRoot } from '../support/inventory.js';
import { startSlapd, type TestSlapd } from '../support/slapd.js';
import { makeTestCa, type TestCa } from '../support/test-ca.js';

const ROLES = ['tracing-agent', 'vaccination-staff', 'care-staff', 'helpdesk', 'netadmin', 'crisis-cell'];

/** Runs a command in a pty; `answers` are sent, in order, each once its prompt shows. */
function inPty(cmd: string, cwd: string, env: NodeJS.ProcessEnv, answers: [RegExp, string][]): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { cwd, env: { ...env, TERM: 'xterm', NO_COLOR: '1' } });
    let screen = '';
    let next = 0;
    // Each prompt is looked for only in what appeared after the previous answer.
    let from = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`wizard stuck waiting for ${answers[next]?.[0]}; screen:\n${screen.slice(-2000)}`));
    }, 30_000);
    const onData = (d: Buffer) => {
      screen += d.toString('utf8');
      const step = answers[next];
      if (step && step[0].test(screen.slice(from))) {
        next++;
        from = screen.length;
        // Prompts render before they listen; a short pause keeps keys from racing them.
        setTimeout(() => child.stdin.write(step[1]), 100);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}

describe('onboarding wizard on a terminal', () => {
  let slapd: TestSlapd;
  let ca: TestCa;
  let work: string;

  beforeAll(async () => {
    slapd = await startSlapd('wizard');
    ca = makeTestCa('wizard');
    work = mkdtempSync(join(tmpdir(), 'opi-wizard-'));
    cpSync(exampleInventory, join(work, 'inventory'), { recursive: true });
    // The project's own access policy: its roles are the ones people files may name.
    cpSync(join(repoRoot, 'policies'), join(work, 'policies'), { recursive: true });
  });
  afterAll(async () => {
    await slapd?.stop();
    ca?.remove();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('asks for the missing values and onboards the agent', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CI: '',
      OUTPOST_LDAP_URL: slapd.url,
      OUTPOST_LDAP_BIND_DN: slapd.bindDN,
      OUTPOST_LDAP_PASSWORD_FILE: slapd.passwordFile,
      OUTPOST_VPN_CA: ca.caFile,
    };
    delete env.CI;
    const cli = `${process.execPath} ${join(repoRoot, 'dist/outpost.js')} onboard --site vac-lux --today 2026-01-15`;
    const r = await inPty(cli, work, env, [
      [/Login/, 'nina.hansen\r'],
      [/Given name/, 'Nina\r'],
      [/Surname/, 'Hansen\r'],
      [/Mail \(empty/, '\r'],
      // Roles: down to vaccination-staff, tick it, confirm.
      [/Role\(s\)/, '\x1b[B'],
      [/Role\(s\)[\s\S]*vaccination-staff/, ' '],
      [/◉/, '\r'],
      [/Last working day/, '2027-03-31\r'],
      [/Laptop asset tag/, 'LT-88001\r'],
      [/Laptop MAC/, '3c:52:82:88:00:01\r'],
      [/Phone extension/, '\r'],
    ]);
    expect(r.screen).toContain('onboarded nina.hansen (vaccination-staff) at vac-lux');
    expect(r.code).toBe(0);
    expect(readFileSync(join(work, 'inventory/people/vac-lux.csv'), 'utf8')).toContain(
      'nina.hansen,Nina,Hansen,nina.hansen@crisis.example.lu,vac-lux,vaccination-staff,2027-03-31,LT-88001,3c:52:82:88:00:01,\n',
    );
    expect(existsSync(join(work, 'kits/nina.hansen/agent/vpn/nina.hansen.ovpn'))).toBe(true);
    const admin = await slapd.admin();
    const e = await admin.search('uid=nina.hansen,ou=people,dc=crisis,dc=example,dc=lu', { scope: 'base', attributes: ['memberOf', 'pwdEndTime', 'objectClass'] });
    expect(e.searchEntries[0]).toMatchObject({ memberOf: 'cn=vaccination-staff,ou=roles,dc=crisis,dc=example,dc=lu', pwdEndTime: '20270401000000Z' });
    expect(e.searchEntries[0]!.objectClass).toEqual(expect.arrayContaining(['oathTOTPUser']));
  });
});
