// Running the built CLI against hostile or broken input, and the checks every such run
// must pass: the expected exit code, a located diagnostic, no stack trace, nothing
// written, and an end within a time limit (a hang is a failure, not a stuck suite).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { repoRoot } from './inventory.js';
import { fileTree } from './tree.js';

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  /** Set when the run was stopped at its time limit. */
  readonly timedOut: boolean;
}

export function run(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Run {
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--max-old-space-size=1024', join(repoRoot, 'dist', 'outpost.js'), ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    code: r.status,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    ms: performance.now() - started,
    timedOut: (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT',
  };
}

/** A stack frame line as V8 prints them, or the CLI's bug banner. */
export const STACK = /^\s+at .+[(:]\d+|internal error/m;

/** The run refused its input the way the project promises: exit code, located message, no stack. */
export function expectRefused(r: Run, opts: { file: string | RegExp; line?: number; code?: string; exit?: number }): void {
  expect(r.timedOut, 'the command ended on its own').toBe(false);
  expect(r.stderr).not.toMatch(STACK);
  const file = typeof opts.file === 'string' ? escape(opts.file) : opts.file.source;
  const where = new RegExp(`${file}:${opts.line ?? '\\d+'}:\\d+: error: .*${opts.code ? `\\[${escape(opts.code)}\\]` : ''}`);
  expect(r.stderr).toMatch(where);
  expect(r.code, r.stderr).toBe(opts.exit ?? 1);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every file under `dir` with its size and mtime, to prove a run changed nothing. */
export function snapshot(dir: string): Map<string, string> {
  return fileTree(dir, (_p, st) => `${st.size}:${st.mtimeMs}:${st.mode}`, { skipVanished: true });
}
