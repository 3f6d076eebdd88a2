// How every template is compiled, at run time (from source) or at build time
// (scripts/precompile-templates.mjs reads this module): strict (a missing field is a bug,
// not an empty line), never HTML-escaping, and only the project's helpers known, so
// `{{name}}` compiles to a plain strict field lookup instead of a helper-or-field probe at
// each use, and a template calling any other helper fails to compile.
import { helpers } from './helpers.js';

export const compileOptions = {
  strict: true,
  noEscape: true,
  preventIndent: true,
  knownHelpers: Object.fromEntries(Object.keys(helpers).map((name) => [name, true])),
  knownHelpersOnly: true,
};
