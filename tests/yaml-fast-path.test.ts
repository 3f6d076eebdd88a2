// YAML is read the fast way (js-yaml) where it can be and the full way (`yaml`, as outpost
// always did) otherwise. These tests hold the two ways to one answer: the same data, the
// same diagnostics (code, message, file:line:col), the same location for every value and
// key, on every file a user has (the example, a 250-site fleet, a 2,000-rule policy), on
// the broken files people write, and on thousands of generated and mutated documents.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keepYamlPositions, parseYaml, parseYamlFully, type YamlPath, type YamlSource } from '../core/inventory/source.js';
import { fastYamlData } from '../core/inventory/fast-yaml.js';
import { positionIndex } from '../core/inventory/yaml-positions.js';
import { loadInventory } from '../core/inventory/index.js';
import { planInventory } from '../core/plan/index.js';
import { platformCatalogue } from '../core/render/index.js';
import { generateFleet } from '../scripts/bench/fleet.js';
import { aclPolicyText } from '../scripts/bench/acl-shape.js';
import { repoRoot } from './support/inventory.js';

const work = mkdtempSync(join(tmpdir(), `yaml-fp-${process.pid}-`));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(n) ? [p] : [];
  });

/** What a loader sees: the data, or the diagnostics. */
const outcome = (r: ReturnType<typeof parseYaml>) => (r.source ? { data: r.source.data } : { diagnostics: r.diagnostics });

/** Every path into `data`, with a few that lead nowhere, as the loaders ask for them. */
function paths(data: unknown, at: (string | number)[] = [], out: YamlPath[] = []): YamlPath[] {
  out.push(at);
  if (Array.isArray(data)) {
    data.forEach((v, i) => paths(v, [...at, i], out));
    out.push([...at, data.length]);
  } else if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) paths(v, [...at, k], out);
    out.push([...at, 'no-such-key']);
  }
  return out;
}

const where = (s: YamlSource, p: YamlPath) => {
  const v = s.locate(p);
  const k = s.locateKey(p);
  return `${v.file}:${v.line}:${v.col} key ${k.line}:${k.col}`;
};

/** Reads `text` both ways and expects one answer, locations included. */
function sameBothWays(file: string, text: string, maxPaths = Infinity): ReturnType<typeof parseYaml> {
  const fast = parseYaml(file, text);
  // As `outpost audit` reads: the fast pass keeps its node positions for the index.
  keepYamlPositions(true);
  const kept = (() => {
    try {
      return parseYaml(file, text);
    } finally {
      keepYamlPositions(false);
    }
  })();
  const full = parseYamlFully(file, text);
  expect(outcome(fast)).toEqual(outcome(full));
  expect(outcome(kept)).toEqual(outcome(full));
  if (fast.source && full.source && kept.source) {
    const all = paths(full.source.data);
    const step = Math.max(1, Math.ceil(all.length / maxPaths));
    for (let i = 0; i < all.length; i += step) {
      expect(where(fast.source, all[i]!), `${file} at ${JSON.stringify(all[i])}`).toBe(where(full.source, all[i]!));
      expect(where(kept.source, all[i]!), `${file} at ${JSON.stringify(all[i])}, positions kept from the first pass`).toBe(where(full.source, all[i]!));
    }
  }
  return fast;
}

describe('the files people have read the same both ways', () => {
  it('every YAML file of the example inventory and policies: same data and locations, and the fast way takes them all', () => {
    const files = [...yamlFiles(join(repoRoot, 'inventory')), ...yamlFiles(join(repoRoot, 'policies'))];
    expect(files.length).toBeGreaterThan(15);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(fastYamlData(text), `${f} should be read the fast way`).toBeDefined();
      expect(sameBothWays(f, text).source, f).toBeDefined();
      // The fast parser's own index answers every path: printing a location never needs `yaml`.
      const index = positionIndex(text)!;
      for (const p of paths(fastYamlData(text)!.data)) expect(index.find(p), `${f} at ${JSON.stringify(p)}`).toBeDefined();
    }
  });

  it('a 250-site fleet and a 2,000-rule ACL-shape policy: same data and locations', () => {
    const fleet = generateFleet(repoRoot, join(work, 'fleet'), 250);
    const sites = yamlFiles(join(fleet.inventory, 'sites'));
    expect(sites).toHaveLength(250);
    for (const f of sites) expect(fastYamlData(readFileSync(f, 'utf8')), f).toBeDefined();
    // Locations of every path of a few sites, the data of all of them.
    sites.forEach((f, i) => sameBothWays(f, readFileSync(f, 'utf8'), i % 50 === 0 ? Infinity : 0));

    const inv = loadInventory(join(repoRoot, 'inventory'), { platforms: platformCatalogue() });
    if (!inv.ok) throw new Error('the example inventory must load');
    const block = planInventory(inv.value).sites.find((s) => s.code === 'vac-esch')!.block;
    const roles = readFileSync(join(repoRoot, 'policies', 'access.yaml'), 'utf8').match(/^roles:\n(?: {2}.*\n)+/m)![0];
    const acl = aclPolicyText({ rules: 2000, block, roles });
    expect(fastYamlData(acl)).toBeDefined();
    const read = sameBothWays('access.yaml', acl, 3000);
    const index = positionIndex(acl)!;
    for (const p of paths(read.source!.data)) expect(index.find(p)).toBeDefined();
    expect((read.source!.data as { rules: unknown[] }).rules).toHaveLength(2001);
  });
});

