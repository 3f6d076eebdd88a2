// The Pulumi engine for engine tests: the one scripts/setup-pulumi.sh builds and caches
// (npm test's pretest runs it through setup-system.sh), put on PATH here; a project folder
// with infra/'s Pulumi.yaml, a file backend, a passphrase and a PULUMI_HOME of the test's
// own in a temp folder removed by cleanup().
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './inventory.js';

/** The cache's bin folder holding `pulumi` and the dynamic provider launcher. */
export function engineBin(): string {
  const out = execFileSync('bash', [join(repoRoot, 'scripts', 'setup-pulumi.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').pop()!;
}

export interface PulumiWorkspace {
  readonly root: string;
  /** The Pulumi project folder (Pulumi.yaml copied from infra/). */
  readonly project: string;
  /** Folder of the file backend. */
  readonly state: string;
  readonly backend: string;
  readonly passphrase: string;
  readonly env: NodeJS.ProcessEnv;
  cleanup(): void;
}

export function pulumiWorkspace(prefix: string): PulumiWorkspace {
  const root = mkdtempSync(join(tmpdir(), `${prefix}-${process.pid}-`));
  const project = join(root, 'infra');
  const state = join(root, 'pulumi-state');
  mkdirSync(project);
  mkdirSync(state);
  copyFileSync(join(repoRoot, 'infra', 'Pulumi.yaml'), join(project, 'Pulumi.yaml'));
  const passphrase = `pass-${process.pid}-${Date.now()}`;
  const env = {
    ...process.env,
    PATH: `${engineBin()}:${process.env.PATH}`,
    PULUMI_HOME: join(root, 'pulumi-home'),
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    NO_COLOR: '1',
    SSH_AUTH_SOCK: '',
  };
  return { root, project, state, backend: `file://${state}`, passphrase, env, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Runs the built CLI, in namespace `ns` when given. */
export function outpostIn(ns: string | undefined, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000) {
  const argv = [process.execPath, join(repoRoot, 'dist', 'outpost.js'), ...args];
  const r = ns ? spawnSync('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8', env, timeout: timeoutMs }) : spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env, timeout: timeoutMs });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
