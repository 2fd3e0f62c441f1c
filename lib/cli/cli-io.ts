import * as fs from 'fs';
import * as path from 'path';

/** Exit codes of `kmods` (documented in the README). */
export const ExitCode = {
  /** Everything checked out (or the plan was printed). */
  OK: 0,
  /** The command ran and found a problem: a node without its module, an upgrade step that fails. */
  FINDINGS: 1,
  /** Wrong command line: unknown subcommand or option, missing argument. */
  USAGE: 2,
  /** Bad input: unreadable or invalid fleet file, node inventory, release info, git ref. */
  INPUT: 3,
} as const;
export type ExitCode = typeof ExitCode[keyof typeof ExitCode];

/** Where a command reads and writes; tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads all of standard input. */
  readonly readStdin: () => string;
  /** The working directory relative paths resolve against. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The real process's streams. */
export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin: () => fs.readFileSync(0, 'utf8'),
    cwd: process.cwd(),
    env: process.env,
  };
}

/** A failure the dispatcher prints as `kmods <command>: <message>` and exits with `code`. */
export class CliError extends Error {
  constructor(message: string, public readonly code: ExitCode = ExitCode.INPUT) {
    super(message);
    this.name = 'CliError';
  }
}

/** Reads a file named on the command line (`-` is standard input), failing with a CliError that names it. */
export function readInput(io: CliIo, file: string, what: string): string {
  if (file === '-') return io.readStdin();
  try {
    return fs.readFileSync(resolvePath(io, file), 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Parses JSON read from `file`, failing with a CliError that names the file. */
export function parseJsonInput(io: CliIo, file: string, what: string): unknown {
  const text = readInput(io, file, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CliError(`${what} ${file} is not JSON: ${(e as Error).message}`);
  }
}

export function resolvePath(io: CliIo, file: string): string {
  return path.resolve(io.cwd, file);
}
