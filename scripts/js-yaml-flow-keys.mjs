// js-yaml's readFlowCollection makes its table of mapping keys (Object.create(null), a
// 200-byte dictionary object) before it looks whether the node is a flow collection at all,
// and every node of a document is offered to it: 34,000 such tables for a 2,000-rule policy
// (7 MB, an eighth of all a `render --site` allocates), nearly all thrown away at once. The
// copy the build bundles (scripts/build.mjs) makes the table once it knows the node is `[`
// or `{`; the table is used only after that point. tests/yaml-flow-keys.test.ts holds the
// two copies to the same answers.

/** js-yaml's dist/js-yaml.mjs with the table made when needed; undefined for code it does not know. */
export function flowKeysWhenNeeded(text) {
  const start = text.indexOf('function readFlowCollection(');
  const end = text.indexOf('\n  function ', start + 1);
  if (start < 0 || end < 0) return undefined;
  const body = text.slice(start, end);
  const eager = 'const overridableKeys = /* @__PURE__ */ Object.create(null);';
  const known = '} else {\n      return false;\n    }\n';
  if (body.split(eager).length !== 2 || body.split(known).length !== 2 || body.indexOf(eager) > body.indexOf(known)) return undefined;
  const patched = body.replace(eager, 'let overridableKeys;').replace(known, `${known}    overridableKeys = Object.create(null);\n`);
  return text.slice(0, start) + patched + text.slice(end);
}
