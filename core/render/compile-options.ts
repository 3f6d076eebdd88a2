// How every template is compiled, at run time (from source) or at build time
// (scripts/precompile-templates.mjs reads this module): strict (a missing field is a bug,
// not an empty line), never HTML-escaping, and only the project's helpers known, so
// `{{name}}` compiles to a plain strict field lookup instead of a helper-or-field probe at
// each use, and a template calling any other helper fails to compile.
import { helpers } from './helpers.js';

const common = {
  strict: true,
  noEscape: true,
  preventIndent: true,
  knownHelpers: Object.fromEntries(Object.keys(helpers).map((name) => [name, true])),
  knownHelpersOnly: true,
};

/**
 * The options for one template's text. A template that reads no `@` variable (`@root`,
 * `@index`, `@first`...) is compiled without data frames: handlebars then makes each
 * `{{#if}}` and `{{#each}}` block's function once per template instead of a new closure
 * every time the block is reached (for a switch, several times per port). Such templates
 * take what a block needs from the block's own item (see port-view.ts).
 */
export function compileOptionsFor(source: string): typeof common & { readonly data: boolean } {
  return { ...common, data: /\{\{[^}]*@/.test(source) };
}
