// The js-yaml the command bundles makes a flow collection's key table only for a flow
// collection, and a state snapshot only for a node that starts with a tag or an anchor
// (scripts/js-yaml-lean.mjs). It must read every document as js-yaml as shipped does: the
// same data, the same errors (duplicate keys and merge keys in flow mappings use that
// table; tags and anchors before block mappings use the snapshot), on the project's own
// files and on flow-heavy, tagged, anchored and broken text.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
// @ts-expect-error: the build's own plain-JS module, without type declarations.
import { leanJsYaml } from '../scripts/js-yaml-lean.mjs';
import { aclPolicyText } from '../scripts/bench/acl-shape.js';
import { repoRoot } from './support/inventory.js';

type JsYaml = typeof import('js-yaml');
const work = mkdtempSync(join(tmpdir(), `yaml-fk-${process.pid}-`));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const shippedFile = join(createRequire(import.meta.url).resolve('js-yaml/package.json'), '..', 'dist', 'js-yaml.mjs');
const shippedText = readFileSync(shippedFile, 'utf8');
const patchedText = leanJsYaml(shippedText) as string | undefined;

async function moduleFrom(text: string, name: string): Promise<JsYaml> {
  const file = join(work, name);
  // Without its source map comment: the map is not copied beside it.
  writeFileSync(file, text.replace(/^\/\/# sourceMappingURL=.*$/m, ''));
  return (await import(pathToFileURL(file).href)) as JsYaml;
}

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(n) ? [p] : [];
  });

/** What a loader gets from `text`: the data, or the error's message. */
const answer = (y: JsYaml, text: string) => {
  try {
    return { data: y.load(text) };
  } catch (e) {
    return { error: (e as Error).message };
  }
};

describe('the bundled js-yaml', () => {
  it('is patched: the version in node_modules is the one the build knows', () => {
    expect(patchedText).toBeDefined();
    expect(patchedText).not.toBe(shippedText);
    expect(patchedText!.match(/Object\.create\(null\)/g)!.length).toBe(shippedText.match(/Object\.create\(null\)/g)!.length);
    expect(patchedText).toContain('if (ch !== 33 && ch !== 38) break;');
  });

  it('reads the example inventory, the policies and a 2,000-rule ACL policy as js-yaml does', async () => {
    const [shipped, patched] = await Promise.all([moduleFrom(shippedText, 'shipped.mjs'), moduleFrom(patchedText!, 'patched.mjs')]);
    const texts = [...yamlFiles(join(repoRoot, 'inventory')), ...yamlFiles(join(repoRoot, 'policies'))].map((f) => readFileSync(f, 'utf8'));
    texts.push(aclPolicyText({ rules: 2000, block: '10.64.128.0/20', roles: 'roles:\n  - name: agent\n    description: d\n    pool: 26\n' }));
    for (const text of texts) expect(answer(patched, text)).toEqual(answer(shipped, text));
  });

  it('answers as js-yaml does on flow collections, duplicate and merge keys in flow mappings, tags, anchors and broken text', async () => {
    const [shipped, patched] = await Promise.all([moduleFrom(shippedText, 'shipped2.mjs'), moduleFrom(patchedText!, 'patched2.mjs')]);
    const fixed = [
      'a: [1, 2, {b: c}]\n',
      'a: {x: 1, x: 2}\n',
      'a: {x: 1, y: [2, {x: 3, x: 4}]}\n',
      'base: &b {x: 1}\na: {<<: *b, y: 2}\n',
      'a: {<<: [{x: 1}, {y: 2}], x: 3}\n',
      'a: [x: 1, y: 2]\n',
      'a: [1, 2\n',
      'a: {x: 1,, y: 2}\n',
      'a: [? x : 1]\n',
      '[a, b]: c\n',
      '{a: 1}\n',
      '- [a, [b, [c, {d: e, d: f}]]]\n',
      'a: !!str 1\nb: &x [1, 2]\nc: *x\n',
      '--- !!map\n&m\nk: v\n',
      'a: &y\n  b: 1\nc: *y\n',
      'a: !!map\n  b: 1\n',
      '&a !!str x: y\n',
      'a: ! x\n',
      'a: &\n',
      'a: !<tag:yaml.org,2002:str> 5\n',
      '- &p !!seq\n  - 1\n- *p\n',
      'a: &z &w 1\n',
    ];
    for (const text of fixed) expect(answer(patched, text), text).toEqual(answer(shipped, text));
    const scalar = fc.constantFrom('a', 'b', '1', 'x y', '"q"', "'r'", '<<', '~', '', '!!str 2', '&n v', '*n', '!x y');
    const flow = fc.letrec((tie) => ({
      node: fc.oneof({ maxDepth: 3 }, scalar, tie('seq'), tie('map')),
      seq: fc.array(tie('node') as fc.Arbitrary<string>, { maxLength: 4 }).map((xs) => `[${xs.join(', ')}]`),
      map: fc.array(fc.tuple(scalar, tie('node') as fc.Arbitrary<string>), { maxLength: 4 }).map((kv) => `{${kv.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
    })).node as fc.Arbitrary<string>;
    fc.assert(
      fc.property(fc.array(fc.tuple(scalar, flow), { minLength: 1, maxLength: 4 }), (entries) => {
        const text = entries.map(([k, v], i) => `${k || 'k'}${i}: ${v}\n`).join('');
        expect(answer(patched, text)).toEqual(answer(shipped, text));
      }),
      { numRuns: 500 },
    );
  });
});
