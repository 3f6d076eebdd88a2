// The dynamic providers' methods called directly, against real parts: DeviceConfig on a
// firewall in a namespace (real sshd, real nftables), called through the built providers
// module from the NOC namespace as Pulumi would load it; Account and RoleGroup against a
// real slapd.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAddress, nsRun } from '../../core/lab/netns.js';
import { readAccount } from '../../core/directory/index.js';
import { loadIdentity } from '../../core/people/index.js';
import { siteStack } from '../../infra/plan.js';
import { accountProvider, roleGroupProvider, type AccountInputs, type AccountOutputs, type DeviceConfigInputs, type DeviceConfigOutputs } from '../../infra/providers/index.js';
import { auditWorkspace } from '../support/audit.js';
import { writeSecrets } from '../support/deliver-fixtures.js';
import { exampleInventory, repoRoot } from '../support/inventory.js';
import { startLabSite, type LabSite } from '../support/netns.js';
import { startSlapd, type TestSlapd } from '../support/slapd.js';

const FW = 'vac-esch-fw1';
const NOC_FW = '10.127.0.6';
const PROVIDERS = `file://${join(repoRoot, 'dist', 'infra', 'providers.js')}`;

describe('DeviceConfig provider on a real firewall', () => {
  let lab: LabSite;
  let noc: string;
  let inputs: DeviceConfigInputs;
  let ws: ReturnType<typeof auditWorkspace>;

  /** Calls one provider method in the NOC namespace, through the built module. */
  function call<T>(method: string, ...args: unknown[]): T {
    const script = `const m = await import(${JSON.stringify(PROVIDERS)}); const args = JSON.parse(process.argv[1]);
      try { const r = await m.providers.DeviceConfig[${JSON.stringify(method)}](...args); process.stdout.write(JSON.stringify({ ok: true, r: r ?? null })); }
      catch (e) { process.stdout.write(JSON.stringify({ ok: false, error: e.message })); }`;
    const r = spawnSync('ip', ['netns', 'exec', noc, process.execPath, '--input-type=module', '-e', script, JSON.stringify(args)], { encoding: 'utf8', env: { ...process.env, SSH_AUTH_SOCK: '' }, timeout: 60_000 });
    const out = JSON.parse(r.stdout || JSON.stringify({ ok: false, error: r.stderr })) as { ok: boolean; r?: T; error?: string };
    if (!out.ok) throw new Error(out.error);
    return out.r as T;
  }
  const ruleset = () => nsRun(lab.device(FW).ns, ['nft', '-s', 'list', 'ruleset']);

  beforeAll(async () => {
    lab = await startLabSite({ area: 'pinf', tag: 'd', devices: [{ hostname: FW, platform: 'nftables' }] });
    noc = lab.addHost('noc', 5);
    addAddress(noc, 'mgmt0', '10.127.0.5/24');
    addAddress(lab.device(FW).ns, 'mgmt0', `${NOC_FW}/24`);
    const ep = join(lab.dir, 'ep.yaml');
    writeFileSync(ep, `endpoints:\n  ${FW}: { address: ${NOC_FW}, port: 22, hostKey: "${lab.device(FW).sshd.hostKey}", root: ${lab.device(FW).root} }\n`);
    const sha256 = siteStack(exampleInventory, 'vac-esch').devices.find((d) => d.hostname === FW)!.sha256;
    inputs = {
      providerModule: PROVIDERS, inventory: exampleInventory, site: 'vac-esch', device: FW, platform: 'nftables', sha256,
      stateDir: join(lab.dir, 'state'), endpointsFile: ep, secretsDir: writeSecrets(lab.dir), identityFile: lab.clientKey.privateKeyPath, confirmTimeoutSeconds: 5,
    };
    ws = auditWorkspace([{ file: 'policies/access.yaml', from: '    to: [service:internet]\n    owner: network team\n', to: '    to: [service:internet]\n    ports: [8443/tcp]\n    owner: network team\n' }]);
  }, 60_000);

  afterAll(async () => {
    await lab?.destroy();
    ws?.cleanup();
  });

  it('create refuses a config the inventory no longer renders, and leaves the device untouched', () => {
    expect(() => call('create', { ...inputs, sha256: 'f'.repeat(64) })).toThrow(/now renders [0-9a-f]{12}, not the ffffffffffff this update planned/);
    expect(ruleset().trim()).toBe('');
  });

  let outs: DeviceConfigOutputs;
  it('create pushes the rendered ruleset transactionally', () => {
    const r = call<{ id: string; outs: DeviceConfigOutputs }>('create', inputs);
    expect(r.id).toBe(`vac-esch/${FW}`);
    expect(r.outs).toMatchObject({ pushedSha256: inputs.sha256, drifted: false });
    outs = r.outs;
    expect(ruleset()).toContain('comment "guest-internet"');
  });

  it('diff changes only when the rendered hash does', () => {
    expect(call<{ changes: boolean }>('diff', outs.run, outs, inputs).changes).toBe(false);
    expect(call<{ changes: boolean; replaces: string[] }>('diff', outs.run, outs, { ...inputs, sha256: '0'.repeat(64) })).toMatchObject({ changes: true, replaces: [] });
    expect(call<{ replaces: string[] }>('diff', outs.run, outs, { ...inputs, device: 'vac-esch-fw2' }).replaces).toEqual(['device']);
  });

  it('read reports a hand edit as drift, with the diff; the next update pushes it away', () => {
    expect(call<{ props: DeviceConfigOutputs }>('read', `vac-esch/${FW}`, outs).props.drifted).toBe(false);
    nsRun(lab.device(FW).ns, ['nft', 'insert', 'rule', 'inet', 'outpost', 'forward', 'iifname', '"lan.60"', 'oifname', '"lan.10"', 'accept']);
    const read = call<{ props: DeviceConfigOutputs }>('read', `vac-esch/${FW}`, outs).props;
    expect(read.drifted).toBe(true);
    expect(read.driftDetail).toContain('+\t\tiifname "lan.60" oifname "lan.10" accept');
    expect(call<{ changes: boolean }>('diff', outs.run, read, inputs).changes).toBe(true);
    call('update', outs.run, read, inputs);
    expect(ruleset()).not.toContain('oifname "lan.10" accept');
    expect(call<{ props: DeviceConfigOutputs }>('read', `vac-esch/${FW}`, outs).props.drifted).toBe(false);
  });

  it('update pushes a changed policy: the new port is enforced', () => {
    const changed = { ...inputs, inventory: ws.inventory, sha256: siteStack(ws.inventory, 'vac-esch').devices.find((d) => d.hostname === FW)!.sha256 };
    expect(changed.sha256).not.toBe(inputs.sha256);
    expect(call<{ changes: boolean }>('diff', outs.run, outs, changed).changes).toBe(true);
    const r = call<{ outs: DeviceConfigOutputs }>('update', outs.run, outs, changed);
    expect(r.outs.pushedSha256).toBe(changed.sha256);
    expect(ruleset()).toMatch(/tcp dport 8443 accept comment "guest-internet"/);
  });

  it('delete restores what the device ran before outpost: an empty ruleset', () => {
    call('delete', `vac-esch/${FW}`, outs);
    expect(ruleset().trim()).toBe('');
  });
});

