// RFC 4180 CSV with positions: every cell knows its line and column, so a bad value in
// row 4,012 of a people file is reported at file:4012:col, not "somewhere in the file".
// Blank lines and lines starting with `#` are skipped (the helpdesk annotates files).
import { error, type Diagnostic } from '../diagnostics.js';

export interface Cell {
  readonly value: string;
  readonly line: number;
  readonly col: number;
}

export interface Row {
  readonly line: number;
  /** Each cell's text, in order. */
  readonly values: readonly string[];
  readonly cells: readonly Cell[];
}

/**
 * A row on one line without quotes: its cells are the line split at commas, made when
 * asked (the loader asks once per row and keeps only what it needs), their positions
 * only when a diagnostic asks (valid rows never do). Keeping no cell list per row spares
 * the garbage collector copying 11,670 of them while a national file loads.
 */
class PlainRow implements Row {
  constructor(
    readonly line: number,
    private readonly text: string,
    private readonly start: number,
    private readonly end: number,
  ) {}

  get values(): readonly string[] {
    return this.text.slice(this.start, this.end).split(',');
  }

  get cells(): readonly Cell[] {
    let col = 1;
    return this.values.map((value) => {
      const cell = { value, line: this.line, col };
      col += value.length + 1;
      return cell;
    });
  }
}

const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

export function parseCsv(file: string, text: string, diagnostics: Diagnostic[]): Row[] {
  const rows: Row[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = i;
  const n = text.length;
  let quote = text.indexOf('"', i);

  while (i < n) {
    // Skip blank and comment lines.
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] === '\n')) {
      i += text[i] === '\r' ? 2 : 1;
      line++;
      lineStart = i;
      continue;
    }
    if (text[i] === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    // Most rows: one line, no quote. The line is split at its commas in one step; a row
    // with a quote anywhere is read character by character below.
    const nl = text.indexOf('\n', i);
    const end = nl < 0 ? n : nl > i && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
    // The next quote in the file, looked for again only once it is behind: most files have none.
    if (quote >= 0 && quote < i) quote = text.indexOf('"', i);
    if (quote < 0 || quote >= end) {
      rows.push(new PlainRow(line, text, i, end));
      if (nl < 0) break;
      i = nl + 1;
      line++;
      lineStart = i;
      continue;
    }
    const rowLine = line;
    const cells: Cell[] = [];
    let endOfRow = false;
    while (!endOfRow) {
      const cellLine = line;
      const cellCol = i - lineStart + 1;
      let value = '';
      if (text[i] === '"') {
        i++;
        let closed = false;
        while (i < n) {
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === '\n') {
            line++;
            lineStart = i + 1;
          }
          value += c;
          i++;
        }
        if (!closed) {
          diagnostics.push(error('csv-syntax', 'unterminated quoted field', { file, line: cellLine, col: cellCol }));
          return rows;
        }
        if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          diagnostics.push(error('csv-syntax', 'unexpected text after a closing quote', { file, line, col: i - lineStart + 1 }));
          while (i < n && text[i] !== ',' && text[i] !== '\n') i++;
        }
      } else {
        // An unquoted field is one slice of the text: 11,670 rows of ten cells each.
        const start = i;
        for (let c = text.charCodeAt(i); i < n && c !== COMMA && c !== LF && !(c === CR && text.charCodeAt(i + 1) === LF); c = text.charCodeAt(++i)) {
          if (c === QUOTE) {
            diagnostics.push(error('csv-syntax', 'quote inside an unquoted field: quote the whole field and double the quote', { file, line, col: i - lineStart + 1 }));
          }
        }
        value = text.slice(start, i);
      }
      cells.push({ value, line: cellLine, col: cellCol });
      if (i >= n) endOfRow = true;
      else if (text[i] === ',') i++;
      else {
        i += text[i] === '\r' ? 2 : 1;
        line++;
        lineStart = i;
        endOfRow = true;
      }
    }
    rows.push({ line: rowLine, values: cells.map((c) => c.value), cells });
  }
  return rows;
}

/** Quotes a cell when it needs it, for files outpost writes (onboarding appends rows). */
export function csvCell(value: string): string {
  return /[",\r\n#]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
