// The command bundle as a V8 script with its code cache (see launch.ts for why).
import { isAscii } from 'node:buffer';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';

export interface BundleScript {
  readonly script: Script;
  /** The bundle's path (the script's file name, and `__filename` inside it). */
  readonly bundle: string;
  /** Writes the code compiled so far (the cache's functions and this run's) as the new cache. */
  saveCache(): void;
}

/** The same wrapper Node gives a CommonJS module, on the first line so line numbers stay true. */
export const WRAPPER = '(function (exports, require, module, __filename, __dirname) {';

/** dist/cli.cjs of `dir`, compiled from dist/cli.cache when V8 accepts it. */
export function bundleScript(dir: string): BundleScript {
  const bundle = join(dir, 'cli.cjs');
  const cacheFile = join(dir, 'cli.cache');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // No cache (a build that could not make one): compile as usual.
  }
  // The build makes the bundle plain ASCII: read as such it is a one-byte string, without
  // decoding (any other text is read as UTF-8, as ever).
  const bytes = readFileSync(bundle);
  const text = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  // The build writes the bundle wrapped already (scripts/build.mjs): a large file is read
  // into a string outside V8's heap, and wrapping it here copied it into the heap.
  const source = text.startsWith(WRAPPER) ? text : `${WRAPPER}${text}\n})`;
  const script = new Script(source, { filename: bundle, cachedData });
  return {
    script,
    bundle,
    saveCache() {
      const next = `${cacheFile}.${process.pid}`;
      writeFileSync(next, script.createCachedData());
      renameSync(next, cacheFile);
    },
  };
}
