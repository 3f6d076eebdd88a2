// "unknown X; did you mean Y?": one way to answer a name the user mistyped, on the
// command line or in a file. Pure: takes the name and the names that exist.

/** Edit distance (insert, delete, substitute), enough to tell a typo from another name. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

const shared = (a: string, b: string): number => {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
};

/** The known name closest to `name`: a close spelling, or one that starts or contains it. */
export function closest(name: string, known: Iterable<string>): string | undefined {
  let best: { n: string; score: number } | undefined;
  for (const n of known) {
    // A prefix counts as near as one typo, a shared start of 4 letters ("tracer" for
    // "tracing-agent") as two.
    const score = n.startsWith(name) || name.startsWith(n) ? 1 : n.includes(name) || shared(name, n) >= 4 ? 2 : distance(name, n);
    if (score <= Math.max(2, Math.floor(name.length / 3)) && (!best || score < best.score)) best = { n, score };
  }
  return best?.n;
}

/** `unknown role tracer; did you mean tracing-agent? (known: a, b, c)` */
export function unknownName(kind: string, name: string, known: Iterable<string>): string {
  const list = [...new Set(known)].sort();
  const hint = closest(name, list);
  return `unknown ${kind} ${name}${hint ? `; did you mean ${hint}?` : ''} (known: ${list.join(', ')})`;
}
