import { KernelVersion } from '../release/kernel-version';
import { OpenShiftVersion } from '../release/openshift-version';
import { RHCOS_VERSION } from '../release/release-catalog';
import { CliError } from './cli-io';

/** What `oc adm release info <pullspec> -o json` tells about a release. */
export interface ReleaseInfo {
  /** `metadata.version` (Cincinnati metadata), e.g. `4.19.5`. */
  readonly version: string;
  /** The release image as given to `oc`. */
  readonly image: string;
  /** `references.spec.tags[name=driver-toolkit].from.name`: the DTK pull spec, by digest. */
  readonly driverToolkitImage: string;
  /** The RHCOS build: `displayVersions.machine-os.Version` or `versions.machine-os`. */
  readonly rhcosVersion?: string;
  /** `config.architecture` of the release image (amd64, arm64, …). */
  readonly architecture?: string;
}

/** What the Driver Toolkit image says about its kernels. */
export interface DriverToolkitInfo {
  readonly kernel: string;
  readonly realtimeKernel?: string;
  /** `RHEL_VERSION` (e.g. `9.6`), only in `/etc/driver-toolkit-release.json`. */
  readonly rhelVersion?: string;
  /** Which input it was read from, for messages. */
  readonly format: string;
}

const obj = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Reads the JSON `oc adm release info -o json` prints (openshift/oc pkg/cli/admin/release/info.go,
 * `ReleaseInfo`): `metadata.version`, the `references` ImageStream's `driver-toolkit` tag, the
 * `machine-os` component version and `config.architecture`.
 */
export function parseReleaseInfo(data: unknown, source: string): ReleaseInfo {
  const root = obj(data);
  const references = obj(root?.references);
  const tags = Array.isArray(obj(references?.spec)?.tags) ? (obj(references?.spec)!.tags as unknown[]).map(obj) : undefined;
  if (!root || !tags) throw new CliError(`${source}: not the output of "oc adm release info <release> -o json" (no references.spec.tags)`);
  const version = str(obj(root.metadata)?.version) ?? str(obj(references?.metadata)?.name);
  if (!version || !OpenShiftVersion.isValid(version)) {
    throw new CliError(`${source}: metadata.version is ${JSON.stringify(version ?? null)}, not a release number such as 4.19.5`);
  }
  const dtk = tags.find((t) => t?.name === 'driver-toolkit');
  const driverToolkitImage = str(obj(dtk?.from)?.name);
  if (!driverToolkitImage) throw new CliError(`${source}: release ${version} has no driver-toolkit image in references.spec.tags`);
  if (!/@sha256:[a-f0-9]{64}$/.test(driverToolkitImage)) {
    throw new CliError(`${source}: the driver-toolkit reference ${driverToolkitImage} is not pinned by digest`);
  }
  const display = obj(obj(root.displayVersions)?.['machine-os']);
  const rhcosVersion = str(display?.Version) ?? str(obj(root.versions)?.['machine-os']);
  if (rhcosVersion !== undefined && !RHCOS_VERSION.test(rhcosVersion)) {
    throw new CliError(`${source}: machine-os version ${JSON.stringify(rhcosVersion)} is not an RHCOS build such as 419.96.202507221232-0`);
  }
  return {
    version,
    image: str(root.image) ?? version,
    driverToolkitImage,
    ...(rhcosVersion ? { rhcosVersion } : {}),
    ...(str(obj(root.config)?.architecture) ? { architecture: str(obj(root.config)?.architecture) } : {}),
  };
}

/**
 * Reads the Driver Toolkit's kernels from `/etc/driver-toolkit-release.json` (openshift/driver-toolkit
 * Dockerfile: `KERNEL_VERSION`, `RT_KERNEL_VERSION`, `RHEL_VERSION`) or from the image's labels
 * `kernel-version` / `kernel-rt-version` (DTK 4.23+), as `oc image info -o json` (`config.config.Labels`),
 * `skopeo inspect` (`Labels`) or `podman inspect` (`[0].Config.Labels` / `[0].Labels`) print them.
 */
