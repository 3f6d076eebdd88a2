// The Pulumi engine for engine tests: the one scripts/setup-pulumi.sh builds and caches
// (npm test's pretest runs it through setup-system.sh), put on PATH here; a project folder
// with infra/'s Pulumi.yaml, a file backend, a passphrase and a PULUMI_HOME of the test's
// own in a temp folder removed by cleanup().
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot } from './inventory.js';

/** The cache's bin folder holding `pulumi` and the dynamic provider launcher. */
export function engineBin(): string {
  const out = execFileSync('bash', [join(repoRoot, 'scripts', 'setup-pulumi.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').pop()!;
}

/** infra/Pulumi.yaml in another folder: the engine checks that `main` (relative) exists. */
export function projectFile(project: string): void {
  const main = relative(project, join(repoRoot, 'dist', 'infra', 'index.js'));
  writeFileSync(join(project, 'Pulumi.yaml'), readFileSync(join(repoRoot, 'infra', 'Pulumi.yaml'), 'utf8').replace(/^main: .*$/m, `main: ${main}`));
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
  projectFile(project);
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

/** Runs the built CLI, in namespace `ns` when given; asynchronous, so the test worker stays responsive during long engine runs. */
export function outpostIn(ns: string | undefined, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 180_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const argv = [process.execPath, join(repoRoot, 'dist', 'outpost.js'), ...args];
  const [cmd, ...rest] = ns ? ['ip', 'netns', 'exec', ns, ...argv] : argv;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd!, rest, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface InfraRun {
  readonly code: number | null;
  readonly doc: { ok: boolean; changes: Record<string, number>; steps: { op: string; type: string; name: string; diffs: string[] }[]; drifted?: string[]; errors: string[]; diagnostics: { file?: string; line?: number; col?: number; message: string }[] };
  readonly stderr: string;
}

/** `outpost infra <op> --json` on a stack of the workspace. */
export async function infra(ws: PulumiWorkspace, ns: string | undefined, op: string, stack: string[], extra: string[] = []): Promise<InfraRun> {
  const r = await outpostIn(ns, ['infra', op, ...stack, '--project', ws.project, '--backend', ws.backend, '--json', ...extra], ws.env);
  let doc: InfraRun['doc'];
  try {
    doc = JSON.parse(r.stdout) as InfraRun['doc'];
  } catch {
    throw new Error(`outpost infra ${op} printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, doc, stderr: r.stderr };
}