describe('Account and RoleGroup providers on a real directory', () => {
  let slapd: TestSlapd;
  let base: Omit<AccountInputs, 'person'>;
  let person: AccountInputs['person'];

  beforeAll(async () => {
    slapd = await startSlapd('infra');
    const ctx = loadIdentity(exampleInventory);
    if (!ctx.ok) throw new Error('example does not load');
    const { source: _s, ...p } = ctx.value.people.people.find((x) => x.roles.includes('tracing-agent') && !x.endDate)!;
    person = p;
    base = { providerModule: PROVIDERS, directory: slapd.settings, roles: ctx.value.roles, issuer: 'crisis.example.lu' };
  }, 60_000);
  afterAll(async () => {
    await slapd?.stop();
  });

  const group = (role: string) => `cn=${role},ou=roles,${slapd.settings.base}`.toLowerCase();

  it('RoleGroup create makes each group; Account create adds the person to it with a password and TOTP that work', async () => {
    for (const role of base.roles) await roleGroupProvider.create!({ providerModule: PROVIDERS, directory: slapd.settings, role });
    const r = await accountProvider.create!({ ...base, person });
    const outs = r.outs as AccountOutputs;
    expect(r.id).toBe(person.id);
    expect(outs.memberOf.map((m) => m.toLowerCase())).toEqual([group('tracing-agent')]);
    expect(outs.locked).toBe(false);
    const secret = new URL(outs.otpauthUri).searchParams.get('secret')!;
    const code = new TOTP({ secret, digits: 6, period: 30 }).generate();
    expect(await slapd.canBind(outs.dn, outs.password + code)).toBe(true);
    expect(await slapd.canBind(outs.dn, outs.password)).toBe(false);
  });

  it('diff, update and read follow a role change', async () => {
    const found = (await readAccount(slapd.settings, person.id))!;
    const olds = { ...base, person, dn: found.dn, password: 'x', otpauthUri: 'y', locked: false, memberOf: [...found.memberOf] } as AccountOutputs;
    const moved = { ...person, roles: ['helpdesk'] };
    expect((await accountProvider.diff!(person.id, olds, { ...base, person })).changes).toBe(false);
    expect((await accountProvider.diff!(person.id, olds, { ...base, person: moved })).changes).toBe(true);
    const u = (await accountProvider.update!(person.id, olds, { ...base, person: moved })).outs as AccountOutputs;
    expect(u.memberOf.map((m) => m.toLowerCase())).toEqual([group('helpdesk')]);
    expect(u.password).toBe('x');
    const read = (await accountProvider.read!(person.id, u)).props as AccountOutputs;
    expect(read.memberOf.map((m) => m.toLowerCase())).toEqual([group('helpdesk')]);
  });

  it('delete disables the account (locked, out of every role) and keeps the entry; a group with members is not removed', async () => {
    const found = (await readAccount(slapd.settings, person.id))!;
    await expect(roleGroupProvider.delete!('helpdesk', { providerModule: PROVIDERS, directory: slapd.settings, role: 'helpdesk' })).rejects.toThrow(/still has 1 member/);
    await accountProvider.delete!(person.id, { ...base, person: { ...person, roles: ['helpdesk'] }, dn: found.dn, password: '', otpauthUri: '', locked: false, memberOf: [...found.memberOf] } satisfies AccountOutputs);
    const after = (await readAccount(slapd.settings, person.id))!;
    expect(after.locked).toBe(true);
    expect(after.memberOf).toEqual([]);
    await roleGroupProvider.delete!('helpdesk', { providerModule: PROVIDERS, directory: slapd.settings, role: 'helpdesk' });
    const admin = await slapd.admin();
    const left = await admin.search(`ou=roles,${slapd.settings.base}`, { scope: 'one', filter: '(cn=helpdesk)' });
    expect(left.searchEntries).toEqual([]);
  });
});
