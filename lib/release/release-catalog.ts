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
  /**
   * The release's Driver Toolkit image, pinned by digest (`oc adm release info <release> --image-for=driver-toolkit`).
   * @default - the in-cluster ImageStreamTag `openshift/driver-toolkit:<rhcosVersion>` (needs `rhcosVersion` and the internal registry)
   */
  readonly driverToolkitImage?: string;
  /** The RHCOS build (`OSTREE_VERSION`, also the DTK ImageStream tag), e.g. `418.94.202501221327-0`. @default - unknown */
  readonly rhcosVersion?: string;
  /** Marks data that was written as an example rather than read off a real release. @default false */
  readonly example?: boolean;
}

/** The RHCOS build as `OSTREE_VERSION` prints it (and the `openshift/driver-toolkit` ImageStream tags it). */
export const RHCOS_VERSION = /^\d+\.\d+\.\d{12}-\d+$/;

/**
 * The Driver Toolkit ImageStream every OpenShift cluster carries (openshift/driver-toolkit
 * `manifests/01-openshift-imagestream.yaml`): namespace `openshift`, one tag per RHCOS build the
 * cluster has run, added when the cluster's release payload brings it.
 */
export const DTK_IMAGE_STREAM = { namespace: 'openshift', name: 'driver-toolkit' } as const;

/** How pods of the cluster pull an image of the `openshift` namespace through the internal registry. */
const INTERNAL_REGISTRY_HOST = 'image-registry.openshift-image-registry.svc:5000';

/** An image pinned by digest; written so no string splits two ways (linear matching, see module-source.ts IMAGE_REF). */
const DIGEST_REF = /^[a-z0-9]([a-z0-9_-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)+@sha256:[a-f0-9]{64}$/;

/** One OpenShift release with its kernels and Driver Toolkit image. */
export class OpenShiftRelease {
  public readonly version: OpenShiftVersion;
  public readonly kernel: KernelVersion;
  public readonly realtimeKernel?: KernelVersion;
  public readonly kernel64k?: KernelVersion;
  /** The Driver Toolkit pull spec builds use: the digest, or the in-cluster registry's path of the ImageStreamTag. */
  public readonly driverToolkitImage: string;
  /** `driver-toolkit:<rhcosVersion>` in namespace `openshift`, when builds take the DTK from the cluster's ImageStream. */
  public readonly driverToolkitImageStreamTag?: string;
  public readonly rhcosVersion?: string;
  public readonly example: boolean;

  constructor(props: OpenShiftReleaseProps) {
    const problems = new ProblemCollector(['releases', props.version]);
    if (!OpenShiftVersion.isValid(props.version)) problems.add([], 'release key is not a release number', props.version, 'major.minor.patch such as 4.18.12');
    checkKernel(problems, 'kernel', props.kernel, false);
    if (props.realtimeKernel !== undefined) checkKernel(problems, 'realtimeKernel', props.realtimeKernel, true);
    if (props.kernel64k !== undefined) checkKernel(problems, 'kernel64k', props.kernel64k, false);
    if (props.rhcosVersion !== undefined && !RHCOS_VERSION.test(props.rhcosVersion)) {
      problems.add(['rhcosVersion'], 'not an RHCOS build (OSTREE_VERSION)', props.rhcosVersion, 'such as 418.94.202501221327-0');
    }
    if (props.driverToolkitImage === undefined) {
      if (props.rhcosVersion === undefined) {
        problems.add(['driverToolkitImage'], 'a release needs its Driver Toolkit: driverToolkitImage (by digest), or rhcosVersion to use the '
          + 'cluster\'s openshift/driver-toolkit:<rhcosVersion> ImageStreamTag');
      }
    } else if (!DIGEST_REF.test(props.driverToolkitImage)) {
      problems.add(['driverToolkitImage'], 'the Driver Toolkit image must be pinned by digest', props.driverToolkitImage,
        'registry/repository@sha256:<64 hex digits>');
    }
    problems.throwIfAny();
    this.version = OpenShiftVersion.parse(props.version);
    this.kernel = KernelVersion.parse(props.kernel);
    this.realtimeKernel = props.realtimeKernel !== undefined ? KernelVersion.parse(props.realtimeKernel) : undefined;
    this.kernel64k = props.kernel64k !== undefined ? KernelVersion.parse(props.kernel64k) : undefined;
    this.rhcosVersion = props.rhcosVersion;
    if (props.driverToolkitImage !== undefined) {
      this.driverToolkitImage = props.driverToolkitImage;
    } else {
      this.driverToolkitImageStreamTag = `${DTK_IMAGE_STREAM.name}:${props.rhcosVersion}`;
      this.driverToolkitImage = `${INTERNAL_REGISTRY_HOST}/${DTK_IMAGE_STREAM.namespace}/${this.driverToolkitImageStreamTag}`;
    }
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
