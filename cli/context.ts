// Shared flag handling for commands that read the inventory.
import type { Command } from 'commander';
import { EXIT } from './exit-codes.js';
import { createOutput, type Output } from './output.js';
import type { Diagnostic } from '../core/diagnostics.js';

export interface CommonFlags {
  readonly inventory: string;
  readonly json?: boolean;
}

export function withInventory(cmd: Command): Command {
  return cmd.option('-i, --inventory <dir>', 'inventory folder (org.yaml, sites/, people/)', 'inventory');
}

export function withJson(cmd: Command): Command {
  return cmd.option('--json', 'print one JSON document on stdout and nothing else');
}

export function outputFor(flags: { json?: boolean }): Output {
  return createOutput({ json: !!flags.json });
}

/** Prints diagnostics (stderr, or inside the JSON document) and returns the exit code they imply. */
export function report(out: Output, diagnostics: readonly Diagnostic[], json: boolean, extra: Record<string, unknown> = {}): number {
  const failed = diagnostics.some((d) => d.severity === 'error');
  if (json) out.json({ ok: !failed, ...extra, diagnostics });
  else out.diagnostics(diagnostics);
  return exitFor(diagnostics);
}

/**
 * One rule for every command: a name the user typed on the command line that does not
 * exist (its diagnostic's path is the flag, e.g. `--site`) is a usage error, exit 2;
 * any other error is invalid input or a finding, exit 1.
 */
export function exitFor(diagnostics: readonly Diagnostic[]): number {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!errors.length) return EXIT.OK;
  return errors.some((d) => d.path?.startsWith('--')) ? EXIT.USAGE : EXIT.FINDINGS;
}
