// `npm run bench`: runs every scripts/bench/*.bench.ts in name order and prints a table.
// Each bench file default-exports an async function returning its figures.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface Figure {
  /** What was measured, in the user's words. */
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The target it must reach, e.g. `< 1000 ms`; omitted when informative only. */
  readonly target?: { readonly max: number; readonly text: string };
  readonly detail?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failed = 0;
const rows: Figure[] = [];
for (const f of files) {
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { default: () => Promise<Figure[]> };
  process.stderr.write(`bench: ${f}\n`);
  try {
    for (const fig of await mod.default()) {
      rows.push(fig);
      const ok = !fig.target || fig.value <= fig.target.max;
      if (!ok) failed++;
      const target = fig.target ? `  (target ${fig.target.text}: ${ok ? 'met' : 'MISSED'})` : '';
      process.stdout.write(`${fig.name.padEnd(64)} ${fig.value.toFixed(fig.unit === 'ms' ? 0 : 2).padStart(9)} ${fig.unit}${target}${fig.detail ? `  ${fig.detail}` : ''}\n`);
    }
  } catch (e) {
    failed++;
    process.stdout.write(`${f}: failed: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
