import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { moduleImage } from '../../image/module-image';
import { FleetValidationError, Problem } from '../../errors';
import { KernelModule } from '../../module/kernel-module';
import { KernelVersion } from '../../release/kernel-version';
import { OpenShiftRelease } from '../../release/release-catalog';
import { KmmKernelMapping } from './kmm-kernel-mapping';
import { KmmContainerSpec, KmmKernelMappingSpec, KmmModprobeSpec, KmmModuleSpec, KmmSignSpec, KmmToleration } from './kmm-module-spec';
import { checkModuleWebhookRules, DEFAULT_DIR_NAME } from './module-webhook-rules';

/** The taint a cordoned node carries; KMM unloads the module from nodes it does not tolerate. */
export const CORDON_TOLERATION: KmmToleration = { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' };

/** KMM substitutes this in `containerImage` and `filesToSign` with the node's kernel release. */
export const KERNEL_FULL_VERSION = '${KERNEL_FULL_VERSION}';

/**
 * What the regexp mapping matches: kernel releases made only of characters an image tag allows,
 * so `${KERNEL_FULL_VERSION}` can be the tag. Realtime kernels (`…+rt`) do not match and get
 * literal mappings with explicit images instead.
 */
export const TAG_SAFE_KERNEL_REGEXP = '^[0-9]+\\.[0-9]+\\.[0-9]+-[0-9A-Za-z._-]+$';
const TAG_SAFE_KERNEL = new RegExp(TAG_SAFE_KERNEL_REGEXP);

/** A kernel a Module must cover and the release that ships it (its Driver Toolkit builds for it). */
export interface KmmKernel {
  readonly kernel: KernelVersion;
  readonly release: OpenShiftRelease;
}

/** Props of `KmmModule`. */
export interface KmmModuleProps {
  /** Module name; with the namespace at most 39 characters. */
  readonly name: string;
  /** Namespace of the Module, its ServiceAccount, Dockerfile ConfigMap and secrets. */
  readonly namespace: string;
  /** What to load. */
  readonly module: KernelModule;
  /** Node labels (one pool's nodeSelector) of the nodes that load the module. */
  readonly selector: Readonly<Record<string, string>>;
  /** The kernels those nodes run or will run, in release order. */
  readonly kernels: ReadonlyArray<KmmKernel>;
  /** How kernels map to images. @default KmmKernelMapping.LITERAL */
  readonly kernelMapping?: KmmKernelMapping;
  /** ServiceAccount of KMM's worker pods (needs the privileged SCC). */
  readonly serviceAccountName: string;
  /** ConfigMap with the Dockerfile, for modules built on the cluster. @default - prebuilt, no build */
  readonly dockerfileConfigMap?: string;
  /**
   * Pass the kernel's release Driver Toolkit image as build arg `DTK_IMAGE` in each literal
   * mapping (for user Dockerfiles that do not use KMM's `DTK_AUTO`). @default false
   */
  readonly dtkImageBuildArg?: boolean;
  /** Where problems are reported in the fleet description. @default [] */
  readonly path?: ReadonlyArray<string | number>;
  /** Labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations. @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A rendered Module spec and the problems met while rendering it (before the webhook rules). */
export interface KmmModuleRendering {
  readonly spec: KmmModuleSpec;
  readonly problems: ReadonlyArray<Problem>;
}

/**
 * A Kernel Module Management `Module` (`kmm.sigs.x-k8s.io/v1beta1`) for one module on one
 * pool's nodes. The spec is rendered, then checked against KMM's webhook rules; any problem
 * throws a FleetValidationError at `path`.
 */
export class KmmModule extends Construct {
  public readonly name: string;
  public readonly spec: KmmModuleSpec;

  constructor(scope: Construct, id: string, props: KmmModuleProps) {
    super(scope, id);
    this.name = props.name;
    const { spec, problems } = renderKmmModuleSpec(props);
    const all = [...problems, ...checkModuleWebhookRules({ name: props.name, namespace: props.namespace, spec }, props.path ?? [])];
    if (all.length > 0) throw new FleetValidationError(all);
    this.spec = spec;
    new ApiObject(this, 'Resource', {
      apiVersion: 'kmm.sigs.x-k8s.io/v1beta1',
      kind: 'Module',
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: { ...props.labels },
        ...(props.annotations ? { annotations: { ...props.annotations } } : {}),
      },
      spec: JSON.parse(JSON.stringify(spec)),
    });
  }
}

/**
 * Renders the Module spec for `props` (pure; exported for tests):
 * - `modprobe`: KMM's `moduleName` is the module loaded LAST (the top of the dependency chain),
 *   `modulesLoadingOrder` is our `loadOrder` reversed (KMM writes `softdep A pre: B`), and only
 *   `moduleName` can take parameters;
 * - `kernelMappings`: literal per kernel with an explicit image from `moduleImage()` (so the
 *   ImageStream tag `<kernel with + as _>` is used as is), or one anchored regexp with
 *   `${KERNEL_FULL_VERSION}` in the image plus literals for kernels that are not tag-safe;
 * - `build` from the Dockerfile ConfigMap, `sign` with KMM's signer, tolerations, pull secret.
 */
export function renderKmmModuleSpec(props: KmmModuleProps): KmmModuleRendering {
  const { module, namespace } = props;
  const path = props.path ?? [];
  const problems: Problem[] = [];
  const add = (message: string, given?: unknown, allowed?: string): void => {
    problems.push({ path, message: `KMM Module "${namespace}/${props.name}": ${message}`, given, allowed });
  };
  const built = module.source.buildsOnCluster;
  if (built && props.dockerfileConfigMap === undefined) add('a module built on the cluster needs its Dockerfile ConfigMap');

  const modprobe = renderModprobe(module, add);
  const mode = props.kernelMapping ?? KmmKernelMapping.LITERAL;
  const buildFor = (release: OpenShiftRelease): KmmKernelMappingSpec['build'] => (built && props.dtkImageBuildArg ? {
    dockerfileConfigMap: { name: props.dockerfileConfigMap! },
    buildArgs: [{ name: 'DTK_IMAGE', value: release.driverToolkitImage }],
  } : undefined);
  const literal = ({ kernel, release }: KmmKernel): KmmKernelMappingSpec => {
    const build = buildFor(release);
    return { literal: kernel.full, containerImage: moduleImage(module, kernel, namespace).image, ...(build ? { build } : {}) };
  };

  const kernelMappings: KmmKernelMappingSpec[] = [];
  if (mode === KmmKernelMapping.REGEXP) {
    const template = imageTemplate(module, namespace);
    const explicit = module.source.explicitImages;
    for (const k of props.kernels) {
      if (template === undefined || !TAG_SAFE_KERNEL.test(k.kernel.full) || k.kernel.full in explicit) kernelMappings.push(literal(k));
    }
    if (template !== undefined) {
      if (built && props.dtkImageBuildArg) {
        add('a regexp mapping builds for kernels of releases we do not know, so the Dockerfile must use KMM\'s DTK_AUTO build arg',
          'a Dockerfile without DTK_AUTO', 'ARG DTK_AUTO / FROM ${DTK_AUTO} in the Dockerfile, or kmmKernelMapping: literal');
      }
      kernelMappings.push({ regexp: TAG_SAFE_KERNEL_REGEXP, containerImage: template });
    }
  } else if (mode === KmmKernelMapping.LITERAL) {
    kernelMappings.push(...props.kernels.map(literal));
  } else {
    add('unknown kmmKernelMapping', mode, Object.values(KmmKernelMapping).join(', '));
  }

  const container: KmmContainerSpec = {
    modprobe,
    kernelMappings,
    ...(built && props.dockerfileConfigMap !== undefined && !props.dtkImageBuildArg
      ? { build: { dockerfileConfigMap: { name: props.dockerfileConfigMap } } } : {}),
    ...(built && module.signing ? { sign: renderSign(module) } : {}),
    ...(module.inTreeModulesToRemove.length > 0 ? { inTreeModulesToRemove: [...module.inTreeModulesToRemove] } : {}),
  };
  if (module.imagePullSecret !== undefined && built && module.imageRepository === undefined) {
    add('imagePullSecret becomes the Module\'s imageRepoSecret, which replaces the builder\'s credentials for the internal registry, so KMM could not push the build',
      module.imagePullSecret, 'imageRepository with imagePullSecret, or no imagePullSecret for internal-registry builds');
  }
  const spec: KmmModuleSpec = {
    selector: { ...props.selector },
    moduleLoader: { serviceAccountName: props.serviceAccountName, container },
    ...(module.imagePullSecret !== undefined ? { imageRepoSecret: { name: module.imagePullSecret } } : {}),
    ...(module.toleratesCordon ? { tolerations: [{ ...CORDON_TOLERATION }] } : {}),
  };
  return { spec, problems };
}

function renderModprobe(module: KernelModule, add: (message: string, given?: unknown, allowed?: string) => void): KmmModprobeSpec {
  const order = module.loadOrder;
  const top = order[order.length - 1];
  order.slice(0, -1).forEach((ko) => {
    if (Object.keys(ko.parameters ?? {}).length > 0) {
      add(`KMM passes parameters only to its moduleName, the last module of loadOrder ("${top.name}"); "${ko.name}" has parameters`,
        ko.parameters, 'parameters on the last loadOrder entry only, or loader: daemonset');
    }
  });
  const parameters = Object.entries(top.parameters ?? {}).map(([key, value]) => {
    // Values that the kernel would split (double quotes) are refused where the module is defined (splitsInKernel).
    return /\s/.test(value) ? `${key}="${value}"` : `${key}=${value}`;
  });
  return {
    moduleName: top.name,
    dirName: DEFAULT_DIR_NAME,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(module.firmwarePath !== undefined ? { firmwarePath: module.firmwarePath } : {}),
    ...(order.length > 1 ? { modulesLoadingOrder: order.map((ko) => ko.name).reverse() } : {}),
  };
}

/**
 * KMM signs the modules in the built image: every `.ko` where our git build installs them
 * (`/opt/lib/modules/<kernel>/extra/`), or directly under `/opt/lib/modules/<kernel>/` for a
 * user Dockerfile. Keys come from the Secrets named in `signing` (keys `key` and `cert`).
 */
function renderSign(module: KernelModule): KmmSignSpec {
  const dir = `${DEFAULT_DIR_NAME}/lib/modules/${KERNEL_FULL_VERSION}${module.source.modulesSubdir}`;
  return {
    keySecret: { name: module.signing!.keySecret },
    certSecret: { name: module.signing!.certSecret },
    filesToSign: [`${dir}/*.ko`],
  };
}

/** A kernel release no real kernel has, used to turn `moduleImage()` into a `${KERNEL_FULL_VERSION}` template. */
const SENTINEL_KERNEL = KernelVersion.parse('0.0.0-cdk8s.kmods.sentinel');

/**
 * The module's image with `${KERNEL_FULL_VERSION}` as the kernel, derived from `moduleImage()`
 * so it names exactly what builds and loaders use; undefined when the module has no template
 * (a prebuilt module with only a kernel → image map).
 */
export function imageTemplate(module: KernelModule, namespace: string): string | undefined {
  if (!module.source.hasImageTemplate) return undefined;
  return moduleImage(module, SENTINEL_KERNEL, namespace).image.split(SENTINEL_KERNEL.full).join(KERNEL_FULL_VERSION);
}
