// Bundles outpost's own code and its pure-JS parsing libraries into dist/ so the command
// starts fast (one file to load instead of hundreds of modules). Packages with native
// parts or heavy trees stay in node_modules and load only when a command needs them
// (code splitting keeps each command's imports lazy).
import { build } from 'esbuild';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { precompileTemplates } from './precompile-templates.mjs';

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

rmSync('dist', { recursive: true, force: true });
await build({
  // The Pulumi program and its providers (infra/) share outpost's chunks.
  entryPoints: { outpost: 'cli/main.ts', 'infra/index': 'infra/index.ts', 'infra/providers': 'infra/providers/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  // Some bundled CommonJS packages call require() for Node built-ins.
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __outpostRequire } from 'node:module';\nconst require = __outpostRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [precompileTemplates, englishOnly, ldapUrl],
});
chmodSync('dist/outpost.js', 0o755);
