// Remediation for the indented CLIs (IOS, AOS-CX): the ordered commands that turn a
// running config into the rendered one. Both texts become trees (a line and the lines
// indented under it); what the rendered tree lacks is negated, what it adds is sent,
// section by section. Like hier_config's remediation, a command that only changes a value
// (`switchport access vlan 20` over `... vlan 10`) is sent without negating the old one,
// and a list whose order matters (an ACL) is edited by sequence number.

export interface TreeNode {
  readonly text: string;
  readonly children: TreeNode[];
}

export interface CliDialect {
  /** Lines a dialect's comments start with. */
  readonly comment: string;
  /** Commands that set one value: a new one replaces the old without a `no` (matched on the start of the line). */
  readonly idempotent: readonly RegExp[];
  /** Sections whose children are an ordered list: any change replaces the section whole. */
  readonly ordered: readonly RegExp[];
  /** Top-level lines the device prints that the rendered config never carries and that must not be negated. */
  readonly ignore: readonly RegExp[];
  /** How a section outpost did not render is removed (a physical interface cannot be, it is defaulted). */
  removeSection(head: string): string;
  /** What a section's commands end with, to go back to the global level. */
  readonly exit: string;
  /** Indentation of one level, for the commands shown. */
  readonly indent: string;
}

export function parseTree(text: string, dialect: Pick<CliDialect, 'comment'>): TreeNode[] {
  const root: TreeNode = { text: '', children: [] };
  const stack: { node: TreeNode; depth: number }[] = [{ node: root, depth: -1 }];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (!line.trim() || line.trimStart().startsWith(dialect.comment) || line.trim() === 'end') continue;
    const depth = line.length - line.trimStart().length;
    while (stack.length > 1 && stack[stack.length - 1]!.depth >= depth) stack.pop();
    const node: TreeNode = { text: line.trim(), children: [] };
    stack[stack.length - 1]!.node.children.push(node);
    stack.push({ node, depth });
  }
  return root.children;
}

/** `no x` -> `x`; `x` -> `no x`. */
export const negate = (line: string): string => (line.startsWith('no ') ? line.slice(3) : `no ${line}`);

const render = (n: TreeNode, indent: string, depth = 0): string[] => [`${indent.repeat(depth)}${n.text}`, ...n.children.flatMap((c) => render(c, indent, depth + 1))];
const same = (a: TreeNode, b: TreeNode): boolean => render(a, ' ').join('\n') === render(b, ' ').join('\n');

/** The key an idempotent command is matched on: its text up to the value. */
function idemKey(line: string, dialect: CliDialect): string | undefined {
  for (const re of dialect.idempotent) {
    const m = line.match(re);
    if (m) return m[0];
  }
  return undefined;
}

/** Entries of an ordered list by sequence number: written ones keep theirs, others count 10, 20... */
const numbered = (entries: readonly TreeNode[]) =>
  entries.map((e, i) => {
    const m = e.text.match(/^(\d+) (.*)$/);
    return m ? `${m[1]} ${m[2]}` : `${(i + 1) * 10} ${e.text}`;
  });

/**
 * An ordered list (an ACL) edited in place by sequence number, as the device numbers it:
 * the entries that changed are removed, then the wanted ones written at their place. The
 * list never disappears, so what it guards (the vty lines) is never open meanwhile.
 */
function resequence(running: readonly TreeNode[], wanted: readonly TreeNode[], pad: string): string[] {
  const have = numbered(running);
  const want = numbered(wanted);
  return [...have.filter((e) => !want.includes(e)).map((e) => `${pad}no ${e}`), ...want.filter((e) => !have.includes(e)).map((e) => `${pad}${e}`)];
}

/** Commands inside one section (or at the top level), at `depth`. */
function diffChildren(running: readonly TreeNode[], wanted: readonly TreeNode[], dialect: CliDialect, depth: number): string[] {
  const pad = dialect.indent.repeat(depth);
  const out: string[] = [];
  const runBy = new Map(running.map((n) => [n.text, n]));
  const wantBy = new Map(wanted.map((n) => [n.text, n]));
  const wantedKeys = new Set(wanted.map((n) => idemKey(n.text, dialect)).filter((k): k is string => !!k));
  const removals: string[] = [];
  for (const n of running) {
    if (wantBy.has(n.text)) continue;
    if (depth === 0 && dialect.ignore.some((re) => re.test(n.text))) continue;
    const key = idemKey(n.text, dialect);
    if (key && wantedKeys.has(key)) continue; // the new value replaces it
    // `no shutdown` against `shutdown` (and the reverse) is settled by sending the wanted one.
    if (wantBy.has(negate(n.text))) continue;
    if (n.children.length && depth === 0) removals.push(dialect.removeSection(n.text));
    else removals.push(`${pad}${negate(n.text)}`);
  }
  // Removals first inside a section (a port drops its old mode before taking a new one);
  // at the top level they go last, after what may reference them has been re-pointed.
  if (depth > 0) out.push(...removals);
  for (const w of wanted) {
    const r = runBy.get(w.text);
    if (r && same(r, w)) continue;
    if (!r || !w.children.length) {
      if (!r) out.push(...render(w, dialect.indent, depth));
      if (!r && w.children.length && depth === 0) out.push(dialect.exit);
      continue;
    }
    if (dialect.ordered.some((re) => re.test(w.text))) {
      out.push(`${pad}${w.text}`, ...resequence(r.children, w.children, dialect.indent.repeat(depth + 1)), ...(depth === 0 ? [dialect.exit] : []));
      continue;
    }
    const inner = diffChildren(r.children, w.children, dialect, depth + 1);
    if (inner.length) out.push(`${pad}${w.text}`, ...inner, ...(depth === 0 ? [dialect.exit] : []));
  }
  if (depth === 0) out.push(...removals.reverse());
  return out;
}

export function remediateTree(running: string, rendered: string, dialect: CliDialect): string[] {
  return diffChildren(parseTree(running, dialect), parseTree(rendered, dialect), dialect, 0);
}
