// Reading the people folder of an inventory.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { error, fail, type Diagnostic, type Result } from '../diagnostics.js';
import { listInputs, readInput } from '../input.js';
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
  const diagnostics: Diagnostic[] = [];
  const files: PeopleFile[] = [];
  for (const name of listInputs(dir, /\.(csv|ya?ml)$/i, diagnostics)) {
    const text = readInput(join(dir, name), 'people', diagnostics);
    if (text !== undefined) files.push({ file: join(dir, name), text });
  }
  if (diagnostics.length) return fail(diagnostics);
  return parsePeople(files, known);
}
