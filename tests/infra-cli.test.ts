// `outpost infra stack-config`: a new centre is a new stack in one command, and writing it
// again keeps what the Pulumi CLI stored in the file.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outpost, repoRoot } from './support/inventory.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'outpost-infra-'));
  for (const d of ['inventory', 'policies', 'infra']) cpSync(join(repoRoot, d), join(root, d), { recursive: true });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const run = (args: string[]) => outpost(['infra', 'stack-config', ...args], { cwd: root });

describe('outpost infra stack-config', () => {
  it('writes Pulumi.<site>.yaml with the site and paths relative to the project', () => {
    const r = run(['--site', 'vac-mondorf', '--secrets', 'secrets', '--identity', 'keys/outpost']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('wrote infra/Pulumi.vac-mondorf.yaml: stack vac-mondorf');
    const doc = parse(readFileSync(join(root, 'infra/Pulumi.vac-mondorf.yaml'), 'utf8')) as { config: Record<string, string> };
    expect(doc.config).toEqual({
      'outpost:site': 'vac-mondorf',
      'outpost:inventory': '../inventory',
      'outpost:stateDir': '../.outpost',
      'outpost:secretsDir': '../secrets',
      'outpost:identityFile': '../keys/outpost',
    });
  });

  it('keeps the encryption salt and other settings Pulumi stored when written again', () => {
    const file = join(root, 'infra/Pulumi.vac-mondorf.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}encryptionsalt: v1:Zm9v:v1:YmFy:YmF6\n`.replace('config:\n', 'config:\n  aws:region: eu-west-1\n'));
    const r = run(['--site', 'vac-mondorf', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, stack: 'vac-mondorf', updated: true });
    const doc = parse(readFileSync(file, 'utf8')) as { config: Record<string, string>; encryptionsalt: string };
    expect(doc.encryptionsalt).toBe('v1:Zm9v:v1:YmFy:YmF6');
    expect(doc.config).toEqual({ 'aws:region': 'eu-west-1', 'outpost:site': 'vac-mondorf', 'outpost:inventory': '../inventory', 'outpost:stateDir': '../.outpost' });
  });

  it('an unknown site is a usage error and writes nothing', () => {
    const r = run(['--site', 'vac-nowhere']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--site vac-nowhere: no such site');
    expect(existsSync(join(root, 'infra/Pulumi.vac-nowhere.yaml'))).toBe(false);
  });

  it('a stack for part of a site lists its devices; a device the site lacks is a usage error', () => {
    const r = run(['--site', 'cs-esch', '--device', 'cs-esch-fw1', '--device', 'cs-esch-ap1']);
    expect(r.code).toBe(0);
    const doc = parse(readFileSync(join(root, 'infra/Pulumi.cs-esch.yaml'), 'utf8')) as { config: Record<string, unknown> };
    expect(doc.config['outpost:devices']).toEqual(['cs-esch-fw1', 'cs-esch-ap1']);
    const bad = run(['--site', 'cs-kirch', '--device', 'cs-kirch-fw9']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--device cs-kirch-fw9: not a device of cs-kirch');
    expect(existsSync(join(root, 'infra/Pulumi.cs-kirch.yaml'))).toBe(false);
  });
});

describe('outpost infra preview|up|refresh|destroy, before the engine starts', () => {
  const env = { PULUMI_CONFIG_PASSPHRASE: '', PULUMI_CONFIG_PASSPHRASE_FILE: '', PULUMI_BACKEND_URL: '' };
  it('needs one stack, named by --site or --directory', () => {
    const r = outpost(['infra', 'preview'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('name one stack: --site CODE or --directory');
  });

  it('without a passphrase in the environment or a file: exit 2 naming where it may come from, no state written', () => {
    const r = outpost(['infra', 'up', '--site', 'vac-mondorf'], { cwd: root, env: { ...env, PULUMI_CONFIG_PASSPHRASE: undefined as unknown as string } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no passphrase for the stack secrets: set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE');
    expect(existsSync(join(root, '.pulumi-state'))).toBe(false);
  });

  it('a stack without settings in the project: exit 2 telling how to write them', () => {
    const r = outpost(['infra', 'preview', '--site', 'vac-lux'], { cwd: root, env: { PULUMI_CONFIG_PASSPHRASE: 'x' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no settings for stack vac-lux in infra: outpost infra stack-config --site vac-lux first');
  });
});
