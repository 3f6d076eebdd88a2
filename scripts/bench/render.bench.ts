// Validate + plan + render all 13 sites, measured as a user runs it: a fresh process,
// wall time including Node's start; judged on the median of five runs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runs, type Figure } from './figures.js';

export default async function bench(): Promise<Figure[]> {
  const root = join(import.meta.dirname, '..', '..');
  const out = mkdtempSync(join(tmpdir(), 'outpost-bench-'));
  try {
    const stats = await runs(5, () => execFileSync(process.execPath, [join(root, 'dist', 'outpost.js'), 'render', '--out', join(out, 'o'), '--inventory', join(root, 'inventory')], { stdio: 'pipe' }));
    const manifest = JSON.parse(readFileSync(join(out, 'o', 'manifest.json'), 'utf8')) as { artefacts: unknown[] };
    return [
      {
        name: 'validate + plan + render 13 sites (fresh process, wall time)',
        stats,
        unit: 'ms',
        target: { max: 1000, text: '< 1000 ms' },
        detail: `${manifest.artefacts.length} artefacts`,
      },
    ];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
