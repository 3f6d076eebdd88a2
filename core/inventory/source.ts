// YAML with positions: every value can be traced back to file:line:col, so schema and
// semantic errors point at the exact spot a person has to fix.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Node } from 'yaml';
import { error, type Diagnostic, type SourceLocation } from '../diagnostics.js';
import { LIMITS } from '../input.js';

export type YamlPath = readonly (string | number)[];

export interface YamlSource {
  readonly file: string;
  readonly data: unknown;
  /** Location of the value at `path`, or of its nearest existing ancestor. */
  locate(path: YamlPath): SourceLocation;
  /** Location of the key at `path` (the value's when it has no key). */
  locateKey(path: YamlPath): SourceLocation;
}

export function pathString(path: YamlPath): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${seg}` : seg;
  return s;
}

export function parseYaml(file: string, text: string): { source?: YamlSource; diagnostics: Diagnostic[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourceLocation => {
    const p = lc.linePos(offset);
    return { file, line: p.line, col: p.col };
  };
  const diagnostics: Diagnostic[] = [];
  for (const e of doc.errors) {
    diagnostics.push(error('yaml-syntax', e.message.split('\n')[0] ?? e.message, at(e.pos[0])));
  }
  if (diagnostics.length) return { diagnostics };

  const walk = (path: YamlPath): { node: Node | null; key: Node | null } => {
    let node: unknown = doc.contents;
    let key: Node | null = null;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && p.key.value === seg);
        if (!pair) break;
        key = pair.key as Node;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
        key = null;
        node = node.items[seg];
      } else break;
    }
    return { node: (node as Node | null) ?? null, key };
  };
  const locate = (path: YamlPath): SourceLocation => {
    const { node } = walk(path);
    return at(node?.range?.[0] ?? 0);
  };
  const locateKey = (path: YamlPath): SourceLocation => {
    const { node, key } = walk(path);
    return at(key?.range?.[0] ?? node?.range?.[0] ?? 0);
  };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: LIMITS.yamlAliases });
  } catch (e) {
    // The parser stops a "billion laughs" alias bomb by throwing; that is the file's
    // fault, not outpost's, so it is a diagnostic at the first alias.
    if (!(e instanceof ReferenceError)) throw e;
    let first = 0;
    visitAliases(doc.contents, (o) => (first ||= o));
    return { diagnostics: [error('yaml-aliases', `too many YAML aliases (more than ${LIMITS.yamlAliases} expansions): write the values out instead of nesting anchors`, at(first))] };
  }
  return { source: { file, data, locate, locateKey }, diagnostics };
}

/** Calls `seen` with the offset of each alias node in the tree. */
function visitAliases(contents: unknown, seen: (offset: number) => void): void {
  visit(contents as Node, {
    Alias: (_key, node) => {
      if (isAlias(node)) seen(node.range?.[0] ?? 0);
    },
  });
}
