// One private handlebars instance: strict (a missing field is a bug, not an empty line)
// and never HTML-escaping (configs are not HTML; inventory strings are already held to
// strict patterns at load). Templates are compiled once (at build time in the bundle,
// see precompiled.ts) and cached.
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { compileOptions } from './compile-options.js';
import { helpers } from './helpers.js';
import { precompiled } from './precompiled.js';

const hb = Handlebars.create();
hb.registerHelper(helpers);

export type CompiledTemplate = (context: unknown, extraHelpers?: Record<string, Handlebars.HelperDelegate>) => string;

const cache = new Map<string, CompiledTemplate>();

/** Compiles `templates/<dir>/<file>` once; partials are `{{> name}}` files beside it. */
export function template(dir: string, file: string): CompiledTemplate {
  const key = `${dir}/${file}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const spec = precompiled[key];
  const compiled = spec ? hb.template(spec) : hb.compile(readFileSync(join(packageRoot(), 'templates', dir, file), 'utf8'), compileOptions);
  const fn: CompiledTemplate = (context, extraHelpers) => compiled(context, extraHelpers ? { helpers: extraHelpers } : {});
  cache.set(key, fn);
  return fn;
}
