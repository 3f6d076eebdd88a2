// Binary searches over ascending numbers, shared by the policy's port index and the YAML
// position index (line starts).

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
