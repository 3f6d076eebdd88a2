// The Pulumi programs under mocks (the engine is the one thing not run here): the graph
// of the example site and of the directory, the inputs' hashes against what outpost
// renders, and that a policy change touches exactly the devices it should.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as pulumi from '@pulumi/pulumi';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../core/pipeline.js';
import { policyRules } from '../cli/policy-hook.js';
import { outpostProgram, type ProgramSettings } from '../infra/program.js';
import { auditWorkspace } from './support/audit.js';
import { exampleInventory } from './support/inventory.js';

interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly urn: string;
}

const PROVIDERS = 'file:///opt/outpost/dist/infra/providers.js';
const delivery = { stateDir: '/var/lib/outpost', secretsDir: '/etc/outpost/secrets' };

/** Runs the program under mocks and returns every resource it registered, with its URN. */
async function graph(settings: Partial<ProgramSettings>): Promise<Registered[]> {
  const seen: Omit<Registered, 'urn'>[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        seen.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    'outpost-sites',
    'test',
    true,
  );
  const program = outpostProgram({ inventory: exampleInventory, delivery, providerModule: PROVIDERS, ...settings });
  const resources: pulumi.Resource[] = [
    ...(program.site ? [program.site, ...Object.values(program.site.devices)] : []),
    ...(program.directory ? [program.directory, ...Object.values(program.directory.roles), ...Object.values(program.directory.accounts)] : []),
  ];
  const urns = await Promise.all(resources.map((r) => new Promise<string>((resolve) => r.urn.apply(resolve))));
  // Inputs reach the mock once each resource's props are serialized; wait for all of them.
  const custom = resources.filter((r) => r instanceof pulumi.CustomResource).length;
  for (let i = 0; i < 200 && seen.length < custom; i++) await new Promise((r) => setTimeout(r, 10));
  return urns.map((urn) => {
    const name = urn.split('::').pop()!;
    const type = urn.split('::')[2]!.split('$').pop()!;
    const s = seen.find((x) => x.name === name && x.type === type);
    return { type, name, urn, inputs: s?.inputs ?? {} };
  });
}

/** What outpost renders for each device of a site: the hash a push records. */
function renderedHashes(inventory: string, site: string): Record<string, string> {
  const r = runPipeline({ inventoryDir: inventory, sites: [site], rules: policyRules(inventory) });
  if (!r.ok) throw new Error('the inventory does not render');
  const out: Record<string, string> = {};
  for (const d of new Set(r.artefacts.map((a) => a.device))) {
    const files = r.artefacts.filter((a) => a.device === d);
    out[d] = createHash('sha256').update(files.map((a) => `${a.path} ${a.sha256}`).join('\n')).digest('hex');
  }
  return out;
}

const deviceInputs = (g: Registered[]) => Object.fromEntries(g.filter((r) => r.type === 'pulumi-nodejs:dynamic/outpost:DeviceConfig').map((r) => [r.name, r.inputs]));

const workspaces: (() => void)[] = [];
afterAll(() => workspaces.forEach((c) => c()));

