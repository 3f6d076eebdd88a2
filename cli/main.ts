// The `outpost` command: parses flags, calls core, prints. No logic of its own.
import { Command, CommanderError } from 'commander';
import { EXIT, UsageError } from './exit-codes.js';
import { registerAll } from './commands/index.js';

const program = new Command('outpost')
  .description(
    'Equip field sites, onboard remote agents and audit access from one inventory.\n\n' +
      'Exit codes: 0 ok, 1 invalid input / findings / failed devices, 2 usage or environment error.',
  )
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerAll(program);

// `outpost ... | head` closes the pipe early; that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

async function main(): Promise<number> {
  try {
    await program.parseAsync(process.argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version arrive here as "errors" with exit code 0.
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`outpost: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`outpost: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT.USAGE;
  }
}

main().then((code) => {
  process.exitCode = code;
});