describe('the broken files people write get the same answer both ways', () => {
  const cases: Record<string, string> = {
    'duplicate keys': 'site:\n  code: a\n  code: b\n',
    'duplicate keys, one quoted': 'a: 1\n"a": 2\n',
    'a number key and its quoted twin': '1: a\n"1": b\n',
    'tab indentation': 'site:\n\tcode: a\n',
    'a tab after the colon': 'site:\tvac\n',
    'bad indentation': 'site:\n  code: a\n bad: b\n',
    'a sequence under a key at the wrong depth': 'zones:\n  - a\n - b\n',
    'an unclosed double quote': 'site:\n  name: "Esch\n  code: x\n',
    'an unclosed single quote': "site: 'Esch\n",
    'an unclosed flow sequence': 'ports: [1, 2\nnext: 1\n',
    'an alias bomb': `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`,
    'a few aliases': 'base: &b {a: 1}\nuse: *b\nagain: *b\n',
    'a merge key': 'base: &b {a: 1}\nuse:\n  <<: *b\n  c: 2\n',
    'tags': 'a: !!str 1\nb: !!int "2"\nc: !custom x\n',
    'two documents': 'a: 1\n---\nb: 2\n',
    'a document marker': '---\na: 1\n...\n',
    'an impossible date': 'expires: 2021-02-30\n',
    'a real date': 'expires: 2021-02-28\n',
    'octal- and hex-looking numbers': 'a: 0o17\nb: 017\nc: 0x1F\nd: 0b101\ne: 1_000\nf: -0x1F\ng: +12\nh: -0\ni: 08\n',
    'floats': 'a: .inf\nb: -.Inf\nc: .NaN\nd: 1e3\ne: .5\nf: 5.\ng: 1.50\nh: +.5e-3\ni: 1E3\nj: 0.0\n',
    'YAML 1.1 booleans and nulls stay strings': 'a: yes\nb: no\nc: on\nd: off\ne: y\nf: n\ng: True\nh: FALSE\ni: ~\nj: Null\nk: NULL\nl: nUll\nm:\n',
    'keys like 1:': '1: a\n2.5: b\ntrue: c\n0x10: d\n.inf: e\n',
    'a null key': '~: a\nnull: b\n',
    'an empty key': ': a\n',
    'a flow sequence as key': '[a, b]: c\n',
    'an explicit key': '? a\n: b\n',
    'a comment glued to a quoted value': 'a: "b"#c\n',
    'a comment glued to a flow sequence': 'a: [b]#c\n',
    'a comment after a space': 'a: b #c\nd: e# not a comment\n',
    'a key on two lines': '"a\n b": c\n',
    'a compact nested mapping': 'a: b: c\n',
    'block scalars': 'a: |\n  one\n  two\nb: >-\n  folded\n  text\n\nc: |+\n  kept\n\n',
    'escapes in double quotes': 'a: "tab\\there \\u00e9 \\x41 \\N \\_ \\L \\P"\nb: \'it\'\'s\'\n',
    'a bad escape': 'a: "\\q"\n',
    'CRLF line ends': 'a: 1\r\nb:\r\n  - x\r\n  - "y"\r\n',
    'a byte-order mark': '\ufeffa: 1\n',
    'a control character': 'a: b\u0007c\n',
    'a proto key': '__proto__: {polluted: yes}\n',
    'an empty file': '',
    'only a comment': '# nothing here\n',
    'a scalar document': 'just text\n',
    'a long key': `${'k'.repeat(1100)}: v\n`,
    'plain scalars with colons and hashes': 'to: [net:10.0.0.0/8, zone:staff]\nurl: http://x/#y\ntime: 12:30\n',
    'deep nesting': `${'['.repeat(150)}${']'.repeat(150)}\n`,
    'a space before the colon': 'a : 1\n',
    'a flow mapping with an implicit null': 'a: {b, c: 1}\n',
    'a pair in a flow sequence': 'a: [b: 1, c]\n',
    'block scalars with indicators and blank lines': 'a: |2\n    two more\n  base\nb: >\n  one\n\n    more indented\n  back\n\n\nc: |-\n  x\n   \n  y\nd: >+\n  kept\n\n',
    'a block scalar kept to the end of the file': 'a: |+\n  x\n\n\n',
    'a block scalar less indented than its first line': 'a: |\n    x\n  y\n',
    'multi-line plain scalars': 'a: one\n  two\n\n  three\nb:\n  - x\n    y\n',
    'trailing spaces and blank lines': 'a: 1   \n   \nb: two  \n\n\n',
    'an empty item in a nested sequence': 'x:\n  - - #c\n  - 0\n',
    'an item whose value is on the next line': 'x:\n  -\n    - a\n  - 0\n',
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`${name}`, () => {
      sameBothWays('site.yaml', text);
    });
  }

  it('the ordinary ones among them are read the fast way, so the comparisons above test it', () => {
    const ordinary = ['octal- and hex-looking numbers', 'floats', 'YAML 1.1 booleans and nulls stay strings', 'keys like 1:', 'an impossible date', 'block scalars', 'block scalars with indicators and blank lines', 'escapes in double quotes', 'CRLF line ends', 'plain scalars with colons and hashes', 'multi-line plain scalars', 'trailing spaces and blank lines', 'a comment after a space'];
    for (const name of ordinary) expect(fastYamlData(cases[name]!), name).toBeDefined();
  });

  it('values keep the meaning they had: dates and YAML 1.1 words stay strings, ~ is null, 0o17 is 15', () => {
    const data = (t: string) => parseYaml('f.yaml', t).source!.data;
    expect(data('expires: 2021-02-30\n')).toEqual({ expires: '2021-02-30' });
    expect(data('a: yes\nb: on\nc: no\nd: ~\ne: .inf\nf: 0o17\ng: 0x1F\nh: 1_000\n1: k\n')).toEqual({ a: 'yes', b: 'on', c: 'no', d: null, e: Infinity, f: 15, g: 31, h: '1_000', 1: 'k' });
  });

  it('a syntax error is shown at its file:line:col with yaml\'s own words', () => {
    const r = parseYaml('inventory/sites/x.yaml', 'site:\n  code: a\n  code: b\n');
    expect(r.source).toBeUndefined();
    expect(r.diagnostics).toEqual([expect.objectContaining({ severity: 'error', code: 'yaml-syntax', file: 'inventory/sites/x.yaml', line: 3, col: 3, message: 'Map keys must be unique' })]);
  });

  it('an alias bomb is stopped at its first alias, as before', () => {
    const r = parseYaml('b.yaml', cases['an alias bomb']!);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'yaml-aliases', line: 2, col: 8 })]);
  });
});

