/** Where a command writes; injectable so tests capture it. */
export interface CliIo {
  /** Normal output (stdout). */
  readonly out: (line: string) => void;
  /** Problems and progress (stderr). */
  readonly err: (line: string) => void;
  /** The folder the command runs in. */
  readonly cwd: string;
}

/** One `kmods <name>` subcommand. */
export interface CliCommand {
  /** The word after `kmods`. */
  readonly name: string;
  /** One line for `kmods --help`. */
  readonly summary: string;
  /** Usage text shown by `kmods <name> --help` and on bad arguments. */
  readonly usage: string;
  /** Runs with the arguments after the command name; returns the exit code. */
  run(args: ReadonlyArray<string>, io: CliIo): number;
}

/** A problem with the command line itself (exit code 2, usage shown). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
