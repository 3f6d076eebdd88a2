// Where each value and key of a fast-read file starts, from a second js-yaml pass with
// its `listener` (which reports where each node opens and closes): about a tenth of the
// cost of `yaml`'s Document, and built only when some location's line or col is read.
// The offsets are the ones `yaml` gives (range[0] of the node, of the key), checked on
// every path of many files by tests/yaml-fast-path.test.ts. Where the listener's account
// is not certain (an empty value, a sequence whose items it did not all report) the
// lookup answers undefined and the caller asks `yaml` instead.
import { load } from 'js-yaml';
import { coreSchema } from './fast-yaml.js';
import { firstAtLeast } from '../sorted.js';

interface Closed {
  readonly open: number;
  readonly close: number;
  readonly kind: string | null;
  readonly result: unknown;
  readonly children: Closed[];
}

interface Pair {
  readonly key: unknown;
  readonly keyStart: number;
  /** What the loader reported for the value; made a PosNode only when a lookup walks in. */
  closed?: Closed;
  value?: PosNode;
}

interface PosNode {
  readonly start: number;
  /** 'empty': a value with nothing written, whose position `yaml` works out its own way. */
  readonly kind: 'map' | 'seq' | 'scalar' | 'empty';
  /** The items' loader reports, and their PosNodes once a lookup walked into them. */
  readonly itemsClosed: readonly Closed[];
  readonly items: (PosNode | undefined)[];
  readonly pairs: Pair[];
  /** Whether items or pairs are exactly the node's children in the data. */
  readonly sure: boolean;
}

export interface PositionIndex {
  /** Offsets of the value at `path` (or its nearest existing ancestor) and of its key, as `yaml` walks there. */
  find(path: readonly (string | number)[]): { start: number; keyStart: number | undefined } | undefined;
  linePos(offset: number): { line: number; col: number };
}

/**
 * Records the node tree js-yaml reports while it reads: the listener to pass to `load`, and
 * the tree once `load` returned. Passed to the fast parser's own pass when the caller knows
 * locations will be read (an audit report prints them), so the index needs no second pass.
 */
export interface PositionRecorder {
  readonly listener: (event: 'open' | 'close', state: { position: number; kind: string | null; result: unknown }) => void;
  readonly root: () => Closed | undefined;
}

export function positionRecorder(): PositionRecorder {
  // Flat while js-yaml reads (a number per event, the kind and value per close): objects
  // made during the pass outlive its garbage and are copied by every scavenge. The tree is
  // built from them afterwards, by the same steps, when a location is first read.
  const positions: number[] = [];
  const kinds: (string | null)[] = [];
  const results: unknown[] = [];
  let built: Closed | undefined;
  let done = false;
  return {
    listener(event, state) {
      if (event === 'open') positions.push(state.position);
      else {
        // Closes as -(position + 1), so a close at 0 stays apart from an open at 0.
        positions.push(-state.position - 1);
        kinds.push(state.kind);
        results.push(state.result);
      }
    },
    root: () => {
      if (done) return built;
      done = true;
      const stack: { open: number; children: Closed[] }[] = [];
      let k = 0;
      for (const at of positions) {
        if (at >= 0) {
          stack.push({ open: at, children: [] });
          continue;
        }
        const f = stack.pop()!;
        const c: Closed = { open: f.open, close: -at - 1, kind: kinds[k]!, result: results[k], children: f.children };
        k++;
        if (stack.length) stack[stack.length - 1]!.children.push(c);
        else built = c;
      }
      return built;
    },
  };
}

/** The tree a recorder saw while the fast parser read `text` and accepted it. */
export type RecordedTree = Closed;

/**
 * The index of `text`, which fastYamlData accepted; undefined if it cannot be built.
 * `recorded`: the tree of fastYamlData's own pass over the same text, when it kept one.
 */
export function positionIndex(text: string, recorded?: RecordedTree): PositionIndex | undefined {
  let root = recorded;
  if (!root) {
    const rec = positionRecorder();
    try {
      load(text, { schema: coreSchema, listener: rec.listener as never });
    } catch {
      return undefined;
    }
    root = rec.root();
  }
  const tree = root && node(text, root);
  let starts: number[] | undefined;
  return {
    find: (path) => (tree ? find(text, tree, path) : undefined),
    linePos: (offset) => linePos((starts ??= lineStarts(text)), offset),
  };
}

/** Past spaces, line breaks and comments: where the node's own text begins. */
function skip(text: string, at: number): number {
  for (;;) {
    const c = text.charCodeAt(at);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) at++;
    else if (c === 0x23 && (at === 0 || /\s/.test(text[at - 1]!))) {
      const nl = text.indexOf('\n', at);
      at = nl < 0 ? text.length : nl;
    } else return at;
  }
}

function node(text: string, c: Closed): PosNode {
  const start = skip(text, c.open);
  // A node the loader opened around another with the same value (a sequence item, a
  // mapping it tried for) is that node.
  while (c.children.length === 1 && c.children[0]!.kind === c.kind && Object.is(c.children[0]!.result, c.result)) c = c.children[0]!;
  if (c.kind === 'scalar') return { start, kind: 'scalar', itemsClosed: [], items: [], pairs: [], sure: true };
  if (c.kind === 'sequence') {
    // Children are indexed when a lookup reaches them: a report prints a few locations of
    // a file of thousands of nodes.
    const itemsClosed = c.children;
    return { start, kind: 'seq', itemsClosed, items: [], pairs: [], sure: Array.isArray(c.result) && itemsClosed.length === c.result.length };
  }
  if (c.kind === 'mapping') {
    const pairs: Pair[] = [];
    let sure = true;
    for (const x of c.children) {
      // A key is the scalar right before its `:` (fast-yaml.ts refuses ` :`).
      if (x.kind === 'scalar' && text.charCodeAt(x.close) === 0x3a) pairs.push({ key: x.result, keyStart: skip(text, x.open) });
      else if (pairs.length && !pairs[pairs.length - 1]!.closed) pairs[pairs.length - 1]!.closed = x;
      else sure = false;
    }
    sure &&= pairs.length === Object.keys(c.result as object).length;
    return { start, kind: 'map', itemsClosed: [], items: [], pairs, sure };
  }
  return { start, kind: 'empty', itemsClosed: [], items: [], pairs: [], sure: true };
}

/** yaml's walk (source.ts) over the index. */
function find(text: string, root: PosNode, path: readonly (string | number)[]): { start: number; keyStart: number | undefined } | undefined {
  let n = root;
  let keyStart: number | undefined;
  for (const seg of path) {
    if (n.kind === 'map') {
      if (!n.sure) return undefined;
      const pair = n.pairs.find((p) => p.key === seg);
      if (!pair) break;
      if (!pair.closed) return undefined;
      keyStart = pair.keyStart;
      n = pair.value ??= node(text, pair.closed);
    } else if (n.kind === 'seq' && typeof seg === 'number') {
      if (!n.sure) return undefined;
      const closed = n.itemsClosed[seg];
      if (!closed) break;
      keyStart = undefined;
      n = n.items[seg] ??= node(text, closed);
    } else break;
  }
  return n.kind === 'empty' ? undefined : { start: n.start, keyStart };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** yaml's LineCounter.linePos over the same line starts. */
function linePos(starts: readonly number[], offset: number): { line: number; col: number } {
  const low = firstAtLeast(starts, offset);
  if (starts[low] === offset) return { line: low + 1, col: 1 };
  if (low === 0) return { line: 0, col: offset };
  return { line: low, col: offset - starts[low - 1]! + 1 };
}
