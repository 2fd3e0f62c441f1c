import type { CliIo, ExitCode } from './cli-io';

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
