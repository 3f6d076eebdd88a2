// Onboarding and offboarding change the people files, which stay the source of truth:
// a new agent is a new row in the site's CSV, a leaver's row goes away. Edits touch one
// line and keep everything else (comments, order) as it was.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { yaml } from '../yaml.js';
import { CSV_COLUMNS } from './load.js';
import type { Person } from './model.js';
import { personRow } from './write.js';

function atomicWrite(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Appends the person to <dir>/<site>.csv (created with a header when new); returns the file. */
export function appendPerson(dir: string, p: Omit<Person, 'source'>): string {
  const file = join(dir, `${p.site}.csv`);
  const row = `${personRow(p)}\n`;
  if (!existsSync(file)) {
    atomicWrite(file, `${CSV_COLUMNS.join(',')}\n${row}`);
    return file;
  }
  const text = readFileSync(file, 'utf8');
  atomicWrite(file, `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}${row}`);
  return file;
}

/** Removes the person's record from the file it was loaded from. */
export function removePerson(p: Person): string {
  const file = p.source.file;
  const text = readFileSync(file, 'utf8');
  if (/\.csv$/i.test(file)) {
    const lines = text.split('\n');
    const line = lines[p.source.line - 1];
    if (line === undefined || !line.startsWith(`${p.id},`)) throw new Error(`${file}:${p.source.line} does not hold ${p.id} any more; was the file edited meanwhile?`);
    lines.splice(p.source.line - 1, 1);
    atomicWrite(file, lines.join('\n'));
    return file;
  }
  const { parseDocument, isSeq } = yaml();
  const doc = parseDocument(text);
  const list = doc.get('people');
  if (!isSeq(list)) throw new Error(`${file} has no people: list`);
  const index = list.items.findIndex((item) => (item as { get?: (k: string) => unknown }).get?.('id') === p.id);
  if (index < 0) throw new Error(`${file} does not hold ${p.id} any more`);
  list.items.splice(index, 1);
  atomicWrite(file, doc.toString());
  return file;
}
