#!/usr/bin/env node
/**
 * The `kmods` command line (package.json `bin`). It dispatches to the subcommands in
 * `commands.ts`; each returns its exit code: 0 done, 1 failed, 2 bad command line.
 */
import { CliIo, UsageError } from './command';
import { COMMANDS } from './commands';
import { packageVersion } from './package-info';

export function runCli(argv: ReadonlyArray<string>, io: CliIo): number {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(packageVersion());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`kmods: unknown command ${JSON.stringify(name)}; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
    return 2;
  }
  try {
    return command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`kmods ${command.name}: ${e.message}\n\n${command.usage}`);
      return 2;
    }
    io.err(`kmods ${command.name}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return ['usage: kmods <command> [options]', '', 'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '', 'kmods <command> --help shows the options of one command.'].join('\n');
}

if (require.main === module) {
  process.exitCode = runCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    cwd: process.cwd(),
  });
}
