// Reading the people folder of an inventory.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { error, fail, type Result } from '../diagnostics.js';
import { parsePeople, type PeopleFile } from './load.js';
import type { KnownNames, People } from './model.js';

/** The people directory of an inventory: `<inventory>/people`. */
export function peopleDir(inventoryDir: string): string {
  return join(inventoryDir, 'people');
}

/** Reads every .csv/.yaml under `dir` (sorted) and validates them together. */
export function loadPeople(dir: string, known: KnownNames): Result<People> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return fail([error('no-people', `no people directory at ${dir}`, { file: dir, line: 1, col: 1 })]);
  }
  const files: PeopleFile[] = readdirSync(dir)
    .filter((f) => /\.(csv|ya?ml)$/i.test(f))
    .sort()
    .map((f) => ({ file: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
  return parsePeople(files, known);
}
