// infra/'s directory program run by the real Pulumi engine through `outpost infra up|destroy
// --directory`, against a real slapd, with a file backend and a passphrase from the
// environment; and a bad inventory stopped before the engine registers anything.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAccount } from '../../core/directory/index.js';
import { auditWorkspace } from '../support/audit.js';
import { applyEdits } from '../support/inventory.js';
import { infra, outpostIn, pulumiWorkspace, type PulumiWorkspace } from '../support/pulumi.js';
import { nsRun } from '../../core/lab/netns.js';
import { startSlapd, type TestSlapd } from '../support/slapd.js';

/** Each test runs one or two engine operations. */
const ENGINE_MS = 240_000;

/** A stack secret as `pulumi stack export --show-secrets` prints it. */
const plain = (v: unknown): string => (typeof v === 'object' && v !== null && 'plaintext' in v ? (JSON.parse(String((v as { plaintext: string }).plaintext)) as string) : String(v));

describe('the directory stack run by the Pulumi engine on a real slapd', () => {
  let ws: PulumiWorkspace;
  let work: ReturnType<typeof auditWorkspace>;
  let slapd: TestSlapd;
  const PEOPLE = ['anne.carvalho', 'claire.fellens', 'jean.fellens'];
  const directory = async (op: string) => infra(ws, undefined, op, ['--directory']);

  beforeAll(async () => {
    ws = pulumiWorkspace('pen');
    work = auditWorkspace();
    // Three agents of cs-esch: enough to see creates, one update and locks.
    const people = join(work.inventory, 'people');
    for (const f of readdirSync(people)) if (f !== 'cs-esch.csv') rmSync(join(people, f));
    const lines = readFileSync(join(people, 'cs-esch.csv'), 'utf8').split('\n');
    writeFileSync(join(people, 'cs-esch.csv'), [...lines.filter((l) => !l.includes(',cs-esch,')), ...lines.filter((l) => PEOPLE.some((p) => l.startsWith(`${p},`)))].join('\n') + '\n');
    slapd = await startSlapd('pen');
    writeFileSync(join(ws.project, 'Pulumi.directory.yaml'), [
      'config:',
      `  outpost:inventory: ${work.inventory}`,
      `  outpost:ldapUrl: ${slapd.settings.url}`,
      `  outpost:bindDn: ${slapd.settings.bindDN}`,
      `  outpost:passwordFile: ${slapd.settings.passwordFile}`,
      `  outpost:baseDn: ${slapd.settings.base}`,
    ].join('\n') + '\n');
  }, 120_000);

  afterAll(async () => {
    await slapd?.stop();
    work?.cleanup();
    ws?.cleanup();
  });

  /** The state file of the directory stack, as the file backend keeps it. */
  const stateFile = () => {
    const dir = join(ws.state, '.pulumi', 'stacks', 'outpost-sites');
    return readFileSync(join(dir, readdirSync(dir).find((f) => f.startsWith('directory.json') && !f.endsWith('.bak'))!), 'utf8');
  };

  let secrets: Record<string, { password: string; otpauthUri: string }> = {};

  it('up creates the role groups and the accounts; each account binds with its password and TOTP', async () => {
    const r = await directory('up');
    expect(r.code, `${r.stderr}\n${r.doc.errors.join('\n')}`).toBe(0);
    expect(r.doc.steps.filter((s) => s.type.endsWith(':Account')).map((s) => [s.op, s.name]).sort()).toEqual(PEOPLE.map((p) => ['create', p]));
    expect(r.doc.steps.filter((s) => s.type.endsWith(':RoleGroup')).length).toBe(6);
    // The first password and TOTP enrolment are stack secrets: shown only when asked for.
    const exported = JSON.parse(nsRun(undefined, ['env', '-C', ws.project, `PULUMI_BACKEND_URL=${ws.backend}`, `PULUMI_HOME=${ws.env.PULUMI_HOME}`, `PULUMI_CONFIG_PASSPHRASE=${ws.passphrase}`, `PATH=${ws.env.PATH}`, 'pulumi', 'stack', 'export', '--stack', 'directory', '--show-secrets'])) as { deployment: { resources: { type: string; id?: string; outputs?: { password?: unknown; otpauthUri?: unknown } }[] } };
    secrets = Object.fromEntries(exported.deployment.resources.filter((x) => x.type.endsWith(':Account')).map((x) => [x.id!, { password: plain(x.outputs!.password), otpauthUri: plain(x.outputs!.otpauthUri) }]));
    expect(Object.keys(secrets).sort()).toEqual(PEOPLE);
    for (const id of PEOPLE) {
      const found = (await readAccount(slapd.settings, id))!;
      expect(found.memberOf.map((m) => m.toLowerCase())).toEqual([`cn=care-staff,ou=roles,${slapd.settings.base}`.toLowerCase()]);
      const code = new TOTP({ secret: new URL(secrets[id]!.otpauthUri).searchParams.get('secret')!, digits: 6, period: 30 }).generate();
      expect(await slapd.canBind(found.dn, secrets[id]!.password + code)).toBe(true);
    }
  }, ENGINE_MS);

  it('the state file holds no password and no TOTP seed in clear', async () => {
    const state = stateFile();
    expect(state).toContain('"jean.fellens"');
    for (const { password, otpauthUri } of Object.values(secrets)) {
      expect(state).not.toContain(password);
      expect(state).not.toContain(new URL(otpauthUri).searchParams.get('secret')!);
    }
  }, ENGINE_MS);

  it('a role change in the people file is one update', async () => {
    applyEdits(work.inventory, [{ file: 'people/cs-esch.csv', from: /^(jean\.fellens,.*?,cs-esch,)care-staff,/m, to: '$1helpdesk,' }]);
    const r = await directory('up');
    expect(r.code, r.doc.errors.join('\n')).toBe(0);
    expect(r.doc.steps.map((s) => [s.op, s.name])).toEqual([['update', 'jean.fellens']]);
    expect((await readAccount(slapd.settings, 'jean.fellens'))!.memberOf.map((m) => m.toLowerCase())).toEqual([`cn=helpdesk,ou=roles,${slapd.settings.base}`.toLowerCase()]);
  }, ENGINE_MS);

  it('destroy locks every account and keeps its entry', async () => {
    const r = await directory('destroy');
    expect(r.code, r.doc.errors.join('\n')).toBe(0);
    for (const id of PEOPLE) expect((await readAccount(slapd.settings, id))!.locked).toBe(true);
  }, ENGINE_MS);

  it('a bad inventory fails the preview with file:line:col and registers no resource', async () => {
    applyEdits(work.inventory, [{ file: 'sites/cs-esch.yaml', from: '{ zone: guest,', to: '{ zone: guests,' }]);
    writeFileSync(join(ws.project, 'Pulumi.cs-esch.yaml'), `config:\n  outpost:site: cs-esch\n  outpost:inventory: ${work.inventory}\n`);
    const r = await outpostIn(undefined, ['infra', 'preview', '--site', 'cs-esch', '--project', ws.project, '--backend', ws.backend], ws.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sites\/cs-esch\.yaml:\d+:\d+: error: .*guests/);
    // The program stopped before registering any resource: only the stack itself (the engine's root) is listed.
    const registered = r.stdout.split('\n').filter((l) => /^(create|update|delete)\s/.test(l));
    expect(registered.filter((l) => !/\spulumi:pulumi:Stack\s/.test(l))).toEqual([]);
    expect(r.stdout).toMatch(/^preview of stack cs-esch stopped: the inventory does not validate \(nothing registered\)$/m);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }, ENGINE_MS);
});