/**
 * Runs `round` n times, letting the worker's event loop turn in between: a test that holds
 * it for a minute makes vitest's RPC time out (see tests/support/yield.ts).
 */
async function inRounds(n: number, round: () => void): Promise<void> {
  for (let i = 0; i < n; i++) {
    round();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

describe('generated and mutated documents get the same answer both ways', () => {
  /** Scalars that parsers have read differently, or could. */
  const TRICKY = [
    'yes', 'no', 'on', 'off', 'y', 'n', '~', 'null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'tRue', '.inf', '-.inf', '+.INF', '.NaN', '.nan',
    '0o17', '0o8', '017', '0x1F', '0X1F', '-0x1', '0b101', '1_000', '+1', '-0', '+0', '00', '1e3', '1E+3', '1.5e-3', '.5', '5.', '-.5', '1.', '0.0', '1.50',
    '2021-02-30', '2021-02-28T10:00:00Z', '12:30', '1:2:3', '190:20:30', '#x', 'a #b', 'a#b', 'a: b', 'a:b', '- a', '-a', '"q"', "'q'", '', ' ', ' a', 'a ',
    'é', '😀', 'x\ny', 'x\n\ny', '  x\n', '[a]', '{a}', '&a', '*a', '!t', '%x', '@x', '`x', '|', '>', '?', '? x', ',', 'a,b', '<<', '=', 'net:10.0.0.0/8',
    '9007199254740993', '1e309', '-1e309', '123456789012345678901234567890', '0.1234567890123456789',
  ];
  const scalar = fc.oneof(fc.constantFrom(...TRICKY), fc.string({ maxLength: 8 }), fc.integer().map(String), fc.double().map(String));

  type Node = { s: string } | { seq: Node[] } | { map: [string, Node][] };
  const tree: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar.map((s) => ({ s })),
      fc.array(tie('node'), { maxLength: 4 }).map((seq) => ({ seq })),
      fc.array(fc.tuple(fc.oneof(fc.constantFrom(...TRICKY), fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/)), tie('node')), { maxLength: 4 }).map((map) => ({ map })),
    ),
  })).node;

  /** Style choices, drawn once per document and used in turn. */
  const styles = fc.array(fc.nat(9), { minLength: 16, maxLength: 16 });

  function emit(root: Node, s: number[]): string {
    let n = 0;
    const pick = () => s[n++ % s.length]!;
    // Plain even where plain is wrong: both ways must agree on the error too.
    const quote = (x: string): string => {
      const p = pick();
      return p === 5 || p === 6 ? JSON.stringify(x) : p === 7 || p === 8 ? `'${x.replaceAll("'", "''")}'` : x;
    };
    const flow = (t: Node): string =>
      'seq' in t ? `[${t.seq.map(flow).join(', ')}]` : 'map' in t ? `{${t.map.map(([k, v]) => `${quote(k)}: ${flow(v)}`).join(', ')}}` : quote(t.s);
    // The text after a key's colon or a sequence's dash, newline included.
    const block = (t: Node, indent: string): string => {
      if ('s' in t) {
        const p = pick();
        if (p === 9 && !t.s.includes('\n')) return ` |\n${indent}  ${t.s}\n`;
        if (p === 8 && !t.s.includes('\n')) return ` >-\n${indent}  ${t.s}\n`;
        return ` ${quote(t.s)}${pick() === 3 ? ' # note' : ''}\n`;
      }
      const items = 'seq' in t ? t.seq : t.map;
      if (items.length === 0 || pick() === 0) return ` ${flow(t)}\n`;
      const inner = `${indent}${pick() === 1 ? '    ' : '  '}`;
      let out = '\n';
      if ('seq' in t) for (const x of t.seq) out += `${inner}-${block(x, inner)}`;
      else for (const [k, v] of t.map) out += `${pick() === 2 ? `${inner}# c\n` : ''}${inner}${quote(k)}:${block(v, inner)}`;
      return out;
    };
    if ('s' in root) return block(root, '').trimStart();
    const body = block(root, '').replace(/^\n/, '').replace(/^ (?=[[{])/, '');
    // Most files start at column 1: take the root's indentation off every line that has it.
    const lead = /^ */.exec(body)![0];
    return pick() < 7 ? body.split('\n').map((l) => (l.startsWith(lead) ? l.slice(lead.length) : l)).join('\n') : body;
  }

  it('thousands of generated documents: same data, diagnostics and locations', async () => {
    await inRounds(10, () =>
      fc.assert(
        fc.property(tree, styles, (node, s) => {
          sameBothWays('gen.yaml', emit(node, s));
        }),
        { numRuns: 300 },
      ),
    );
  }, 300_000);

  const EDITS = ['*a', '&a ', '<<: ', '{', '}', '[', ']', '- ', ': ', ':', '"', "'", '\t', '\r', '#', ' #', ',', '?', '!', '|', '>', '---\n', '...', '%', '\n', '  ', ' ', '\ufeff', '\u0085', 'é', '~', 'null: ', '0x', '.inf', '\\'];
  const corpus = [...yamlFiles(join(repoRoot, 'inventory')), ...yamlFiles(join(repoRoot, 'policies'))].map((f) => readFileSync(f, 'utf8'));

  it('a thousand mutations (one to three edits) of the example files: same data, diagnostics and locations', async () => {
    await inRounds(10, () => fc.assert(
      fc.property(fc.nat(corpus.length - 1), fc.array(fc.tuple(fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.oneof(fc.constantFrom(...EDITS), fc.string({ maxLength: 3 })), fc.integer({ min: 1, max: 6 })), { minLength: 1, maxLength: 3 }), (i, edits) => {
        let text = corpus[i]!;
        for (const [at, kind, s, len] of edits) {
          const p = at % (text.length + 1);
          text = kind === 'insert' ? text.slice(0, p) + s + text.slice(p) : kind === 'delete' ? text.slice(0, p) + text.slice(p + len) : text.slice(0, p) + s + text.slice(p + len);
        }
        sameBothWays('mutated.yaml', text, 100);
      }),
      { numRuns: 100 },
    ));
  }, 300_000);
});
