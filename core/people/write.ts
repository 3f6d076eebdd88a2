// People back to CSV: onboarding appends a row, the example files and the benchmark
// are generated. Same columns and order as the loader documents.
import { csvCell } from './csv.js';
import { CSV_COLUMNS } from './load.js';
import type { Person } from './model.js';

export function personRow(p: Omit<Person, 'source'>): string {
  const cells = [p.id, p.givenName, p.surname, p.mail, p.site, p.roles.join(';'), p.endDate ?? '', p.laptop?.tag ?? '', p.laptop?.mac ?? '', p.extension ?? ''];
  return cells.map(csvCell).join(',');
}

export function peopleCsv(people: readonly Omit<Person, 'source'>[], comment?: string): string {
  const head = comment ? comment.split('\n').map((l) => `# ${l}\n`).join('') : '';
  return `${head}${CSV_COLUMNS.join(',')}\n${people.map((p) => `${personRow(p)}\n`).join('')}`;
}
