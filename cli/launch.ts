// The `outpost` executable (dist/outpost.js): starts the command bundle (dist/cli.cjs) with the
// V8 code cache the build wrote beside it (dist/cli.cache).
//
// Why: most commands are short (a render --site, an audit, a validate) and Node 20 compiles every
// function of the bundle afresh on each start, a fifth of a short command's time. The cache holds
// the compiled functions of the common commands; V8 checks it against the source and its own
// version and flags, and compiles as usual when it does not match (a changed bundle, another Node),
// so a stale cache costs speed, never correctness.
//
// The build makes the cache by running a few commands with OUTPOST_BUILD_CODE_CACHE=1: each run
// starts from the cache so far and writes it back with the functions it compiled.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const dir = dirname(fileURLToPath(import.meta.url));
const bundle = join(dir, 'cli.cjs');
const cacheFile = join(dir, 'cli.cache');

let cachedData: Buffer | undefined;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // No cache (a build that could not make one): compile as usual.
}
// The same wrapper Node gives a CommonJS module, on the first line so line numbers stay true.
const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`;
const script = new Script(source, { filename: bundle, cachedData });

if (process.env.OUTPOST_BUILD_CODE_CACHE === '1') {
  process.once('exit', () => {
    const next = `${cacheFile}.${process.pid}`;
    writeFileSync(next, script.createCachedData());
    renameSync(next, cacheFile);
  });
}

const module = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(bundle), module, bundle, dir);
