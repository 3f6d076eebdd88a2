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
});
