/**
 * `kmods`: the command line of cdk8s-kmods. Dispatches to the subcommands of `commands.ts`.
 *
 *   kmods <command> [options]      kmods <command> --help      kmods --help
 */
import { CliError, CliIo, ExitCode, processIo } from './cli-io';
import type { Command } from './command';
import { commands } from './commands';

/** Runs `kmods` with `argv` (without node and script) and returns the exit code. */
export function runCli(argv: ReadonlyArray<string>, io: CliIo): ExitCode {
  const table = commands();
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout(topHelp(table));
    return argv.length === 0 ? ExitCode.USAGE : ExitCode.OK;
  }
  const command = findCommand(table, argv);
  if (!command) {
    io.stderr(`kmods: unknown command "${argv.slice(0, 2).join(' ')}"\n\n${topHelp(table)}`);
    return ExitCode.USAGE;
  }
  const args = argv.slice(command.name.split(' ').length);
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`);
    return ExitCode.OK;
  }
  try {
    return command.run(args, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr(`kmods ${command.name}: ${e.message}\n`);
      if (e.code === ExitCode.USAGE) io.stderr(`Run "kmods ${command.name} --help" for usage.\n`);
      return e.code;
    }
    if (isUsageError(e)) {
      io.stderr(`kmods ${command.name}: ${(e as Error).message}\nRun "kmods ${command.name} --help" for usage.\n`);
      return ExitCode.USAGE;
    }
    throw e;
  }
}

/** The command whose words start `argv` (the longest match). */
function findCommand(table: ReadonlyArray<Command>, argv: ReadonlyArray<string>): Command | undefined {
  return [...table]
    .sort((a, b) => b.name.split(' ').length - a.name.split(' ').length)
    .find((c) => c.name.split(' ').every((word, i) => argv[i] === word));
}

/** `util.parseArgs` throws TypeErrors with these codes for unknown or malformed options. */
function isUsageError(e: unknown): boolean {
  const code = (e as { code?: string } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

function topHelp(table: ReadonlyArray<Command>): string {
  const width = Math.max(...table.map((c) => c.name.length));
  return [
    'kmods: out-of-tree kernel modules for OpenShift fleets (cdk8s-kmods)',
    '',
    'Usage: kmods <command> [options]     kmods <command> --help',
    '',
    'Commands:',
    ...table.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Exit codes: 0 ok, 1 a check found a problem, 2 usage error, 3 bad input.',
    '',
  ].join('\n');
}

if (require.main === module) {
  process.exitCode = runCli(process.argv.slice(2), processIo());
}
