// The bench document (`npm run bench -- --json`) is tracked over time, so its shape is a
// contract: the document the harness builds must validate against the schema in the
// repository, and the verdict must follow the median, not the best run.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { benchDocument, runs, summary, tableRow, type Figure } from '../scripts/bench/figures.js';

const schema = JSON.parse(readFileSync('scripts/bench/figures.schema.json', 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

const render: Figure = { name: 'render 13 sites, fresh process', unit: 'ms', stats: summary([816, 1249, 1300, 990, 1100]), target: { max: 1000, text: '< 1000 ms' } };
const rss: Figure = { name: 'peak memory', unit: 'MB', stats: summary([88]) };

describe('the bench document', () => {
  it('validates against figures.schema.json, failures included', async () => {
    const timed = await runs(5, () => JSON.stringify({ a: 1 }));
    const doc = benchDocument([
      { bench: 'render', figures: [render, rss, { name: 'json', unit: 'ms', stats: timed }] },
      { bench: 'push', error: 'the delivery benchmark needs root' },
    ]);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
    expect(doc.failures).toEqual([{ bench: 'push', error: 'the delivery benchmark needs root' }]);
  });

  it('judges a target on the median: a best run under target does not pass a slow median', () => {
    expect(render.stats).toEqual({ n: 5, min: 816, median: 1100, max: 1300 });
    const doc = benchDocument([{ bench: 'render', figures: [render, rss] }]);
    expect(doc.figures.map((f) => f.met)).toEqual([false, true]);
    expect(doc.missed).toBe(1);
    expect(tableRow(render)).toMatch(/1100 ms\s+816–1300 n=5\s+target < 1000 ms: MISSED/);
  });

  it('rejects a document whose figure lost its runs or median', () => {
    const doc = benchDocument([{ bench: 'render', figures: [render] }]);
    const broken = { ...doc, figures: [{ ...doc.figures[0]!, stats: { min: 1, max: 2 } }] };
    expect(validate(broken)).toBe(false);
    expect(JSON.stringify(validate.errors)).toMatch(/median|n/);
  });

  it('`npm run bench -- --json` prints one document that validates, progress on stderr only', () => {
    // A name that picks no bench file: the harness itself, without minutes of benchmarks.
    const r = spawnSync('node_modules/.bin/tsx', ['scripts/bench/index.ts', '--json', 'no-such-bench'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as unknown;
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(r.stderr).toMatch(/0 target\(s\) missed, 0 bench\(es\) failed; load average [\d.]+ [\d.]+ [\d.]+ on \d+ cores/);
  });

  it('refuses fewer than 3 runs', async () => {
    await expect(runs(2, () => undefined)).rejects.toThrow(/at least 3 runs/);
  });
});
