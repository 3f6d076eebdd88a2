// One private handlebars instance: strict (a missing field is a bug, not an empty line)
// and never HTML-escaping (configs are not HTML; inventory strings are already held to
// strict patterns at load). Templates are compiled once (at build time in the bundle,
// see precompiled.ts) and cached.
import Handlebars from 'handlebars/runtime';
import type HandlebarsCompiler from 'handlebars';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { compileOptionsFor } from './compile-options.js';
import { helpers } from './helpers.js';
import { precompiled } from './precompiled.js';

const hb = Handlebars.create();
hb.registerHelper(helpers);

export type CompiledTemplate = (context: unknown, extraHelpers?: Record<string, Handlebars.HelperDelegate>) => string;

const cache = new Map<string, CompiledTemplate>();

/**
 * A template's specification compiled from its file, when the build did not precompile it
 * (run from source): the same code the build makes, run through the same runtime. The
 * compiler is loaded only then; the bundle never needs it.
 */
function compileNow(file: string): Parameters<typeof hb.template>[0] {
  const compiler = createRequire(import.meta.url)('handlebars') as typeof HandlebarsCompiler;
  const source = readFileSync(file, 'utf8');
  return new Function(`return ${compiler.precompile(source, compileOptionsFor(source))}`)() as Parameters<typeof hb.template>[0];
}

/** Compiles `templates/<dir>/<file>` once; partials are `{{> name}}` files beside it. */
export function template(dir: string, file: string): CompiledTemplate {
  const key = `${dir}/${file}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const compiled = hb.template(precompiled[key] ?? compileNow(join(packageRoot(), 'templates', dir, file)));
  const fn: CompiledTemplate = (context, extraHelpers) => compiled(context, extraHelpers ? { helpers: extraHelpers } : {});
  cache.set(key, fn);
  return fn;
}
