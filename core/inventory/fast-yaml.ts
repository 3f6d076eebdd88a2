// The fast way to read a YAML file's data: js-yaml builds plain values about ten times
// faster than `yaml` builds its Document (the 2,000-rule policy: ~25 ms against ~300 ms).
// It is only trusted where the two parsers agree: the scalar rules below are `yaml`'s
// YAML 1.2 core schema, word for word, and any text that uses a feature where they could
// differ is refused here (undefined) and read the full way, as is any text js-yaml
// rejects, so every syntax diagnostic still comes from `yaml`, as before.
// tests/yaml-fast-path.test.ts holds the two ways to the same data.
import { FAILSAFE_SCHEMA, load, Type, type LoadOptions } from 'js-yaml';

// yaml's core schema (node_modules/yaml/dist/schema/core): same tests, same values.
// js-yaml asks every implicit type of every plain scalar, keys included (about 28,000
// scalars, four types each, in a 2,000-rule policy), and a fresh process asks them in
// cold code: each test first looks at what a match must start with (or be), so most
// scalars are turned away without running a regular expression. `s` is a string, or
// null for an empty node, which the null pattern accepted as "null".
const digit = (c: number) => c >= 0x30 && c <= 0x39;
const nullType = new Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  // /^(?:~|[Nn]ull|NULL)?$/, spelled out.
  resolve: (s: string | null) => s === null || s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL',
  construct: () => null,
});
const boolType = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  // /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, spelled out.
  resolve: (s: string | null) => s === 'true' || s === 'True' || s === 'TRUE' || s === 'false' || s === 'False' || s === 'FALSE',
  construct: (s: string) => s[0] === 't' || s[0] === 'T',
});
const intType = new Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  // Every form starts with a sign or a digit.
  resolve: (s: string | null) => {
    if (!s) return false;
    const c = s.charCodeAt(0);
    return (digit(c) || c === 0x2b || c === 0x2d) && /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/.test(s);
  },
  construct: (s: string) => (s[1] === 'o' ? parseInt(s.substring(2), 8) : s[1] === 'x' ? parseInt(s.substring(2), 16) : parseInt(s, 10)),
});
const floatType = new Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  // Every form starts with a sign, a dot or a digit.
  resolve: (s: string | null) => {
    if (!s) return false;
    const c = s.charCodeAt(0);
    if (!(digit(c) || c === 0x2b || c === 0x2d || c === 0x2e)) return false;
    return /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s) || /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s);
  },
  construct: (s: string) =>
    /^[-+]?\.(?:inf|Inf|INF)$/.test(s) ? (s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY) : /^\.(?:nan|NaN|NAN)$/.test(s) ? NaN : parseFloat(s),
});
export const coreSchema = FAILSAFE_SCHEMA.extend({ implicit: [nullType, boolType, intType, floatType] });

/**
 * `re`, tried only on text holding one of `chars` (every match of `re` holds one): a
 * policy of 14,000 lines has no anchor, `?` or quote, and is not scanned for them.
 */
function needs(chars: string, re: RegExp): Pattern {
  return {
    test: (text) => {
      for (let i = 0; i < chars.length; i++) if (text.includes(chars[i]!)) return re.test(text);
      return false;
    },
  };
}

interface Pattern {
  test(text: string): boolean;
}

/**
 * Text that may only be read the full way. Each pattern errs on the side of refusing:
 * a refused text costs time, never a different answer.
 */
const FULL_ONLY: readonly Pattern[] = [
  // Tabs: the two parsers judge tab indentation and separation differently.
  /\t/,
  // Anchors, aliases and tags (the alias-bomb guard lives on the full way), and the
  // characters that start them wherever a node can start.
  needs('&*!', /(?:^|[\s[\]{},:?-])[&*!]/m),
  // Merge keys.
  /<</,
  // Directives, document start and end markers (a second document).
  /^(?:%|---|\.\.\.)/m,
  // Explicit `?` keys.
  needs('?', /(?:^|[\s[{,])\?(?:[\s\]},]|$)/m),
  // Null or empty keys (`yaml` names them "", js-yaml "null") and ` :`.
  /(?:^|[\s[{,?])(?:~|null|Null|NULL)?[ ]*:(?:[\s\]},]|$)/m,
  // Flow collections as keys (each parser turns them into a different string).
  /[\]}]\s*:/,
  // A comment glued to a quoted scalar or a collection: `yaml` refuses it.
  /["'\]}]#/,
  // A sequence item left empty, or with its value on the next line: js-yaml 4 puts the
  // items that follow an empty one (`- - #x` then `- 0`) into the inner sequence.
  /^[ ]*(?:-[ ]+)*-[ ]*(?:#.*)?\r?$/m,
  // A quoted scalar that runs onto the next line (the parsers judge its indentation
  // differently).
  needs(`"'`, /(?:^|[\s[{,:])(?:"(?:[^"\\\n]|\\[^\n])*\\?|'(?:[^'\n]|'')*)$/m),
  // Anything but printable text and line feeds (control characters, NEL and the Unicode
  // line separators, a byte-order mark, lone carriage returns).
  /[^\n\r\x20-\x7e\xa0-\u2027\u202a-\ufefe\uff00-\ufffd]|\r(?!\n)/,
];

/** A quoted scalar, where one can start. */
const QUOTED = /(?<=^|[\s[{,:])(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*')/g;
/**
 * Whether a flow collection (`[...]`, `{...}`) runs past the end of its line: `yaml` holds
 * its next lines to the block's indentation, js-yaml does not. Only lines with a bracket
 * are looked at.
 */
function flowSpansLines(text: string): boolean {
  let square = text.indexOf('[');
  let curly = text.indexOf('{');
  while (square >= 0 || curly >= 0) {
    const at = square < 0 ? curly : curly < 0 ? square : Math.min(square, curly);
    const start = text.lastIndexOf('\n', at) + 1;
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    let line = text.slice(start, end);
    if (line.includes('"') || line.includes("'")) line = line.replace(QUOTED, '""');
    if (line.includes('#')) line = line.replace(/(?:^|\s)#.*$/, '');
    let depth = 0;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (c === 0x5b || c === 0x7b) depth++;
      else if (c === 0x5d || c === 0x7d) depth--;
    }
    if (depth !== 0) return true;
    if (square >= 0 && square < end) square = text.indexOf('[', end);
    if (curly >= 0 && curly < end) curly = text.indexOf('{', end);
  }
  return false;
}

/** A line past 1,000 characters: `yaml` caps an implicit key at 1,024. (A regular expression took 60 ms on 14k lines.) */
function longLine(text: string): boolean {
  let from = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
    if (nl - from >= 1000) return true;
    from = nl + 1;
  }
  return text.length - from >= 1000;
}

/** The data of `text` when the fast parser may read it and accepts it, else undefined. */
export function fastYamlData(text: string, listener?: LoadOptions['listener']): { data: unknown } | undefined {
  for (const re of FULL_ONLY) if (re.test(text)) return undefined;
  if (longLine(text) || flowSpansLines(text)) return undefined;
  try {
    // An empty document is null on the full way (`toJS`), undefined in js-yaml.
    return { data: load(text, listener ? { schema: coreSchema, listener } : { schema: coreSchema }) ?? null };
  } catch {
    return undefined;
  }
}