export function parseDriverToolkitInfo(data: unknown, source: string): DriverToolkitInfo {
  const root = obj(Array.isArray(data) ? data[0] : data);
  if (root && str(root.KERNEL_VERSION)) {
    return checked({ kernel: str(root.KERNEL_VERSION)!, realtimeKernel: str(root.RT_KERNEL_VERSION), rhelVersion: str(root.RHEL_VERSION), format: '/etc/driver-toolkit-release.json' }, source);
  }
  const labels = obj(obj(obj(root?.config)?.config)?.Labels) ?? obj(root?.Labels) ?? obj(obj(root?.Config)?.Labels);
  if (labels && str(labels['kernel-version'])) {
    return checked({ kernel: str(labels['kernel-version'])!, realtimeKernel: str(labels['kernel-rt-version']), format: 'image labels' }, source);
  }
  if (labels && labels.name === 'driver-toolkit') {
    throw new CliError(`${source}: this Driver Toolkit image has no kernel-version label (added in 4.23); `
      + 'read /etc/driver-toolkit-release.json instead: oc image extract <dtk> --file=/etc/driver-toolkit-release.json');
  }
  throw new CliError(`${source}: neither /etc/driver-toolkit-release.json (KERNEL_VERSION) nor Driver Toolkit image labels (kernel-version)`);
}

function checked(info: { kernel: string; realtimeKernel?: string; rhelVersion?: string; format: string }, source: string): DriverToolkitInfo {
  if (!KernelVersion.isValid(info.kernel) || KernelVersion.parse(info.kernel).isRealtime) {
    throw new CliError(`${source}: kernel ${JSON.stringify(info.kernel)} is not a kernel release such as 5.14.0-570.28.1.el9_6.x86_64`);
  }
  if (info.realtimeKernel !== undefined && (!KernelVersion.isValid(info.realtimeKernel) || !KernelVersion.parse(info.realtimeKernel).isRealtime)) {
    throw new CliError(`${source}: realtime kernel ${JSON.stringify(info.realtimeKernel)} is not a realtime kernel release (…+rt)`);
  }
  return Object.fromEntries(Object.entries(info).filter(([, v]) => v !== undefined)) as unknown as DriverToolkitInfo;
}

/**
 * Refuses a Driver Toolkit that does not belong to the release: RHCOS builds are numbered
 * `<ocp major><ocp minor>.<rhel major><rhel minor>.<timestamp>-<n>` (419.96… is OpenShift 4.19 on
 * RHEL 9.6), the DTK's kernel carries `el<major>_<minor>`, and the kernel's architecture must be the
 * release image's.
 */
export function crossCheck(release: ReleaseInfo, dtk: DriverToolkitInfo, releaseSource: string, dtkSource: string): void {
  const problems: string[] = [];
  const [ocpPart, rhelPart] = release.rhcosVersion?.split('.') ?? [];
  const [major, minor] = release.version.split('.');
  if (ocpPart !== undefined && ocpPart !== `${major}${minor}`) problems.push(`RHCOS ${release.rhcosVersion} is not an OpenShift ${major}.${minor} build`);
  const rhel = rhelPart ? `${rhelPart[0]}.${rhelPart.slice(1)}` : undefined;
  if (rhel && dtk.rhelVersion && dtk.rhelVersion !== rhel) problems.push(`the DTK is built on RHEL ${dtk.rhelVersion}, release ${release.version}'s RHCOS on RHEL ${rhel}`);
  const el = /\.el(\d+)_(\d+)\./.exec(dtk.kernel);
  if (rhel && el && `${el[1]}.${el[2]}` !== rhel) problems.push(`kernel ${dtk.kernel} is a RHEL ${el[1]}.${el[2]} kernel, release ${release.version}'s RHCOS is RHEL ${rhel}`);
  const arch: Record<string, string> = { amd64: 'x86_64', arm64: 'aarch64', ppc64le: 'ppc64le', s390x: 's390x' };
  const want = release.architecture ? arch[release.architecture] : undefined;
  if (want && !dtk.kernel.endsWith(`.${want}`)) problems.push(`kernel ${dtk.kernel} is not a ${want} kernel, the release image is ${release.architecture}`);
  if (problems.length > 0) {
    throw new CliError(`${dtkSource} does not belong to ${releaseSource} (release ${release.version}): ${problems.join('; ')}`);
  }
}
