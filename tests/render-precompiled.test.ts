// The build precompiles every template (scripts/precompile-templates.mjs) and has the
// compiled code read the template locations of its strict lookups from one frozen table,
// instead of building three objects at each lookup. Such a template writes the same text,
// and a missing field fails with the same message, naming its line and column.
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { compileOptionsFor } from '../core/render/compile-options.js';
import { helpers } from '../core/render/helpers.js';
// @ts-expect-error: the build's own plain-JS module, without type declarations.
import { hoistLocations, locationTable } from '../scripts/precompile-templates.mjs';

const hb = Handlebars.create();
hb.registerHelper(helpers);

/** The template as the build ships it: precompiled, locations hoisted into the table. */
function shipped(source: string): { render: (context: unknown) => string; code: string } {
  const locs = new Map<string, number>();
  const code = hoistLocations(Handlebars.precompile(source, compileOptionsFor(source)), locs) as string;
  const spec = new Function(`${locationTable(locs) as string}\nreturn ${code};`)() as Parameters<typeof hb.template>[0];
  return { render: hb.template(spec), code };
}
const reference = (source: string) => hb.compile(source, compileOptionsFor(source));

const source = [
  '# {{fw.hostname}} at {{fw.site}}',
  '{{#each sets}}',
  '\tset {{name}} { {{elements}} } # {{comment}}',
  '{{/each}}',
  '{{#each rules}}',
  '{{#if nat}}',
  '\tnat {{rule.id}}',
  '{{else}}',
  '\t{{rule.id}} {{#each lines}}[{{this}}]{{/each}}',
  '{{/if}}',
  '{{/each}}',
].join('\n');
const context = {
  fw: { hostname: 'vac-esch-fw1', site: 'vac-esch' },
  sets: [{ name: 'net_a', elements: '10.0.0.0/24', comment: 'rule a' }, { name: 'net_b', elements: '10.0.1.0/24, 10.0.2.0/24', comment: 'rule b' }],
  rules: [{ nat: false, rule: { id: 'a' }, lines: ['x', 'y'] }, { nat: true, rule: { id: 'b' }, lines: [] }],
};

describe('templates as the build ships them', () => {
  it('write the text the template compiled at run time writes, with no location object left in the code', () => {
    const t = shipped(source);
    expect(t.render(context)).toBe(reference(source)(context));
    expect(t.render(context)).toContain('set net_b { 10.0.1.0/24, 10.0.2.0/24 } # rule b');
    expect(t.code).not.toMatch(/"start":\{/);
    expect(t.code).toMatch(/LOC\[\d+\]/);
  });

  it('fail on a missing field with the same message, naming the line and column', () => {
    const broken = { ...context, sets: [{ name: 'net_a', elements: '10.0.0.0/24' }] };
    const message = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    const got = message(() => shipped(source).render(broken));
    expect(got).toBe(message(() => reference(source)(broken)));
    expect(got).toMatch(/"comment" not defined in .* - 3:/);
  });
});
