// Every file under a folder, by its path relative to the folder, with what `read` takes of
// it: the tests compare output trees by content, or prove a run changed nothing by size,
// mtime and mode.
import { readdirSync, statSync, type Stats } from 'node:fs';
import { join, relative } from 'node:path';

/** `skipVanished`: a file removed while the tree is read is left out instead of failing the read. */
export function fileTree<T>(dir: string, read: (path: string, st: Stats) => T, opts: { skipVanished?: boolean } = {}): Map<string, T> {
  const files = new Map<string, T>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p, { throwIfNoEntry: !opts.skipVanished });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else files.set(relative(dir, p), read(p, st));
    }
  };
  walk(dir);
  return files;
}
