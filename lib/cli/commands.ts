import { checkCommand } from './check-command';
import { initCommand } from './init-command';
import type { Command } from './command';
import { planCommand } from './plan-command';
import { releaseImportCommand } from './release-import-command';

/**
 * Every subcommand, in the order `kmods --help` lists them. Adding one is one line here and a
 * file `lib/cli/<name>-command.ts` exporting a `Command` (see `command.ts`).
 */
export function commands(): ReadonlyArray<Command> {
  return [
    initCommand,
    releaseImportCommand,
    checkCommand,
    planCommand,
  ];
}
