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

export const precompileTemplates = {
  name: 'outpost-precompiled-templates',
  setup(b) {
    b.onLoad({ filter: /core[\\/]render[\\/]precompiled\.ts$/ }, async () => {
      const optionsFor = await compileOptions();
      const entries = templateFiles('templates').map((file) => {
        const key = relative('templates', file).split(sep).join('/');
        const source = readFileSync(file, 'utf8');
        return `  ${JSON.stringify(key)}: ${Handlebars.precompile(source, optionsFor(source))}`;
      });
      return { contents: `export const precompiled = {\n${entries.join(',\n')}\n};\n`, loader: 'js', watchFiles: templateFiles('templates') };
    });
  },
};
