// Validate + plan + render all 13 sites, measured as a user runs it: a fresh process,
// wall time including Node's start, best of five runs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Figure } from './index.js';

export default async function bench(): Promise<Figure[]> {
  const root = join(import.meta.dirname, '..', '..');
  const out = mkdtempSync(join(tmpdir(), 'outpost-bench-'));
  const times: number[] = [];
  try {
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      execFileSync(process.execPath, [join(root, 'dist', 'outpost.js'), 'render', '--out', join(out, 'o'), '--inventory', join(root, 'inventory')], { stdio: 'pipe' });
      times.push(performance.now() - t0);
    }
    const manifest = JSON.parse(readFileSync(join(out, 'o', 'manifest.json'), 'utf8')) as { artefacts: unknown[] };
    const best = Math.min(...times);
    return [
      {
        name: 'validate + plan + render 13 sites (process wall time, best of 5)',
        value: best,
        unit: 'ms',
        target: { max: 1000, text: '< 1000 ms' },
        detail: `${manifest.artefacts.length} artefacts; median ${times.sort((a, b) => a - b)[2]!.toFixed(0)} ms`,
      },
    ];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
