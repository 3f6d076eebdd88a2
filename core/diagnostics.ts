// Bad user data is a value with a location, never an exception: stages collect every
// diagnostic and the CLI prints them together.

import { compareText } from './sorted.js';

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export type Severity = 'error' | 'warning';

export interface Diagnostic extends Partial<SourceLocation> {
  readonly severity: Severity;
  /** Stable machine code, e.g. `subnet-overlap`. Scripts match on it. */
  readonly code: string;
  readonly message: string;
  /** YAML path of the offending value, e.g. `devices[2].hostname`. */
  readonly path?: string;
}

export function error(code: string, message: string, where: Partial<SourceLocation> & { path?: string } = {}): Diagnostic {
  return { severity: 'error', code, message, ...where };
}

export function warning(code: string, message: string, where: Partial<SourceLocation> & { path?: string } = {}): Diagnostic {
  return { severity: 'warning', code, message, ...where };
}

/**
 * Appends `items` to `into` one by one: `into.push(...items)` passes every item as an
 * argument and overflows the stack past ~100k (a people file of 130k rows did).
 */
export function append<T>(into: T[], items: readonly T[]): T[] {
  for (const x of items) into.push(x);
  return into;
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/** `file:line:col: error: message (at path) [code]`, the shape editors and CI annotate. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file ? `${d.file}:${d.line ?? 1}:${d.col ?? 1}: ` : '';
  const path = d.path ? ` (at ${d.path})` : '';
  return `${where}${d.severity}: ${d.message}${path} [${d.code}]`;
}

/** Sort by file, line, col so output is stable whatever order checks ran in. */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return [...diags].sort(
    (a, b) =>
      compareText(a.file ?? '', b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.col ?? 0) - (b.col ?? 0) ||
      compareText(a.code, b.code),
  );
}

/** A result that either holds a value or the diagnostics explaining why not. */
export type Result<T> =
  | { readonly ok: true; readonly value: T; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export function ok<T>(value: T, diagnostics: readonly Diagnostic[] = []): Result<T> {
  return { ok: true, value, diagnostics };
}

export function fail<T>(diagnostics: readonly Diagnostic[]): Result<T> {
  return { ok: false, diagnostics };
}
