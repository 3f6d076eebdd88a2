// The helpdesk enrols two agents at once, one of whom has left (the directory has them
// disabled). outpost checks both before changing either: nothing is changed, the output
// says which agent is the problem and that the other was left as it was, and there is
// no stack trace. Against the real lab directory (slapd).
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'ldapts';
import { stopDirectoryLab } from '../../core/lab/directory.js';
import { exampleInventory, outpost, repoRoot } from '../support/inventory.js';
import { makeTestCa, type TestCa } from '../support/test-ca.js';
import { STACK } from '../support/hostile.js';

let work: string;
let ca: TestCa;
const env: NodeJS.ProcessEnv = {};
const run = (args: string[]) => outpost(args, { cwd: work, env });

/** userPassword of an agent's entry, to prove it was not reset. */
async function passwordOf(id: string): Promise<string> {
  const c = new Client({ url: env.OUTPOST_LDAP_URL! });
  try {
    await c.bind(env.OUTPOST_LDAP_BIND_DN!, readFileSync(env.OUTPOST_LDAP_PASSWORD_FILE!, 'utf8').trim());
    const r = await c.search(`uid=${id},ou=people,dc=crisis,dc=example,dc=lu`, { scope: 'base', attributes: ['userPassword'] });
    return String(r.searchEntries[0]?.userPassword ?? '');
  } finally {
    await c.unbind().catch(() => undefined);
  }
}

/** An active and a departed agent of the example people files, as of today. */
function agents(): { active: string; left: string } {
  const d = new Date();
  const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  const rows = readFileSync(join(exampleInventory, 'people', 'trc-findel.csv'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('id,'))
    .map((l) => l.split(','));
  const active = rows.find((r) => !r[6])![0]!;
  const left = rows.find((r) => r[6] && r[6] < today)![0]!;
  return { active, left };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), `hst-kit-${process.pid}-`));
  cpSync(exampleInventory, join(work, 'inventory'), { recursive: true });
  cpSync(join(repoRoot, 'policies'), join(work, 'policies'), { recursive: true });
  ca = makeTestCa('hst');
  Object.assign(env, { OUTPOST_VPN_CA: ca.caFile });
  const up = run(['lab', 'directory', 'up']);
  expect(up.code, up.stderr).toBe(0);
  for (const m of up.stdout.matchAll(/^export (\w+)='([^']*)'$/gm)) env[m[1]!] = m[2]!;
  const apply = run(['directory', 'apply']);
  expect(apply.code, apply.stderr).toBe(0);
});

afterAll(async () => {
  if (work) await stopDirectoryLab(join(work, '.outpost/lab/directory'));
  ca?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('kit for several agents checks them all before enrolling any (case 13)', () => {
  it('kit <active> <departed> --enrol changes nothing and names the departed agent', async () => {
    const { active, left } = agents();
    const before = await passwordOf(active);
    const r = run(['kit', active, left, '--enrol', '--out', 'kits']);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${left}: not done: ${left} is disabled`);
    expect(r.stderr).toMatch(/nothing was changed for any of the 2 agent\(s\)/);
    expect(await passwordOf(active)).toBe(before);
    expect(existsSync(join(work, 'kits', active))).toBe(false);
  });

  it('the same with --json reports each agent: none done, the departed one failed', () => {
    const { active, left } = agents();
    const r = run(['kit', active, left, '--enrol', '--out', 'kits', '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { ok: boolean; kits: unknown[]; failed: { id: string }[]; nothingChanged: boolean };
    expect(doc).toMatchObject({ ok: false, kits: [], nothingChanged: true });
    expect(doc.failed.map((f) => f.id)).toEqual([left]);
  });

  it('once the departed agent is left out, the active one is enrolled and given a kit', async () => {
    const { active } = agents();
    const before = await passwordOf(active);
    const r = run(['kit', active, '--enrol', '--out', 'kits']);
    expect(r.code, r.stderr).toBe(0);
    expect(await passwordOf(active)).not.toBe(before);
    expect(existsSync(join(work, 'kits', active))).toBe(true);
  });
});
