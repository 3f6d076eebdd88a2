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

// Handlebars' `each` adds to one string item by item: a firewall with 4,000 address sets
// comes out as a rope of tens of thousands of pieces, which every young collection copies
// until the first reader flattens it (about 20 ms at ACL scale). A walk over an array is
// joined in one step instead, with Handlebars' own data frame (one per walk, its @index,
// @key, @first and @last set for each item) when the template reads @ variables: the same
// text. Block parameters, tracked ids and objects keep Handlebars' own `each`.
const eachItem = hb.helpers.each!;
hb.registerHelper('each', function (this: unknown, items: unknown, options: Handlebars.HelperOptions) {
  const fn = options?.fn as (Handlebars.TemplateDelegate & { blockParams?: number }) | undefined;
  if (!Array.isArray(items) || !fn || fn.blockParams || (options as { ids?: unknown }).ids) return eachItem.call(this, items, options);
  const n = items.length;
  if (!n) return options.inverse(this);
  const parts = new Array<string>(n);
  const data = options.data ? hb.createFrame(options.data) : undefined;
  for (let i = 0; i < n; i++) {
    if (!(i in items)) {
      parts[i] = '';
      continue;
    }
    if (!data) {
      parts[i] = fn(items[i]);
      continue;
    }
    data.key = i;
    data.index = i;
    data.first = i === 0;
    data.last = i === n - 1;
    parts[i] = fn(items[i], { data });
  }
  return parts.join('');
});

export type CompiledTemplate = (context: unknown, extraHelpers?: Record<string, Handlebars.HelperDelegate>) => string;

const cache = new Map<string, CompiledTemplate>();

/**
 * A template's specification compiled from its text, when the build did not precompile it
 * (run from source, or a test's text): the same code the build makes, run through the same
 * runtime. The compiler is loaded only then; the bundle never needs it.
 */
function specification(source: string): Parameters<typeof hb.template>[0] {
  const compiler = createRequire(import.meta.url)('handlebars') as typeof HandlebarsCompiler;
  return new Function(`return ${compiler.precompile(source, compileOptionsFor(source))}`)() as Parameters<typeof hb.template>[0];
}

/** A template from text, compiled and run exactly as a template file is (not cached). */
export function templateFromText(source: string): CompiledTemplate {
  const compiled = hb.template(specification(source));
  return (context, extraHelpers) => compiled(context, extraHelpers ? { helpers: extraHelpers } : {});
}

/** Compiles `templates/<dir>/<file>` once; partials are `{{> name}}` files beside it. */
export function template(dir: string, file: string): CompiledTemplate {
  const key = `${dir}/${file}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const compiled = hb.template(precompiled[key] ?? specification(readFileSync(join(packageRoot(), 'templates', dir, file), 'utf8')));
  const fn: CompiledTemplate = (context, extraHelpers) => compiled(context, extraHelpers ? { helpers: extraHelpers } : {});
  cache.set(key, fn);
  return fn;
}
