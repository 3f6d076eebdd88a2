// YAML with positions: every value can be traced back to file:line:col, so schema and
// semantic errors point at the exact spot a person has to fix.
//
// Positions are paid for only when read. The data comes from the fast parser when it may
// read the text (fast-yaml.ts); the first time a location's line or col is read, a
// position index is built from a second fast pass (yaml-positions.ts), and `yaml`'s
// Document only for a lookup that index is not certain of; a run that prints no location
// builds neither. Text the fast parser refuses is read the full way at once, so syntax
// errors are `yaml`'s, with their line and column, exactly as before.
import type { Document, LineCounter, Node } from 'yaml';
import { yaml } from '../yaml.js';
import { error, type Diagnostic, type SourceLocation } from '../diagnostics.js';
import { LIMITS } from '../input.js';
import { fastYamlData } from './fast-yaml.js';
import { positionIndex, positionRecorder, type PositionIndex } from './yaml-positions.js';

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

interface Parsed {
  readonly doc: Document.Parsed;
  readonly lc: LineCounter;
}

const parseFull = (text: string): Parsed => {
  const { LineCounter, parseDocument } = yaml();
  const lc = new LineCounter();
  return { doc: parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true }), lc };
};

/**
 * A location whose line and col are worked out on first read. Its fields are own and
 * enumerable, so spreading it, JSON and deep equality see file, line and col as before;
 * it is frozen, so deepFreeze leaves it alone instead of reading (and computing) it.
 */
export function lazyLocation(file: string, offset: () => { line: number; col: number }): SourceLocation {
  let at: { line: number; col: number } | undefined;
  return Object.freeze({
    file,
    get line() {
      return (at ??= offset()).line;
    },
    get col() {
      return (at ??= offset()).col;
    },
  });
}

/**
 * A location with more fields, still working out its line and col only when they are read.
 * A class rather than an object literal with its own getters: a compiled rule gets one per
 * access rule, thousands in a fresh process, and the literal (two closures, its getters
 * defined one by one, then frozen) cost several times more to make. JSON sees the same
 * fields in the same order.
 */
class Located implements SourceLocation {
  readonly file: string;
  readonly #at: SourceLocation;
  constructor(at: SourceLocation, fields: object) {
    this.file = at.file;
    this.#at = at;
    Object.assign(this, fields);
    Object.freeze(this);
  }
  get line(): number {
    return this.#at.line;
  }
  get col(): number {
    return this.#at.col;
  }
  toJSON(): object {
    const { file, ...fields } = this;
    return { file, line: this.line, col: this.col, ...fields };
  }
}

/** `loc` with more fields, still computing its line and col only when they are read. */
export function withFields<T extends object>(loc: SourceLocation, fields: T): SourceLocation & T {
  return new Located(loc, fields) as unknown as SourceLocation & T;
}

let recordPositions = false;

/**
 * For a command that will print locations of what it read (an audit report names the
 * rule or role of each finding): the fast parser then keeps the node positions it passes
 * anyway, and the first location read costs no second pass over the file (60 ms for a
 * 2,000-rule policy). Other commands read no location and keep the cheaper pass.
 */
export function keepYamlPositions(on: boolean): void {
  recordPositions = on;
}

/** Reads `text`, the fast way when it can (see the top of this file). */
export function parseYaml(file: string, text: string): { source?: YamlSource; diagnostics: Diagnostic[] } {
  const recorder = recordPositions ? positionRecorder() : undefined;
  const fast = fastYamlData(text, recorder?.listener as never);
  if (!fast) return parseYamlFully(file, text);
  let full: Parsed | undefined;
  let index: PositionIndex | undefined;
  let indexed = false;
  const byYaml = yamlSource(file, fast.data, () => (full ??= parseFull(text)));
  // The fast parser's positions, `yaml`'s where it is not certain of them.
  const at = (path: YamlPath, key: boolean, slow: () => SourceLocation) => {
    if (!indexed) {
      index = positionIndex(text, recorder?.root());
      indexed = true;
    }
    const hit = index?.find(path);
    if (!hit) {
      const l = slow();
      return { line: l.line, col: l.col };
    }
    return index!.linePos(key ? (hit.keyStart ?? hit.start) : hit.start);
  };
  return {
    source: {
      file,
      data: fast.data,
      locate: (path) => {
        const p = path.slice();
        return lazyLocation(file, () => at(p, false, () => byYaml.locate(p)));
      },
      locateKey: (path) => {
        const p = path.slice();
        return lazyLocation(file, () => at(p, true, () => byYaml.locateKey(p)));
      },
    },
    diagnostics: [],
  };
}

/** Reads `text` with `yaml` alone, as outpost always did: the reference for the fast way. */
export function parseYamlFully(file: string, text: string): { source?: YamlSource; diagnostics: Diagnostic[] } {
  const parsed = parseFull(text);
  const { doc, lc } = parsed;
  const at = (offset: number): SourceLocation => {
    const p = lc.linePos(offset);
    return { file, line: p.line, col: p.col };
  };
  const diagnostics: Diagnostic[] = [];
  for (const e of doc.errors) {
    diagnostics.push(error('yaml-syntax', e.message.split('\n')[0] ?? e.message, at(e.pos[0])));
  }
  if (diagnostics.length) return { diagnostics };
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
  return { source: yamlSource(file, data, () => parsed), diagnostics };
}

function yamlSource(file: string, data: unknown, parsed: () => Parsed): YamlSource {
  const walk = (path: YamlPath): { node: Node | null; key: Node | null } => {
    const { isMap, isScalar, isSeq } = yaml();
    let node: unknown = parsed().doc.contents;
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
  const linePos = (offset: number) => parsed().lc.linePos(offset);
  return {
    file,
    data,
    // The path is copied: the location is worked out later, after the caller moved on.
    locate: (path) => {
      const at = path.slice();
      return lazyLocation(file, () => {
        const { node } = walk(at);
        return linePos(node?.range?.[0] ?? 0);
      });
    },
    locateKey: (path) => {
      const at = path.slice();
      return lazyLocation(file, () => {
        const { node, key } = walk(at);
        return linePos(key?.range?.[0] ?? node?.range?.[0] ?? 0);
      });
    },
  };
}

/** Calls `seen` with the offset of each alias node in the tree. */
function visitAliases(contents: unknown, seen: (offset: number) => void): void {
  const { isAlias, visit } = yaml();
  visit(contents as Node, {
    Alias: (_key, node) => {
      if (isAlias(node)) seen(node.range?.[0] ?? 0);
    },
  });
}
