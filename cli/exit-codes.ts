// Exit codes are a contract with CI pipelines: their meanings never change.
export const EXIT = {
  /** Everything worked and nothing needs attention. */
  OK: 0,
  /** Invalid input, failed checks, findings, drift or a failed device: look at the report. */
  FINDINGS: 1,
  /** Bad usage or environment: a missing flag, a missing tool, not root, no TTY for a prompt. */
  USAGE: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Thrown by commands for usage/environment problems; main prints it and exits 2. */
export class UsageError extends Error {
  constructor(message: string, readonly exitCode: ExitCode = EXIT.USAGE) {
    super(message);
    this.name = 'UsageError';
  }
}
