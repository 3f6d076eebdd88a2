// Bundles outpost's own code into one ESM file so the command starts fast;
// dependencies stay in node_modules (some carry native parts).
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

await build({
  entryPoints: ['cli/main.ts'],
  outfile: 'dist/outpost.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  banner: { js: '#!/usr/bin/env node' },
  sourcemap: 'linked',
  logLevel: 'warning',
});
chmodSync('dist/outpost.js', 0o755);
