// Where outpost's own files (templates, policies, example inventory) live, both when run
// from source (tests, tsx) and from the bundle in dist/.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'outpost') return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('outpost: cannot find the package root (package.json named outpost)');
    dir = up;
  }
}
