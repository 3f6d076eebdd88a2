// compareText (core/sorted.ts) orders text as localeCompare does, while sparing the plain
// names outpost sorts most the start of ICU's collation.
import { describe, expect, it } from 'vitest';
import { compareText } from '../core/sorted.js';

/** A small seeded generator, so a failure names a case that comes back. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

function texts(alphabet: string, count: number, seed: number): [string, string][] {
  const next = random(seed);
  const word = () => {
    let w = '';
    for (let n = Math.floor(next() * 8); n > 0; n--) w += alphabet[Math.floor(next() * alphabet.length)];
    return w;
  };
  return Array.from({ length: count }, () => {
    const a = word();
    // A third share a prefix, where orders most often part.
    return [a, next() < 0.33 ? a + word() : word()];
  });
}

describe('compareText orders as localeCompare', () => {
  it('plain names (site codes, device names, codes): 100,000 random pairs', () => {
    for (const [a, b] of texts('abcdefghijklmnopqrstuvwxyz0123456789-', 100_000, 1)) {
      expect([a, b, sign(compareText(a, b))]).toEqual([a, b, sign(a.localeCompare(b))]);
    }
  });

  it('anything else (capitals, underscores, dots, slashes, accents, spaces): 50,000 random pairs', () => {
    for (const [a, b] of texts('aAbB_-./0 9éZz', 50_000, 2)) {
      expect([a, b, sign(compareText(a, b))]).toEqual([a, b, sign(b === a ? 0 : a.localeCompare(b))]);
    }
  });

  it('sorts the names code-unit order would put elsewhere as the collation does', () => {
    const names = ['vac_lux', 'vac-lux', 'Vac-lux', 'vac0', 'vaclux', 'vac.lux', 'inventory/sites/b.yaml', 'inventory/sites-a.yaml'];
    expect([...names].sort(compareText)).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    expect([...names].sort(compareText)).not.toEqual([...names].sort());
  });
});
