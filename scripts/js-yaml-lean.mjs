// Two places where js-yaml makes an object for every node of a document and almost always
// throws it away at once. The copy the build bundles (scripts/build.mjs) makes each only
// when it is needed; tests/yaml-lean.test.ts holds it to the same answers as js-yaml.
// - readFlowCollection makes its table of mapping keys (Object.create(null), a 200-byte
//   dictionary object) before it looks whether the node is a flow collection at all, and
//   every node is offered to it: 34,000 tables for a 2,000-rule policy (7 MB, an eighth of
//   all a `render --site` allocates). The table is used only once the node is `[` or `{`.
// - composeNode takes a snapshot of the parser state (a 9-field object) before it tries to
//   read a tag or an anchor; both readers give up unless the node starts with `!` or `&`,
//   and the snapshot is kept only when one of them read something.

/** `text` with `from` replaced by `to` inside function `name`, or undefined if not exactly once there. */
function inFunction(text, name, from, to) {
  if (text === undefined) return undefined;
  const start = text.indexOf(`function ${name}(`);
  const end = text.indexOf('\n  function ', start + 1);
  if (start < 0 || end < 0) return undefined;
  const body = text.slice(start, end);
  if (body.split(from).length !== 2) return undefined;
  return text.slice(0, start) + body.replace(from, to) + text.slice(end);
}

/** js-yaml's dist/js-yaml.mjs made lean; undefined for code it does not know. */
export function leanJsYaml(text) {
  let out = inFunction(text, 'readFlowCollection', 'const overridableKeys = /* @__PURE__ */ Object.create(null);', 'let overridableKeys;');
  out = inFunction(out, 'readFlowCollection', '} else {\n      return false;\n    }\n', '} else {\n      return false;\n    }\n    overridableKeys = Object.create(null);\n');
  out = inFunction(
    out,
    'composeNode',
    '        const ch = state.input.charCodeAt(state.position);\n        const propertyState = snapshotState(state);\n',
    '        const ch = state.input.charCodeAt(state.position);\n        if (ch !== 33 && ch !== 38) break;\n        const propertyState = snapshotState(state);\n',
  );
  return out;
}
