// The `outpost` executable (dist/outpost.js): starts the command bundle (dist/cli.cjs) with the
// V8 code cache the build wrote beside it (dist/cli.cache).
//
// Why: most commands are short (a render --site, an audit, a validate) and Node 20 compiles every
// function of the bundle afresh on each start, a good part of a short command's time, and keeps
// no compile cache for ES modules. The cache holds the compiled functions of the everyday
// commands; V8 checks it against the source, its own version and flags, and compiles as usual
// when it does not match (a changed bundle, another Node), so a stale cache costs speed, never
// correctness.
//
// The build makes the cache by running a few commands with OUTPOST_BUILD_CODE_CACHE=1: each run
// starts from the cache so far and writes it back with the functions it compiled.
//
// The launcher is a CommonJS script (dist/package.json says so): Node starts it without its ES
// module loader, which is some twenty modules of its own, loaded for the one file.
import { createRequire } from 'node:module';
import { bundleScript } from './code-cache.js';

const dir = __dirname;
const { script, bundle, saveCache } = bundleScript(dir);
if (process.env.OUTPOST_BUILD_CODE_CACHE === '1') process.once('exit', saveCache);

const module = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(bundle), module, bundle, dir);
