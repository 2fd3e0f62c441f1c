import { MODULE_LABEL, OPENSHIFT_RELEASE_LABEL, KERNEL_LABEL, KERNEL_ANNOTATION, BUILD_INPUTS_ANNOTATION } from '../labels';
import { createHash } from 'node:crypto';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { KernelModule } from '../module/kernel-module';
import { isLabelValue } from '../names';
import { KernelVersion } from '../release/kernel-version';
import { DTK_IMAGE_STREAM, OpenShiftRelease } from '../release/release-catalog';
import { DtkBuildArg, renderModuleDockerfile, SIGNING_CONTEXT_DIR } from './dockerfile';
import { moduleImage, ModuleImage } from './module-image';


/** Props of `ModuleBuildConfig`. */
export interface ModuleBuildConfigProps {
  /** The module to build (git or Dockerfile source). */
  readonly module: KernelModule;
  /** The kernel to build for. */
  readonly kernel: KernelVersion;
  /** The release that ships `kernel`; its Driver Toolkit image is the builder. */
  readonly release: OpenShiftRelease;
  /** Namespace of the build (the cluster's loader namespace). */
  readonly namespace: string;
  /** Final-stage base image. @default DEFAULT_MODULE_BASE_IMAGE */
  readonly baseImage?: string;
  /** Extra labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * One OpenShift BuildConfig: one module for one kernel, Docker strategy with an inline
 * Dockerfile (see `renderModuleDockerfile`), output to the module's ImageStreamTag or to its
 * external repository.
 *
 * The name is `<module>-<kernel token>-<hash of the build inputs>`. OpenShift's ConfigChange
 * trigger starts a build only when a BuildConfig is created, so a changed input (module
 * version, source, Dockerfile, DTK) must give a new name for GitOps to rebuild; same input,
 * same name.
 */
export class ModuleBuildConfig extends Construct {
  public readonly name: string;
  public readonly module: KernelModule;
  public readonly kernel: KernelVersion;
  /** Where the build pushes, as loaders refer to it. */
  public readonly image: ModuleImage;
  /** The inline Dockerfile. */
  public readonly dockerfile: string;

  constructor(scope: Construct, id: string, props: ModuleBuildConfigProps) {
    super(scope, id);
    const { module, kernel, release } = props;
    this.module = module;
    this.kernel = kernel;
    this.image = moduleImage(module, kernel, props.namespace);
    if (!this.image.built) throw new Error(`module "${module.name}" is prebuilt; it has no build`);
    this.dockerfile = renderModuleDockerfile(module, { release, kernel, dtkArg: DtkBuildArg.DTK_IMAGE, baseImage: props.baseImage });

    const buildArgs = [
      { name: DtkBuildArg.DTK_IMAGE, value: release.driverToolkitImage },
      { name: 'KERNEL_FULL_VERSION', value: kernel.full },
    ];
    const output = this.image.imageStream !== undefined
      ? { to: { kind: 'ImageStreamTag', name: this.image.imageStreamTag } }
      : {
        to: { kind: 'DockerImage', name: this.image.image },
        ...(module.imagePullSecret ? { pushSecret: { name: module.imagePullSecret } } : {}),
      };
    const secrets = module.signing
      ? [
        { secret: { name: module.signing.keySecret }, destinationDir: `${SIGNING_CONTEXT_DIR}/key` },
        { secret: { name: module.signing.certSecret }, destinationDir: `${SIGNING_CONTEXT_DIR}/cert` },
      ]
      : undefined;
    const source = { type: 'Dockerfile', dockerfile: this.dockerfile, ...(secrets ? { secrets } : {}) };
    const inputs = fingerprint({ source, buildArgs, output });
    this.name = buildConfigName(module.name, kernel, inputs);
    const arch = kernelArchitecture(kernel);

    new ApiObject(this, 'Resource', {
      apiVersion: 'build.openshift.io/v1',
      kind: 'BuildConfig',
      metadata: {
        name: this.name,
        namespace: props.namespace,
        labels: {
          ...props.labels,
          'app.kubernetes.io/name': module.name,
          ...(isLabelValue(module.version) ? { 'app.kubernetes.io/version': module.version } : {}),
          'app.kubernetes.io/component': 'kmod-build',
          [MODULE_LABEL]: module.name,
          ...(isLabelValue(kernel.nfdLabelValue) ? { [KERNEL_LABEL]: kernel.nfdLabelValue } : {}),
        },
        annotations: {
          [KERNEL_ANNOTATION]: kernel.full,
          [OPENSHIFT_RELEASE_LABEL]: release.version.toString(),
          [BUILD_INPUTS_ANNOTATION]: `sha256:${inputs}`,
        },
      },
      spec: {
        runPolicy: 'Serial',
        // With the DTK from the cluster's ImageStream, the tag of a target release's RHCOS appears only when the
        // cluster starts that upgrade: the ImageChange trigger builds then (and again whenever the tag is re-imported).
        triggers: [{ type: 'ConfigChange' }, ...(release.driverToolkitImageStreamTag ? [{
          type: 'ImageChange',
          imageChange: { from: { kind: 'ImageStreamTag', namespace: DTK_IMAGE_STREAM.namespace, name: release.driverToolkitImageStreamTag } },
        }] : [])],
        source,
        strategy: { type: 'Docker', dockerStrategy: { buildArgs } },
        output,
        mountTrustedCA: true,
        ...(arch ? { nodeSelector: { 'kubernetes.io/arch': arch } } : {}),
        successfulBuildsHistoryLimit: 2,
        failedBuildsHistoryLimit: 2,
      },
    });
  }
}

/** sha256 (hex) of a JSON value with sorted keys. */
function fingerprint(value: unknown): string {
  const canonical = JSON.stringify(value, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
    : v));
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * A DNS-1123 label of at most 63 characters: `<module>-<kernel token>-<8 hex of inputs>`. When
 * that is too long the module part is shortened first (to 12 characters), then the kernel token
 * is cut; the hash, taken over the module, the full kernel and the inputs, keeps names distinct.
 */
export function buildConfigName(module: string, kernel: KernelVersion, inputs: string): string {
  const hash = createHash('sha256').update(`${module}\n${kernel.full}\n${inputs}`).digest('hex').slice(0, 8);
  const room = 63 - 1 - hash.length;
  let base = `${module}-${kernel.nameToken}`;
  if (base.length > room) {
    const moduleRoom = Math.max(12, room - 1 - kernel.nameToken.length);
    base = `${module.slice(0, moduleRoom).replace(/-+$/, '')}-${kernel.nameToken}`.slice(0, room).replace(/-+$/, '');
  }
  return `${base}-${hash}`;
}

/** The node architecture a kernel runs on (builds must run there), from its `uname -r` suffix. */
export function kernelArchitecture(kernel: KernelVersion): string | undefined {
  const arch = /\.(x86_64|aarch64|ppc64le|s390x)(\+[A-Za-z0-9]+)?$/.exec(kernel.full)?.[1];
  const map: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64', ppc64le: 'ppc64le', s390x: 's390x' };
  return arch ? map[arch] : undefined;
}

