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
