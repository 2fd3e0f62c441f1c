import { ProblemCollector } from '../errors';
import { KernelVersion } from './kernel-version';
import { OpenShiftVersion } from './openshift-version';

/** What one OpenShift release ships that kernel-module delivery depends on. */
export interface OpenShiftReleaseProps {
  /** Release number, e.g. `4.18.12`. */
  readonly version: string;
  /** The default RHCOS kernel, as `uname -r` prints it. */
  readonly kernel: string;
  /** The realtime kernel (`kernelType: realtime`). @default - the release offers no realtime kernel to build for */
  readonly realtimeKernel?: string;
  /** The 64k-pages kernel (aarch64, `kernelType: 64k-pages`). @default - the release offers no 64k-pages kernel to build for */
  readonly kernel64k?: string;
  /** The release's Driver Toolkit image, pinned by digest (`oc adm release info <release> --image-for=driver-toolkit`). */
  readonly driverToolkitImage: string;
  /** The RHCOS build (`OSTREE_VERSION`, also the DTK ImageStream tag), e.g. `418.94.202501221327-0`. @default - unknown */
  readonly rhcosVersion?: string;
  /** Marks data that was written as an example rather than read off a real release. @default false */
  readonly example?: boolean;
}

/** An image pinned by digest; written so no string splits two ways (linear matching, see kernel-module.ts). */
const DIGEST_REF = /^[a-z0-9]([a-z0-9_-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)+@sha256:[a-f0-9]{64}$/;

/** One OpenShift release with its kernels and Driver Toolkit image. */
export class OpenShiftRelease {
  public readonly version: OpenShiftVersion;
  public readonly kernel: KernelVersion;
  public readonly realtimeKernel?: KernelVersion;
  public readonly kernel64k?: KernelVersion;
  public readonly driverToolkitImage: string;
  public readonly rhcosVersion?: string;
  public readonly example: boolean;

  constructor(props: OpenShiftReleaseProps) {
    const problems = new ProblemCollector(['releases', props.version]);
    if (!OpenShiftVersion.isValid(props.version)) problems.add([], 'release key is not a release number', props.version, 'major.minor.patch such as 4.18.12');
    checkKernel(problems, 'kernel', props.kernel, false);
    if (props.realtimeKernel !== undefined) checkKernel(problems, 'realtimeKernel', props.realtimeKernel, true);
    if (props.kernel64k !== undefined) checkKernel(problems, 'kernel64k', props.kernel64k, false);
    if (!DIGEST_REF.test(props.driverToolkitImage)) {
      problems.add(['driverToolkitImage'], 'the Driver Toolkit image must be pinned by digest', props.driverToolkitImage,
        'registry/repository@sha256:<64 hex digits>');
    }
    problems.throwIfAny();
    this.version = OpenShiftVersion.parse(props.version);
    this.kernel = KernelVersion.parse(props.kernel);
    this.realtimeKernel = props.realtimeKernel !== undefined ? KernelVersion.parse(props.realtimeKernel) : undefined;
    this.kernel64k = props.kernel64k !== undefined ? KernelVersion.parse(props.kernel64k) : undefined;
    this.driverToolkitImage = props.driverToolkitImage;
    this.rhcosVersion = props.rhcosVersion;
    this.example = props.example ?? false;
  }
}

function checkKernel(problems: ProblemCollector, field: string, value: string, realtime: boolean): void {
  if (!KernelVersion.isValid(value)) {
    problems.add([field], 'not a kernel release', value, 'uname -r form such as 5.14.0-427.50.1.el9_4.x86_64');
  } else if (KernelVersion.parse(value).isRealtime !== realtime) {
    problems.add([field], realtime ? 'a realtime kernel must carry +rt (RHEL 9) or .rt (RHEL 8)' : 'this is a realtime kernel; put it in realtimeKernel', value);
  }
}

/** The releases a fleet may run, keyed by release number. */
export class ReleaseCatalog {
  private readonly releases = new Map<string, OpenShiftRelease>();

  constructor(releases: ReadonlyArray<OpenShiftReleaseProps> = []) {
    const problems = new ProblemCollector();
    for (const props of releases) problems.capture(() => this.add(props));
    problems.throwIfAny();
  }

  /** Adds a release; a release number may appear once. */
  public add(props: OpenShiftReleaseProps): OpenShiftRelease {
    if (this.releases.has(props.version)) throw new Error(`release ${props.version} is already in the catalog`);
    const release = new OpenShiftRelease(props);
    this.releases.set(props.version, release);
    return release;
  }

  /** The release with this number, or undefined. */
  public tryGet(version: string): OpenShiftRelease | undefined {
    return this.releases.get(version);
  }

  /** Release numbers in the catalog, oldest first. */
  public get versions(): string[] {
    return [...this.releases.values()].sort((a, b) => a.version.compare(b.version)).map((r) => r.version.toString());
  }
}
