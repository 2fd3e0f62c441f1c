import type { CliIo, ExitCode } from './cli-io';
import { checkCommand } from './check-command';
import { planCommand } from './plan-command';
import { releaseImportCommand } from './release-import-command';

/** One `kmods` subcommand. */
export interface Command {
  /** The words that select it, e.g. `release import`. */
  readonly name: string;
  /** One line for `kmods --help`. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly usage: string;
  /** Runs with the arguments after the command words; returns the exit code. */
  readonly run: (args: string[], io: CliIo) => ExitCode;
}

/**
 * Every subcommand, in the order `kmods --help` lists them. Adding one is one line here and a
 * file `lib/cli/<name>-command.ts` exporting a `Command`.
 */
export function commands(): ReadonlyArray<Command> {
  return [
    releaseImportCommand,
    checkCommand,
    planCommand,
  ];
}
