// Builds the CLI bundle once before any test file runs, so CLI tests exercise the
// same dist/outpost.js a user gets from `npm install`.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  const root = join(import.meta.dirname, '..', '..');
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
}
