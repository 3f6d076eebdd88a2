// outpost's `each` (core/render/engine.ts) joins a plain walk over an array in one step;
// whatever a template asks of it, the text is the one Handlebars' own `each` writes.
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { compileOptionsFor } from '../core/render/compile-options.js';
import { templateFromText } from '../core/render/engine.js';
import { helpers } from '../core/render/helpers.js';

/** Handlebars as shipped, with outpost's helpers and compile options: the reference. */
function stock(source: string, context: unknown): string {
  const hb = Handlebars.create();
  hb.registerHelper(helpers);
  return hb.compile(source, compileOptionsFor(source))(context);
}

const sparse = ['a', , 'c'];
const cases: [string, string, unknown][] = [
  ['a plain walk over items', '{{#each items}}[{{name}}]\n{{/each}}', { items: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }],
  ['an empty list takes the else branch', '{{#each items}}{{this}}{{else}}none{{/each}}', { items: [] }],
  ['a one-item list', '{{#each items}}<{{this}}>{{/each}}', { items: ['only'] }],
  ['nested walks', '{{#each rows}}{{#each cells}}{{this}},{{/each}};{{/each}}', { rows: [{ cells: [1, 2] }, { cells: [] }, { cells: [3] }] }],
  ['@index, @first and @last (data frames)', '{{#each items}}{{@index}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}}{{this}} {{/each}}', { items: ['x', 'y', 'z'] }],
  ['@root inside a walk', '{{#each items}}{{this}}@{{@root.site}} {{/each}}', { items: ['x', 'y'], site: 'vac-esch' }],
  ['block parameters', '{{#each items as |item|}}{{item.name}}.{{/each}}', { items: [{ name: 'p' }, { name: 'q' }] }],
  ['the keys of an object', '{{#each zones}}{{this}}|{{/each}}', { zones: { staff: 10, guest: 20 } }],
  ['a list with a hole', '{{#each items}}({{this}}){{/each}}', { items: sparse }],
  ['nested walks reading their own and the outer @index', '{{#each rows}}{{#each cells}}{{@../index}}.{{@index}}{{#if @last}};{{/if}} {{/each}}{{/each}}', { rows: [{ cells: ['a', 'b'] }, { cells: ['c'] }] }],
  ['an inner walk reading the outer block parameter', '{{#each rows as |row|}}{{#each row.cells}}{{row.name}}:{{this}} {{/each}}{{/each}}', { rows: [{ name: 'r1', cells: [1, 2] }, { name: 'r2', cells: [3] }] }],
  ['a walk that reads the parent', '{{#each items}}{{this}}-{{../suffix}} {{/each}}', { items: ['m', 'n'], suffix: 's' }],
];

describe("outpost's each writes what Handlebars' each writes", () => {
  for (const [title, source, context] of cases) {
    it(title, () => {
      const ours = templateFromText(source)(context);
      expect(ours).toBe(stock(source, context));
      expect(ours.length).toBeGreaterThan(0);
    });
  }

  it('a firewall-sized walk (4,000 sets) gives the same text as one flat string', () => {
    const source = '{{#each sets}}\tset {{name}} {\n\t\telements = { {{elements}} }\n\t}\n{{/each}}';
    const sets = Array.from({ length: 4000 }, (_, i) => ({ name: `net_${i}`, elements: `172.16.${i % 256}.0/24` }));
    expect(templateFromText(source)({ sets })).toBe(stock(source, { sets }));
  });
});