describe('the site program', () => {
  it('declares one DeviceConfig per device of vac-esch, under the Site, keyed by the rendered hash', async () => {
    const g = await graph({ site: 'vac-esch' });
    const site = g.filter((r) => r.type === 'outpost:site:Site');
    expect(site.map((r) => r.name)).toEqual(['vac-esch']);
    const expected = renderedHashes(exampleInventory, 'vac-esch');
    const devices = g.filter((r) => r.type === 'pulumi-nodejs:dynamic/outpost:DeviceConfig');
    expect(devices.map((d) => d.name).sort()).toEqual(Object.keys(expected).sort());
    for (const d of devices) {
      expect(d.urn).toBe(`urn:pulumi:test::outpost-sites::outpost:site:Site$pulumi-nodejs:dynamic/outpost:DeviceConfig::${d.name}`);
      expect(d.inputs.sha256).toBe(expected[d.name]);
      expect(d.inputs).toMatchObject({ site: 'vac-esch', device: d.name, providerModule: PROVIDERS, inventory: exampleInventory, stateDir: '/var/lib/outpost', secretsDir: '/etc/outpost/secrets' });
      // The provider is serialized into the state: it must hold no outpost code, only the forwarder.
      const provider = String(d.inputs.__provider);
      expect(provider).toContain('mod.providers["DeviceConfig"].create(inputs)');
      expect(provider).not.toMatch(/prepareSite|pushSite|ssh2/);
    }
    expect(devices.find((d) => d.name === 'vac-esch-fw1')!.inputs.platform).toBe('nftables');
  });

  it('the serialized forwarder reaches every method of the providers module with its own arguments', async () => {
    const g = await graph({ site: 'vac-esch' });
    const dir = mkdtempSync(join(tmpdir(), 'outpost-fwd-'));
    workspaces.push(() => rmSync(dir, { recursive: true, force: true }));
    const echo = join(dir, 'providers.mjs');
    const method = (m: string) => `${m}: async (...args) => ({ method: '${m}', args })`;
    writeFileSync(echo, `export const providers = { DeviceConfig: { ${['create', 'diff', 'update', 'read', 'delete'].map(method).join(', ')} } };\n`);
    const text = String(g.find((r) => r.name === 'vac-esch-fw1')!.inputs.__provider);
    // As the engine's provider process loads it (@pulumi/pulumi/cmd/dynamic-provider).
    const requireFromString = createRequire(import.meta.url)('require-from-string') as (code: string) => { handler: () => Record<string, (...a: unknown[]) => Promise<{ method: string; args: unknown[] }>> };
    const provider = requireFromString(text).handler();
    const props = { providerModule: pathToFileURL(echo).href, device: 'vac-esch-fw1' };
    expect(await provider.create!(props)).toEqual({ method: 'create', args: [props] });
    expect(await provider.diff!('id', { old: true }, props)).toEqual({ method: 'diff', args: ['id', { old: true }, props] });
    expect(await provider.update!('id', { old: true }, props)).toEqual({ method: 'update', args: ['id', { old: true }, props] });
    expect(await provider.read!('id', props)).toEqual({ method: 'read', args: ['id', props] });
    expect(await provider.delete!('id', props)).toEqual({ method: 'delete', args: ['id', props] });
  });

  it('a port changed in the guests\' internet rule changes exactly the firewall input of the site', async () => {
    const before = deviceInputs(await graph({ site: 'vac-esch' }));
    const ws = auditWorkspace([{ file: 'policies/access.yaml', from: '    to: [service:internet]\n    owner: network team\n', to: '    to: [service:internet]\n    ports: [8443/tcp]\n    owner: network team\n' }]);
    workspaces.push(ws.cleanup);
    const after = deviceInputs(await graph({ site: 'vac-esch', inventory: ws.inventory }));
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    const changed = Object.keys(after).filter((d) => after[d]!.sha256 !== before[d]!.sha256);
    expect(changed).toEqual(['vac-esch-fw1']);
    expect(after['vac-esch-fw1']!.sha256).toBe(renderedHashes(ws.inventory, 'vac-esch')['vac-esch-fw1']);
  });

  it('a stack naming some devices of the site declares those only; a device the site lacks fails with its name', async () => {
    const g = await graph({ site: 'cs-esch', devices: ['cs-esch-fw1', 'cs-esch-ap2'] });
    expect(Object.keys(deviceInputs(g)).sort()).toEqual(['cs-esch-ap2', 'cs-esch-fw1']);
    expect(() => outpostProgram({ inventory: exampleInventory, site: 'cs-esch', devices: ['cs-esch-fw9'], delivery, providerModule: PROVIDERS })).toThrow(/names device cs-esch-fw9, which site cs-esch does not have/);
  });

  it('an unknown site fails the program with the inventory message', () => {
    expect(() => outpostProgram({ inventory: exampleInventory, site: 'vac-nowhere', delivery, providerModule: PROVIDERS })).toThrow(/site vac-nowhere.*did you mean vac-esch/);
  });
});

describe('the directory program', () => {
  it('declares a RoleGroup per role and an Account per person, each under the Directory, people files in, source locations out', async () => {
    const directory = { url: 'ldaps://ldap.example.lu', bindDN: 'cn=outpost,dc=crisis,dc=example,dc=lu', passwordFile: '/run/secrets/ldap', base: 'dc=crisis,dc=example,dc=lu' };
    const g = await graph({ directory });
    const roles = g.filter((r) => r.type === 'pulumi-nodejs:dynamic/outpost:RoleGroup');
    const accounts = g.filter((r) => r.type === 'pulumi-nodejs:dynamic/outpost:Account');
    expect(roles.map((r) => r.inputs.role).sort()).toEqual(['care-staff', 'crisis-cell', 'helpdesk', 'netadmin', 'tracing-agent', 'vaccination-staff']);
    const people = (await import('../core/people/index.js')).loadIdentity(exampleInventory);
    if (!people.ok) throw new Error('people do not load');
    expect(accounts.map((a) => a.name).sort()).toEqual(people.value.people.people.map((p) => p.id).sort());
    for (const a of [...roles, ...accounts]) expect(a.urn).toContain('::outpost:directory:Directory$pulumi-nodejs:dynamic/outpost:');
    const first = accounts.find((a) => a.name === people.value.people.people[0]!.id)!;
    expect(first.inputs).toMatchObject({ directory, issuer: 'crisis.example.lu', person: { id: people.value.people.people[0]!.id, roles: people.value.people.people[0]!.roles } });
    expect(JSON.stringify(first.inputs)).not.toContain('"source"');
  });
});
