// The file-system work of a render, done the quick way: a full render makes hundreds of
// folders and thousands of small files and removes the generation it replaces, and on a
// busy disk each mkdir, create or unlink waits a fraction of a millisecond or more, so the
// number of calls and how many are under way at once decide the wall time.
// - Trees are removed with one unlink per file (readdir with types, never an lstat per
//   entry, never a failed rmdir first as Node's recursive rm does); symbolic links are
//   unlinked, never followed.
// - Folders (level by level), files and removals go `limit` at a time through libuv's
//   thread pool.
// - Leftovers of killed renders are swept by a worker thread while the new generation is
//   written (only once the render's inputs proved valid), since nothing of them is needed.
import { copyFile, constants, link, mkdir, promises as fsp, writeFile } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const LIMIT = 16;

type Fsp = Pick<typeof fsp, 'lstat' | 'readdir' | 'unlink' | 'rmdir' | 'rm'>;

/**
 * Removes each of `paths` (a folder tree, a file or a link), `limit` calls at a time;
 * a path already gone is no error. Self-contained on purpose (its modules are parameters):
 * a worker thread runs it from its source text.
 */
export async function removeTrees(fs: Fsp, joinPath: (dir: string, name: string) => string, paths: readonly string[], limit: number): Promise<void> {
  const each = async <T>(items: readonly T[], op: (item: T) => Promise<unknown>): Promise<void> => {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < items.length) await op(items[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  };
  try {
    // Files by folder, to unlink them one folder after the other (the first of each, then
    // the second...) so the unlinks under way at once do not queue on one folder's lock.
    const folders: string[][] = [[]];
    const levels: string[][] = [];
    let level: string[] = [];
    await each(paths, async (path) => {
      const st = await fs.lstat(path).catch(() => undefined);
      if (st) (st.isDirectory() ? level : folders[0]!).push(path);
    });
    while (level.length) {
      levels.push(level);
      const below: string[] = [];
      await each(level, async (dir) => {
        const files: string[] = [];
        for (const e of await fs.readdir(dir, { withFileTypes: true })) (e.isDirectory() ? below : files).push(joinPath(dir, e.name));
        folders.push(files);
      });
      level = below;
    }
    const files: string[] = [];
    for (let i = 0, left = true; left; i++) {
      left = false;
      for (const f of folders) {
        if (i < f.length) files.push(f[i]!);
        if (i + 1 < f.length) left = true;
      }
    }
    await each(files, (file) => fs.unlink(file));
    for (const dirs of levels.reverse()) await each(dirs, (dir) => fs.rmdir(dir));
  } catch {
    // Whatever the quick way could not do (a file appearing meanwhile, odd permissions),
    // Node's own recursive removal does or reports.
    for (const path of paths) await fs.rm(path, { recursive: true, force: true });
  }
}

/** Removes `paths` now. */
export function removePaths(paths: readonly string[]): Promise<void> {
  return removeTrees(fsp, join, paths, LIMIT);
}

/**
 * Starts removing `paths` on a worker thread; the promise settles when it is done and
 * never rejects (what is left is removed by the caller's own sweep afterwards).
 */
export function removeInBackground(paths: readonly string[]): Promise<void> {
  if (!paths.length) return Promise.resolve();
  const source = `const { workerData } = require('node:worker_threads');
(${removeTrees.toString()})(require('node:fs').promises, require('node:path').join, workerData, ${LIMIT}).catch(() => {});`;
  // Loaded here, not at start: most renders have no leftovers, and loading worker_threads
  // cost every render several milliseconds.
  const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
  return new Promise((resolve) => {
    const worker = new Worker(source, { eval: true, workerData: [...paths] });
    worker.once('error', () => resolve());
    worker.once('exit', () => resolve());
  });
}

/** Runs `op` on every item, `limit` at a time; on the first failure no new one starts, and it rejects once those under way have ended. */
function limited<T>(items: readonly T[], op: (item: T, done: (e: NodeJS.ErrnoException | null) => void) => void, limit = LIMIT): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let active = 0;
    let failure: NodeJS.ErrnoException | undefined;
    const pump = (): void => {
      while (!failure && active < limit && next < items.length) {
        active++;
        op(items[next++]!, (e) => {
          active--;
          if (e && !failure) failure = e;
          pump();
        });
      }
      if (active === 0 && (failure || next === items.length)) {
        if (failure) reject(failure);
        else resolve();
      }
    };
    pump();
  });
}

/**
 * Makes `folders` (parents before children: level by level, by the number of separators)
 * and writes every file into them (its content, or the file `from` names, linked or copied). On a failure it rejects once the calls already under
 * way have ended, so the caller may remove the tree without a write landing in it afterwards.
 */
export async function writeTree(
  folders: Iterable<string>,
  files: readonly ({ readonly path: string; readonly content: string } | { readonly path: string; readonly from: string; readonly copy?: boolean })[],
): Promise<void> {
  const byDepth = new Map<number, string[]>();
  for (const f of folders) {
    const depth = f.split('/').length;
    const level = byDepth.get(depth);
    if (level) level.push(f);
    else byDepth.set(depth, [f]);
  }
  for (const depth of [...byDepth.keys()].sort((a, b) => a - b)) {
    await limited(byDepth.get(depth)!, (f, done) => mkdir(f, { recursive: true }, (e) => done(e)));
  }
  await limited(interleaved(files), (f, done) => {
    if ('content' in f) writeFile(f.path, f.content, done);
    // A file kept from the generation this one replaces: a hard link costs one call and
    // no read; where the disk cannot link (another file system, no permission), a copy.
    else if (f.copy) copyFile(f.from, f.path, constants.COPYFILE_EXCL, done);
    else link(f.from, f.path, (e) => (e ? copyFile(f.from, f.path, constants.COPYFILE_EXCL, done) : done(null)));
  });
}

/**
 * The files taken one folder after the other (the first file of each folder, then the
 * second...), so the writes under way at once create entries in different folders instead
 * of queueing on one folder's lock.
 */
function interleaved<T extends { readonly path: string }>(files: readonly T[]): T[] {
  const byFolder = new Map<string, T[]>();
  for (const f of files) {
    const folder = dirname(f.path);
    const list = byFolder.get(folder);
    if (list) list.push(f);
    else byFolder.set(folder, [f]);
  }
  const lists = [...byFolder.values()];
  const out: T[] = [];
  for (let i = 0; out.length < files.length; i++) for (const list of lists) if (i < list.length) out.push(list[i]!);
  return out;
}
