// Orders shared across stages: binary searches over ascending numbers (the policy's port
// index, the YAML position index's line starts) and the text order outpost sorts names in.

/** Index of the first value not less than `n` (values.length when there is none). */
export function firstAtLeast(values: readonly number[], n: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! < n) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first value greater than `n` (values.length when there is none). */
export function firstAbove(values: readonly number[], n: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! <= n) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Names of lower-case letters, digits and hyphens, where code-unit order is the collation's. */
const PLAIN = /^[a-z0-9-]*$/;
let collator: Intl.Collator | undefined;

/**
 * `a.localeCompare(b)`, without starting ICU's collation (~8 ms, once per process) for the
 * plain names outpost sorts most: site codes, device names, diagnostic codes. For those,
 * code-unit order is the collation's (tests/sorted.test.ts holds the two to one order).
 */
export function compareText(a: string, b: string): number {
  if (PLAIN.test(a) && PLAIN.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return (collator ??= new Intl.Collator()).compare(a, b);
}
