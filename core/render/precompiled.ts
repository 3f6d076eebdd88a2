// Templates compiled ahead of time, by `templates/<dir>/<file>`. Empty here: the build
// (scripts/precompile-templates.mjs) replaces this module in the bundle with every
// template of templates/ precompiled, which spares each `outpost` process compiling them
// (a fifth of a second for the national fleet). Run from source, templates are compiled
// on first use.
import type Handlebars from 'handlebars';

export const precompiled: Readonly<Record<string, Parameters<typeof Handlebars.template>[0]>> = {};
