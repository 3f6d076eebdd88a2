// Kits hold first passwords and TOTP seeds: a folder of them inside a git work tree must
// be ignored by git, or the next `git add -A` commits the secrets. Checked before any
// file is written, so a refusal changes nothing.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { UsageError } from './exit-codes.js';

// node:child_process (and the net, dgram and stream modules it brings) is loaded when a
// guard runs, not by every command that registers one.
const git = (cwd: string, args: string[]) =>
  (createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process')).spawnSync('git', ['-C', cwd, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

/** Throws a usage error when `dir` lies inside a git work tree that does not ignore it. */
export function refuseTrackedSecrets(dir: string, flag: string): void {
  let probe = resolve(dir);
  while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe);
  const top = git(probe, ['rev-parse', '--show-toplevel']);
  // No git, or not a work tree: nothing can commit the folder by accident.
  if (top.status !== 0 || top.error) return;
  const root = top.stdout.trim();
  const inside = relative(root, join(resolve(dir), 'secret'));
  if (git(root, ['check-ignore', '-q', '--', inside]).status === 0) return;
  throw new UsageError(
    `${flag} ${dir}: would write secrets (first passwords, TOTP seeds) inside the git work tree ${root}, where git does not ignore them; ` +
      `add ${relative(root, resolve(dir)) || '.'}/ to ${join(root, '.gitignore')} or pass ${flag} a folder outside the work tree`,
  );
}
