// Glob patterns (`*` any run of characters, `?` one character, nothing else special)
// matched without regular expressions: a pattern such as `*a*a*a*...*Z` makes a
// backtracking regex take exponential time, this takes at most pattern × text steps.

/** True when `text` matches `pattern` whole. `?` is a wildcard only when `question` is set. */
export function globMatch(pattern: string, text: string, opts: { ignoreCase?: boolean; question?: boolean } = {}): boolean {
  const p = opts.ignoreCase ? pattern.toLowerCase() : pattern;
  const t = opts.ignoreCase ? text.toLowerCase() : text;
  let i = 0; // in text
  let j = 0; // in pattern
  let star = -1; // pattern index after the last `*` seen
  let mark = 0; // text index that `*` has matched up to
  while (i < t.length) {
    const c = p[j];
    if (j < p.length && (c === t[i] || (c === '?' && opts.question)) && c !== '*') {
      i++;
      j++;
    } else if (c === '*') {
      star = ++j;
      mark = i;
    } else if (star >= 0) {
      // The last `*` swallows one more character; earlier stars never need revisiting.
      j = star;
      i = ++mark;
    } else return false;
  }
  while (p[j] === '*') j++;
  return j === p.length;
}
