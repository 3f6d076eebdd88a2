// Copies of the example inventory with deliberate edits, for tests that break things.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile, spawnSync } from 'node:child_process';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const exampleInventory = join(repoRoot, 'inventory');

export interface Edit {
  /** Path inside the inventory, e.g. `sites/vac-esch.yaml`. */
  readonly file: string;
  readonly from: string | RegExp;
  readonly to: string;
}

/** A temp copy of the example inventory with each edit applied; throws if an edit matches nothing. */
export function inventoryCopy(edits: readonly Edit[] = []): { dir: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'outpost-inv-'));
  const dir = join(root, 'inventory');
  cpSync(exampleInventory, dir, { recursive: true });
  applyEdits(dir, edits);
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Applies each edit to the file it names under `dir`; throws if an edit matches nothing. */
export function applyEdits(dir: string, edits: readonly Edit[]): void {
  for (const e of edits) {
    const file = join(dir, e.file);
    const text = readFileSync(file, 'utf8');
    const next = text.replace(e.from, e.to);
    if (next === text) throw new Error(`edit matched nothing in ${e.file}: ${String(e.from)}`);
    writeFileSync(file, next);
  }
}

/** 1-based line number of the first line containing `needle` in an inventory file. */
export function lineOf(dir: string, file: string, needle: string): number {
  const lines = readFileSync(join(dir, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} not in ${file}`);
  return i + 1;
}

/** Runs the built CLI (dist/outpost.js, built by `npm test`'s pretest). */
export function outpost(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'dist', 'outpost.js'), ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs the built CLI without blocking this worker: a test that runs the CLI several times
 * must use this one. A worker blocked for a minute (spawnSync after spawnSync on a loaded
 * machine) cannot answer vitest's runner, whose fixed 60 s RPC timeout then fails the run.
 */
export function outpostAsync(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(repoRoot, 'dist', 'outpost.js'), ...args], { cwd: opts.cwd ?? repoRoot, env: { ...process.env, NO_COLOR: '1', ...opts.env }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
