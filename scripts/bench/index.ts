// `npm run -s bench [-- --json] [--out file.json] [name...]`: runs every
// scripts/bench/*.bench.ts (or those whose file name contains one of the names) in name
// order. Prints a table of median, min–max and runs per figure, or with --json one
// document (figures.schema.json) on stdout; --out also writes that document to a file for
// tracking over time. Progress goes to stderr. Exits 1 when a median misses its target or
// a bench fails.
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchDocument, met, tableHeader, tableRow, type Figure } from './figures.js';

export type { Figure, Stats } from './figures.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const outAt = args.indexOf('--out');
const outFile = outAt >= 0 ? args[outAt + 1] : undefined;
if (outAt >= 0 && !outFile) {
  process.stderr.write('bench: --out needs a file name\n');
  process.exit(2);
}
const only = args.filter((a, i) => !a.startsWith('--') && (outAt < 0 || i !== outAt + 1));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const results: { bench: string; figures?: Figure[]; error?: string }[] = [];
if (!json) process.stdout.write(`${tableHeader}\n`);
for (const f of files) {
  const bench = f.replace(/\.bench\.ts$/, '');
  process.stderr.write(`bench: ${f}\n`);
  try {
    const mod = (await import(pathToFileURL(join(here, f)).href)) as { default: () => Promise<Figure[]> };
    const figures = await mod.default();
    results.push({ bench, figures });
    if (!json) for (const fig of figures) process.stdout.write(`${tableRow(fig)}\n`);
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    results.push({ bench, error });
    if (!json) process.stdout.write(`${f}: failed: ${error}\n`);
  }
}
const doc = benchDocument(results);
if (json) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
if (outFile) writeFileSync(outFile, `${JSON.stringify(doc, null, 2)}\n`);
const missed = results.flatMap((r) => r.figures ?? []).filter((fig) => !met(fig)).length;
process.stderr.write(`bench: ${missed} target(s) missed, ${doc.failures.length} bench(es) failed; load average ${doc.machine.loadavg.map((l) => l.toFixed(2)).join(' ')} on ${doc.machine.cpus} cores\n`);
process.exitCode = missed || doc.failures.length ? 1 : 0;
