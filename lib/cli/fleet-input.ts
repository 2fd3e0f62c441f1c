import * as path from 'path';
import { FleetValidationError } from '../errors';
import { loadFleetFile } from '../fleet-file/fleet-file';
import type { Fleet } from '../fleet/fleet';
import { CliError, CliIo } from './cli-io';

/** The fleet file a command reads: `--fleet`, else `KMODS_FLEET_FILE`, else `apps/fleet.yaml`. */
export function fleetFileOf(io: CliIo, option: string | undefined): string {
  return path.resolve(io.cwd, option ?? io.env.KMODS_FLEET_FILE ?? path.join('apps', 'fleet.yaml'));
}

/** Loads and validates the fleet file; bad input becomes a CliError listing every problem. */
export function loadFleet(io: CliIo, file: string): Fleet {
  try {
    return loadFleetFile(file);
  } catch (e) {
    if (e instanceof FleetValidationError) throw new CliError(e.message);
    const code = (e as NodeJS.ErrnoException).code;
    if (code) throw new CliError(`cannot read fleet file ${path.relative(io.cwd, file) || file}: ${code}`);
    throw e;
  }
}
