// The full YAML parser (`yaml`), loaded the first time something needs it. Valid files are
// read by the fast reader (inventory/source.ts) and never need it; only files the fast
// reader declines, positions it is not sure of, and edits of YAML people files do. Loading
// it eagerly cost every command its start-up (~260 KB of code evaluated).
import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');

let lib: Yaml | undefined;

export function yaml(): Yaml {
  lib ??= createRequire(import.meta.url)('yaml') as Yaml;
  return lib;
}
