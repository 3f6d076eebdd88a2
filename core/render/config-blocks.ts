// Reading back the indented, line-based configs of switch CLIs: each top-level line with
// the lines indented under it (nested levels flattened). Comment and blank lines drop.
export interface ConfigBlock {
  readonly head: string;
  readonly body: readonly string[];
}

export function configBlocks(text: string, comment = '!'): ConfigBlock[] {
  const out: { head: string; body: string[] }[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (!line || line.trimStart().startsWith(comment)) continue;
    if (/^\s/.test(line) && out.length) out[out.length - 1]!.body.push(line.trim());
    else out.push({ head: line.trim(), body: [] });
  }
  return out;
}

/** The first capture of `re` on every line that matches it, in order. */
export function captures(lines: readonly string[], re: RegExp): string[] {
  return lines.map((l) => l.match(re)?.[1]).filter((x): x is string => x !== undefined);
}

/** Servers from lines whose `re` captures an address and, optionally, a port. */
export function servers(lines: readonly string[], re: RegExp, defaultPort: number): { address: string; port: number }[] {
  return lines.flatMap((l) => {
    const m = l.match(re);
    return m ? [{ address: m[1]!, port: Number(m[2] ?? defaultPort) }] : [];
  });
}
