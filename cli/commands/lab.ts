// `outpost lab ...`: real servers and networks on this machine for trying outpost and
// for the tests. Each lab family attaches its subcommands to the one `lab` command.
import type { Command } from 'commander';

/** The `lab` command, created on first use so families can register in any order. */
export function labCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'lab') ??
    program.command('lab').description('run real servers and site twins on this machine (directory, sites); everything it starts it also stops')
  );
}

export function register(program: Command): void {
  labCommand(program);
}
