// The FortiOS commands that bring a running configuration back to the rendered one
// (`outpost drift --remediate`): each top-level `config` block that differs is sent again
// whole (FortiOS merges a block into what it holds), after deleting the entries the
// rendered block does not have; policies are then moved into the rendered order, since a
// policy edited back in goes to the end of the list.

interface Block {
  readonly path: string;
  readonly lines: readonly string[];
  /** Top-level `edit` entries of the block, by name as written. */
  readonly entries: readonly string[];
}

function blocks(text: string): Map<string, Block> {
  const out = new Map<string, Block>();
  let current: { path: string; lines: string[]; entries: string[] } | undefined;
  let depth = 0;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    const word = line.trim().split(/\s+/)[0];
    if (!line.trim() || line.trim().startsWith('#')) continue;
    if (!current) {
      if (word !== 'config') continue;
      current = { path: line.trim().slice('config '.length), lines: [line.trim()], entries: [] };
      depth = 1;
      continue;
    }
    current.lines.push(line);
    if (word === 'config') depth++;
    else if (word === 'edit' && depth === 1) current.entries.push(line.trim().slice('edit '.length));
    else if (word === 'end' && --depth === 0) {
      out.set(current.path, current);
      current = undefined;
    }
  }
  return out;
}

const normal = (b: Block | undefined) => b?.lines.map((l) => l.trim()).join('\n');

export function remediate(running: string, rendered: string): string[] {
  const have = blocks(running);
  const out: string[] = [];
  for (const [path, want] of blocks(rendered)) {
    const got = have.get(path);
    if (normal(got) === normal(want)) continue;
    const extra = (got?.entries ?? []).filter((e) => !want.entries.includes(e));
    if (extra.length) out.push(`config ${path}`, ...extra.map((e) => `    delete ${e}`), 'end');
    out.push(...want.lines);
    if (path === 'firewall policy' && want.entries.length > 1) {
      out.push(`config ${path}`, ...want.entries.slice(1).map((e, i) => `    move ${e} after ${want.entries[i]}`), 'end');
    }
  }
  return out;
}
