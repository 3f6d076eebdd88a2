// Results go to stdout, progress and logs to stderr; `--json` prints one document only.
import { formatDiagnostic, sortDiagnostics, type Diagnostic } from '../core/diagnostics.js';

export interface Output {
  /** A result line for people (stdout). */
  result(line: string): void;
  /** One JSON document (stdout). */
  json(value: unknown): void;
  /** Progress and logs (stderr); silent under --json unless an error. */
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
  diagnostics(diags: readonly Diagnostic[]): void;
}

export const useColor = (): boolean => !process.env.NO_COLOR && process.stderr.isTTY === true;

export function createOutput(opts: { json?: boolean; quiet?: boolean } = {}): Output {
  const color = useColor();
  const paint = (code: string, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  return {
    result: (line) => {
      if (!opts.json) process.stdout.write(`${line}\n`);
    },
    json: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    info: (line) => {
      if (!opts.json && !opts.quiet) process.stderr.write(`${line}\n`);
    },
    warn: (line) => process.stderr.write(`${paint('33', 'warning:')} ${line}\n`),
    error: (line) => process.stderr.write(`${paint('31', 'error:')} ${line}\n`),
    diagnostics: (diags) => {
      for (const d of sortDiagnostics(diags)) process.stderr.write(`${formatDiagnostic(d)}\n`);
    },
  };
}
