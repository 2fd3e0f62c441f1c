import { CliCommand } from './command';
import { initCommand } from './init-command';

/** Every `kmods` subcommand, in the order `kmods --help` lists them. */
export const COMMANDS: ReadonlyArray<CliCommand> = [
  initCommand,
];
