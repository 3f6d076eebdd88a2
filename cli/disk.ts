// The file-system work of a render, done the quick way: a full render writes thousands of
// small files and removes the generation it replaces, and on a busy disk each create or
// unlink costs a fraction of a millisecond, so the number of calls and their overlap
// decide the wall time.
// - Trees are removed with one unlink per file (readdir with types, never an lstat per
//   entry, never a failed rmdir first as Node's recursive rm does), symbolic links
//   unlinked, never followed.
// - Files are written several at a time through libuv's thread pool, each folder made once.
// - Leftovers of killed renders can be swept by a worker thread while the main thread is
//   still loading and planning, since nothing of them is needed.
import { lstatSync, readdirSync, rmdirSync, rmSync, unlinkSync, writeFile } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** Removes `path` (a folder tree, a file or a link) without following links; no error when it is gone. */
export function removeTree(path: string): void {
  try {
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st) return;
    if (!st.isDirectory()) return unlinkSync(path);
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else unlinkSync(p);
      }
      rmdirSync(dir);
    };
    walk(path);
  } catch {
    // Whatever the quick walk could not do (a file appearing meanwhile, odd permissions),
    // Node's own recursive removal does or reports.
    rmSync(path, { recursive: true, force: true });
  }
}

// The same walk for a worker thread, which cannot share this module's bundled imports.
const sweeper = `
const { lstatSync, readdirSync, rmdirSync, rmSync, unlinkSync } = require('node:fs');
const { join } = require('node:path');
const { workerData } = require('node:worker_threads');
for (const path of workerData) {
  try {
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st) continue;
    if (!st.isDirectory()) { unlinkSync(path); continue; }
    const walk = (dir) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p); else unlinkSync(p);
      }
      rmdirSync(dir);
    };
    walk(path);
  } catch {
    try { rmSync(path, { recursive: true, force: true }); } catch {}
  }
}
`;

/**
 * Starts removing `paths` on a worker thread; the promise settles when it is done and
 * never rejects (what is left is removed by the caller's own sweep afterwards).
 */
export function removeTreesInBackground(paths: readonly string[]): Promise<void> {
  if (!paths.length) return Promise.resolve();
  return new Promise((resolve) => {
    const worker = new Worker(sweeper, { eval: true, workerData: [...paths] });
    worker.once('error', () => resolve());
    worker.once('exit', () => resolve());
  });
}

/**
 * Writes every file, `limit` at a time. On the first failure no new write starts, and the
 * promise rejects once the writes already under way have ended, so the caller may remove
 * the folder without a write landing in it afterwards.
 */
export function writeFiles(files: readonly { readonly path: string; readonly content: string }[], limit = 16): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let active = 0;
    let failure: unknown;
    const pump = (): void => {
      while (failure === undefined && active < limit && next < files.length) {
        const f = files[next++]!;
        active++;
        writeFile(f.path, f.content, (e) => {
          active--;
          if (e && failure === undefined) failure = e;
          pump();
        });
      }
      if (active === 0 && (failure !== undefined || next === files.length)) {
        if (failure !== undefined) reject(failure);
        else resolve();
      }
    };
    pump();
  });
}
