// esbuild plugin: fills core/render/precompiled.ts in the bundle with every template of
// templates/ precompiled by handlebars, with the very options the engine compiles with
// (compileOptionsFor in core/render/compile-options.ts), keyed `<dir>/<file>` as the engine asks for them.
import { build } from 'esbuild';
import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

async function compileOptions() {
  const out = await build({ entryPoints: ['core/render/compile-options.ts'], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'warning' });
  const mod = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
  return mod.compileOptionsFor;
}

function templateFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? templateFiles(join(dir, e.name)) : e.name.endsWith('.hbs') ? [join(dir, e.name)] : []))
    .sort();
}

/** A template's source location as handlebars writes it into the compiled code. */
const LOCATION = /\{"start":\{"line":\d+,"column":\d+\},"end":\{"line":\d+,"column":\d+\}\}/g;

/**
 * Strict templates pass each field lookup and helper call the template location it names
 * (used only in the error a missing field throws), written as an object literal: a new
 * object and two more at every lookup of every item, tens of thousands for a firewall at
 * ACL scale. The compiled code reads them from one table of frozen locations instead.
 */
export function hoistLocations(code, locs) {
  return code.replace(LOCATION, (loc) => {
    if (!locs.has(loc)) locs.set(loc, locs.size);
    return `LOC[${locs.get(loc)}]`;
  });
}

/** The declaration of the table hoistLocations() filled. */
export function locationTable(locs) {
  const table = [...locs.keys()].map((loc) => `  freezeLocation(${loc})`);
  return `const freezeLocation = (o) => Object.freeze({ start: Object.freeze(o.start), end: Object.freeze(o.end) });\nconst LOC = [\n${table.join(',\n')}\n];`;
}

export const precompileTemplates = {
  name: 'outpost-precompiled-templates',
  setup(b) {
    b.onLoad({ filter: /core[\\/]render[\\/]precompiled\.ts$/ }, async () => {
      const optionsFor = await compileOptions();
      const locs = new Map();
      const entries = templateFiles('templates').map((file) => {
        const key = relative('templates', file).split(sep).join('/');
        const source = readFileSync(file, 'utf8');
        return `  ${JSON.stringify(key)}: ${hoistLocations(Handlebars.precompile(source, optionsFor(source)), locs)}`;
      });
      return {
        contents: `${locationTable(locs)}\nexport const precompiled = {\n${entries.join(',\n')}\n};\n`,
        loader: 'js',
        watchFiles: templateFiles('templates'),
      };
    });
  },
};
