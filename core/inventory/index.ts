// Public face of the inventory stage: load + validate into the typed model.
export { JITLESS, loadInventory, parseFile, type LoadOptions, type Parsed } from './load.js';
export { keepYamlPositions, parseYaml, pathString, withFields, type YamlSource, type YamlPath } from './source.js';
export { field, matches, type FieldKind } from './patterns.js';
export { parsePortSpec, deepFreeze } from './build.js';
export type { PlatformCatalogue } from './semantic.js';
export * from './model.js';
export * as net from './net.js';
