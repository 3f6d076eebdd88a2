// Unified diffs between what a device runs and what it should run, per config file.
import { createTwoFilesPatch } from 'diff';
import type { DeviceConfig } from './types.js';

/** `diff -u` style text for every file that differs; empty when all are equal. */
export function configDiff(device: string, running: DeviceConfig, intended: DeviceConfig, labels: readonly [string, string] = ['running', 'intended']): string {
  const names = [...new Set([...running.map((f) => f.name), ...intended.map((f) => f.name)])];
  const parts: string[] = [];
  for (const name of names) {
    const a = running.find((f) => f.name === name)?.content ?? '';
    const b = intended.find((f) => f.name === name)?.content ?? '';
    if (withEol(a) === withEol(b)) continue;
    const patch = createTwoFilesPatch(`${labels[0]}/${device}${name}`, `${labels[1]}/${device}${name}`, withEol(a), withEol(b), '', '', { context: 3 });
    // Drop the `Index:`/`===` preamble: plain `---`/`+++` headers read like diff -u.
    parts.push(patch.replace(/^(Index: .*\n)?=+\n/, '').replace(/\t$/gm, ''));
  }
  return parts.join('');
}

/** A missing final newline would show as a change on the last line; it is not one. */
const withEol = (s: string) => (s === '' || s.endsWith('\n') ? s : `${s}\n`);

export function sameConfig(a: DeviceConfig, b: DeviceConfig): boolean {
  return configDiff('', a, b) === '';
}

/** "1 line differs", "12 lines differ": the changed lines of a unified diff, for a summary. */
export function linesDiffer(diff: string): string {
  const n = diff.split('\n').filter((l) => /^[+-][^+-]/.test(l)).length;
  return n === 1 ? '1 line differs' : `${n} lines differ`;
}
