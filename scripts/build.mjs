// Bundles outpost's own code and its pure-JS libraries into dist/ so the command starts fast
// (one file to load instead of hundreds of modules, with a V8 code cache: see cli/launch.ts).
// Packages with native parts or heavy trees stay in node_modules and load only when a
// command needs them.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { precompileTemplates } from './precompile-templates.mjs';
import { leanJsYaml } from './js-yaml-lean.mjs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const bundled = new Set(['zod', 'yaml', 'js-yaml', 'handlebars', 'netmask', 'commander', 'ldapts']);
const external = Object.keys(pkg.dependencies ?? {}).filter((d) => !bundled.has(d));

// zod's `z.locales` namespace carries the messages of 60-odd languages (half of zod's
// code in the bundle: every command parses it at start-up, ~12 ms). outpost speaks English
// only and never reads z.locales; the English messages zod uses come from its own import
// of locales/en.js, which stays.
const englishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({ contents: 'export { default as en } from "./en.js";\n', loader: 'js' }));
  },
};

// commander loads node:child_process as it starts (and with it net, dgram and their
// helpers), for subcommands that are separate executables, which outpost has none of:
// the bundled commander loads it on such a subcommand's first spawn instead.
const COMMANDER_CHILD = "const childProcess = require('node:child_process');";
const lazyChildProcess = {
  name: 'commander-lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(COMMANDER_CHILD)) {
        process.stderr.write('build: commander is not the version the build knows; bundled unchanged\n');
        return undefined;
      }
      return { contents: text.replace(COMMANDER_CHILD, "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };"), loader: 'js' };
    });
  },
};

// ldapts parses its one URL with whatwg-url, whose Unicode tables cost every directory
// command ~25 ms to load: the bundled ldapts gets core/directory/ldap-url.ts instead,
// which answers the plain ldap:// form itself and loads whatwg-url (left external) for
// anything else.
const ldapUrl = {
  name: 'ldapts-url',
  setup(b) {
    b.onResolve({ filter: /^whatwg-url$/ }, (args) =>
      /[\\/]node_modules[\\/]ldapts[\\/]/.test(args.importer) ? { path: new URL('../core/directory/ldap-url.ts', import.meta.url).pathname } : { path: 'whatwg-url', external: true },
    );
  },
};

// See scripts/js-yaml-lean.mjs: two objects js-yaml makes for every node, made only when needed.
const jsYamlLean = {
  name: 'js-yaml-lean',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]js-yaml[\\/]dist[\\/]js-yaml\.mjs$/ }, (args) => {
      const contents = leanJsYaml(readFileSync(args.path, 'utf8'));
      if (contents === undefined) process.stderr.write('build: js-yaml is not the version the build knows; bundled unchanged\n');
      return contents === undefined ? undefined : { contents, loader: 'js' };
    });
  },
};

rmSync('dist', { recursive: true, force: true });
const common = { bundle: true, platform: 'node', target: 'node20', charset: 'ascii', external, sourcemap: 'linked', logLevel: 'warning', plugins: [precompileTemplates, englishOnly, ldapUrl, jsYamlLean, lazyChildProcess] };

// The Pulumi program and its providers (infra/): ES modules sharing chunks, as the engine loads them.
await build({
  ...common,
  entryPoints: { 'infra/index': 'infra/index.ts', 'infra/providers': 'infra/providers/index.ts' },
  outdir: 'dist',
  splitting: true,
  format: 'esm',
  // Some bundled CommonJS packages call require() for Node built-ins.
  banner: { js: "import { createRequire as __outpostRequire } from 'node:module';\nconst require = __outpostRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
});

// The command: one CommonJS script, so cli/launch.ts can start it with a V8 code cache (Node 20
// keeps none for ES modules). A command's imports stay lazy: esbuild runs a dynamically
// imported module's body only when the import happens, and `import()` of a package becomes
// `require()` (a code-cached script has no loader for `import()`).
await build({
  ...common,
  entryPoints: { cli: 'cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__outpostModuleUrl' },
  banner: { js: "const __outpostModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
asciiOnly('dist/cli.cjs');
wrapAsFunction('dist/cli.cjs');
// The launcher: CommonJS, as dist/package.json declares for dist/ (the Pulumi program's
// folders declare themselves ES modules again), so Node starts it without its ES module loader.
await build({ ...common, plugins: [], sourcemap: false, entryPoints: { outpost: 'cli/launch.ts' }, outdir: 'dist', format: 'cjs', banner: { js: '#!/usr/bin/env node' } });
const packageType = (type) => `${JSON.stringify({ type })}\n`;
writeFileSync('dist/package.json', packageType('commonjs'));
for (const esm of ['dist/infra', 'dist/chunks']) if (existsSync(esm)) writeFileSync(join(esm, 'package.json'), packageType('module'));
chmodSync('dist/outpost.js', 0o755);
trainCodeCache();

/**
 * Makes the bundle plain ASCII, so it loads as a one-byte string (half the memory, no UTF-8
 * decoding at each start: see cli/code-cache.ts). `charset: 'ascii'` has esbuild escape every
 * string, template and pattern; what it leaves is comments the bundle keeps from its sources,
 * where a `?` for each other character changes nothing.
 */
function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  if (/[^\x00-\x7f]/.test(text)) writeFileSync(file, text.replace(/[^\x00-\x7f]/gu, (c) => '?'.repeat(c.length)));
}

/**
 * Writes the bundle as the function expression cli/code-cache.ts compiles (its WRAPPER, the
 * same text, on the first line so line numbers stay true; tests/code-cache.test.ts holds the
 * two to one text): the file is then the script's source as it is. Read at start as one
 * string held outside V8's heap, it was copied into the heap by the wrapping there (1.9 MB of
 * old space, on every start).
 */
function wrapAsFunction(file) {
  const wrapper = '(function (exports, require, module, __filename, __dirname) {';
  writeFileSync(file, `${wrapper}${readFileSync(file, 'latin1')}\n})`, 'latin1');
}

/**
 * Writes dist/cli.cache: runs a few everyday commands on the example inventory (offline, into a
 * temporary folder), each adding the functions it compiled. Without it outpost works the same,
 * only starts slower, so a failure here is said and the build goes on.
 */
function trainCodeCache() {
  const work = mkdtempSync(join(tmpdir(), 'outpost-build-'));
  const runs = [
    ['validate', '--inventory', 'inventory'],
    ['render', '--inventory', 'inventory', '--out', join(work, 'out')],
    ['render', '--site', 'vac-esch', '--inventory', 'inventory', '--out', join(work, 'out')],
    ['audit', '--inventory', 'inventory', '--against', 'intended', '--format', 'json', '--out', join(work, 'audit.json')],
    ['plan', '--inventory', 'inventory'],
  ];
  try {
    for (const args of runs) {
      const r = spawnSync(process.execPath, ['dist/outpost.js', ...args], { env: { ...process.env, OUTPOST_BUILD_CODE_CACHE: '1' }, encoding: 'utf8' });
      // Exit 1 is an answer (findings), not a failure to run.
      if (r.status !== 0 && r.status !== 1) throw new Error(`outpost ${args.join(' ')} exited ${r.status}: ${r.stderr.trim().split('\n').pop()}`);
    }
  } catch (err) {
    rmSync('dist/cli.cache', { force: true });
    process.stderr.write(`build: no code cache (outpost starts slower): ${err.message}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
