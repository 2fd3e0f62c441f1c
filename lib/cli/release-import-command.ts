import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'node:util';
import { parseDocument } from 'yaml';
import { FleetValidationError } from '../errors';
import { parseFleet } from '../fleet-file/fleet-file';
import { CliError, CliIo, ExitCode, parseJsonInput } from './cli-io';
import type { Command } from './command';
import { fleetFileOf } from './fleet-input';
import { ReleaseEntry, upsertRelease } from './fleet-yaml-edit';
import { crossCheck, DriverToolkitInfo, parseDriverToolkitInfo, parseReleaseInfo } from './release-info';

const USAGE = `Usage: kmods release import --release-info FILE [--dtk FILE] [--dtk-from digest|imagestream]
                            [--fleet FILE] [--dry-run]

Adds or updates one release in the fleet file from what oc prints, keeping the file's comments
and order:

  --release-info FILE  oc adm release info quay.io/openshift-release-dev/ocp-release:4.19.5-x86_64 -o json
                       (- for stdin): the release number, the Driver Toolkit image by digest and
                       the RHCOS build (machine-os).
  --dtk FILE           the Driver Toolkit's kernels, either /etc/driver-toolkit-release.json
                         oc image extract <dtk image> --file=/etc/driver-toolkit-release.json
                       or its image labels (4.23+): oc image info -o json <dtk image>.
                       Needed for a new release; optional when updating one.
  --dtk-from MODE      digest (default): builds use the DTK image by digest; imagestream: builds
                       use the cluster's openshift/driver-toolkit:<rhcos> ImageStreamTag, no
                       digest in the fleet (needs the internal registry; the tag appears only
                       once the cluster runs or upgrades to the release).
  --fleet FILE         the fleet file (default: $KMODS_FLEET_FILE, else apps/fleet.yaml).
  --dry-run            print the changes, write nothing.

The DTK must belong to the release (RHCOS build, RHEL version, architecture); the edited file must
still validate, or nothing is written.

Exit codes: 0 written (or nothing to change); 2 usage error; 3 bad input.
`;

export const releaseImportCommand: Command = {
  name: 'release import',
  summary: 'add or update a release in fleet.yaml from oc adm release info and the Driver Toolkit',
  usage: USAGE,
  run: (args, io) => runImport(args, io),
};

function runImport(args: string[], io: CliIo): ExitCode {
  const { values } = parseArgs({
    args,
    options: {
      'release-info': { type: 'string' },
      'dtk': { type: 'string' },
      'dtk-from': { type: 'string', default: 'digest' },
      'fleet': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (!values['release-info']) throw new CliError('--release-info FILE is required (oc adm release info <release> -o json)', ExitCode.USAGE);
  if (values['dtk-from'] !== 'digest' && values['dtk-from'] !== 'imagestream') {
    throw new CliError(`--dtk-from must be digest or imagestream; given "${values['dtk-from']}"`, ExitCode.USAGE);
  }
  if (values['release-info'] === '-' && values.dtk === '-') throw new CliError('only one of --release-info and --dtk can read stdin', ExitCode.USAGE);
  const release = parseReleaseInfo(parseJsonInput(io, values['release-info'], 'release info'), values['release-info']);
  let dtk: DriverToolkitInfo | undefined;
  if (values.dtk !== undefined) {
    dtk = parseDriverToolkitInfo(parseJsonInput(io, values.dtk, 'Driver Toolkit info'), values.dtk);
    crossCheck(release, dtk, values['release-info'], values.dtk);
  }
  const imageStream = values['dtk-from'] === 'imagestream';
  if (imageStream && !release.rhcosVersion) {
    throw new CliError(`${values['release-info']}: no machine-os version, so there is no openshift/driver-toolkit tag to use; use --dtk-from digest`);
  }

  const file = fleetFileOf(io, values.fleet);
  const shown = path.relative(io.cwd, file) || file;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read fleet file ${shown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const current = currentKernel(text, release.version);
  if (!dtk && current === undefined) {
    throw new CliError(`release ${release.version} is not in ${shown} yet: give its kernels with --dtk `
      + '(oc image extract <dtk image> --file=/etc/driver-toolkit-release.json)', ExitCode.USAGE);
  }
  const entry: ReleaseEntry = {
    kernel: dtk?.kernel ?? current!,
    ...(dtk?.realtimeKernel ? { realtimeKernel: dtk.realtimeKernel } : {}),
    ...(release.rhcosVersion ? { rhcosVersion: release.rhcosVersion } : {}),
    ...(imageStream ? {} : { driverToolkitImage: release.driverToolkitImage }),
  };
  const provenance = `imported by kmods release import from ${release.image}${dtk ? ` and the Driver Toolkit's ${dtk.format}` : ''}`;
  const edit = upsertRelease(text, release.version, entry, provenance);
  try {
    parseFleet(edit.text, shown);
  } catch (e) {
    if (e instanceof FleetValidationError) throw new CliError(`${shown} would not be valid after the import, nothing written: ${e.message}`);
    throw e;
  }
  const verb = edit.added ? 'added' : edit.changes.length > 0 ? 'updated' : 'unchanged';
  io.stdout(`${shown}: releases."${release.version}" ${verb}${values['dry-run'] ? ' (dry run, nothing written)' : ''}\n`);
  for (const c of edit.changes) io.stdout(`  ${c}\n`);
  if (!values['dry-run'] && edit.changes.length > 0) {
    const tmp = `${file}.kmods-${process.pid}.tmp`;
    fs.writeFileSync(tmp, edit.text);
    fs.renameSync(tmp, file);
  }
  return ExitCode.OK;
}

/** The kernel of `releases.<version>` in the file, when it is there. */
function currentKernel(text: string, version: string): string | undefined {
  const value = parseDocument(text).getIn(['releases', version, 'kernel']);
  return typeof value === 'string' ? value : undefined;
}
