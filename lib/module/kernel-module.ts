import { ProblemCollector } from '../errors';
import { KmmKernelMapping } from '../delivery/kmm/kmm-kernel-mapping';
import { DNS_LABEL_RULE, isDnsLabel, isPositiveIntOrPercent, POSITIVE_INT_OR_PERCENT_RULE } from '../names';
import { validateModuleProps } from '../validation/validate';
import { LoaderKind, LoaderRollout } from './loader-kind';
import { IMAGE_REF, ModuleSource } from './module-source';

export { LoaderKind, LoaderRollout } from './loader-kind';

/** One `.ko` to load, with its parameters. */
export interface KoModule {
  /** Module name as `modprobe` knows it (`nvidia`, `nvidia_uvm`, `mmfs26`). */
  readonly name: string;
  /** Module parameters, `name → value`; values are passed verbatim (quoted) to modprobe. @default - none */
  readonly parameters?: Readonly<Record<string, string>>;
}

/** Secure Boot signing material, kept in Secrets in the loader namespace (never in the output). */
export interface ModuleSigning {
  /** Secret holding the private key under the key `key`. */
  readonly keySecret: string;
  /** Secret holding the public certificate (DER or PEM) under the key `cert`. */
  readonly certSecret: string;
}

/** What to build and load: a third-party kernel module and how it reaches the nodes. */
export interface KernelModuleProps {
  /** Catalog name, a DNS label; names the builds, images and loaders of this module. */
  readonly name: string;
  /** The driver's own version (shown in labels, used to tag images). */
  readonly version: string;
  /** The `.ko` modules to load, first to last; unloaded in reverse. */
  readonly loadOrder: ReadonlyArray<KoModule>;
  /** Where the per-kernel images come from. */
  readonly source: ModuleSource;
  /** Directory inside the module image whose files are copied to the node's firmware path. @default - no firmware */
  readonly firmwarePath?: string;
  /** In-tree modules unloaded before ours loads (e.g. an older in-tree driver). @default - none */
  readonly inTreeModulesToRemove?: ReadonlyArray<string>;
  /** In-tree modules the nodes must never load (modprobe.d blacklist, e.g. `nouveau`). @default - none */
  readonly blacklist?: ReadonlyArray<string>;
  /** Also blacklist on the kernel command line (`modprobe.blacklist=`), which reboots the pool. @default false */
  readonly blacklistOnKernelCommandLine?: boolean;
  /** Host modules to load at boot through `/etc/modules-load.d` (in-tree helpers the driver needs). @default - none */
  readonly loadAtBoot?: ReadonlyArray<string>;
  /** Secure Boot signing of the built modules. @default - not signed */
  readonly signing?: ModuleSigning;
  /** External repository to push built images to, instead of the cluster's internal registry. @default - internal registry ImageStream */
  readonly imageRepository?: string;
  /** Secret (dockerconfigjson) used to push to and pull from `imageRepository`. @default - none */
  readonly imagePullSecret?: string;
  /** Which mechanism loads the module. @default - the cluster's default loader (DaemonSet unless set) */
  readonly loader?: LoaderKind;
  /**
   * Keep the module loaded when its loader pod stops: when the pod is replaced, when the module or
   * a kernel is removed from the fleet, when the DaemonSet is pruned. Set false to unload on stop
   * (and remove the firmware files the loader copied); a module in use then stays loaded and the
   * pod exits with an error. @default true
   */
  readonly keepLoadedOnStop?: boolean;
  /** Keep the loader on a cordoned node (`node.kubernetes.io/unschedulable`), so the module stays loaded during drains. @default true */
  readonly toleratesCordon?: boolean;
  /**
   * How a changed loader rolls out. With `RollingUpdate` the DaemonSet controller replaces
   * `rolloutMaxUnavailable` pods at a time; a replaced pod keeps the module loaded (unless
   * `keepLoadedOnStop: false`), and the new one reloads only when its build differs — and waits,
   * not ready, while the old build is in use, which holds the rollout there. @default LoaderRollout.ROLLING_UPDATE
   */
  readonly rollout?: LoaderRollout;
  /** With the KMM loader: how the Module maps kernels to images. @default - the cluster's `kmmKernelMapping` (literal unless set) */
  readonly kmmKernelMapping?: KmmKernelMapping;
  /** With `LoaderRollout.ROLLING_UPDATE`: nodes reloaded at a time (a number or a percentage). @default 1 */
  readonly rolloutMaxUnavailable?: number | string;
}

const MODULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,55}$/;
const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_.]{0,63}$/;
const PARAMETER_VALUE = /^[\x20-\x7e]{0,1024}$/;
const FIRMWARE_PATH = /^(\/(?!\.{1,2}(\/|$))[A-Za-z0-9._-]+)+$/;

/**
 * Why the kernel would not receive `value` as one parameter value, or undefined when it would.
 * modprobe (kmod, tools/opt.c `options_from_array`) joins parameters with spaces and wraps a
 * value holding a space in double quotes — unless it starts with `"` or `'`; the kernel
 * (kernel/params.c `parse_args` → lib/cmdline.c `next_arg`) splits at whitespace outside double
 * quotes and honours quotes anywhere. So `1" count="7` arrives as `…=1` and `count=7`, and
 * `'a count=7` as `…='a` and `count=7`. Both loaders (DaemonSet and KMM) use modprobe.
 */
export function splitsInKernel(value: string): string | undefined {
  if (value.includes('"')) return 'parameter value must not contain a double quote: the kernel\'s parameter parser honours quotes, so it could set another parameter';
  if (value.startsWith("'") && value.includes(' ')) return 'a parameter value starting with a single quote must not contain spaces: modprobe does not quote it, so the kernel would split it into more parameters';
  return undefined;
}

/** A kernel module definition. Plain data with validation; clusters turn it into objects. */
export class KernelModule {
  /** True when `value` is a kernel module name a loader may pass to modprobe. */
  public static isModuleName(value: string): boolean {
    return MODULE_NAME.test(value);
  }

  /** True when `value` is a valid module parameter name. */
  public static isParameterName(value: string): boolean {
    return PARAMETER_NAME.test(value);
  }

  public readonly name: string;
  public readonly version: string;
  public readonly loadOrder: ReadonlyArray<KoModule>;
  public readonly source: ModuleSource;
  public readonly firmwarePath?: string;
  public readonly inTreeModulesToRemove: ReadonlyArray<string>;
  public readonly blacklist: ReadonlyArray<string>;
  public readonly blacklistOnKernelCommandLine: boolean;
  public readonly loadAtBoot: ReadonlyArray<string>;
  public readonly signing?: ModuleSigning;
  public readonly imageRepository?: string;
  public readonly imagePullSecret?: string;
  /** The loader asked for, or undefined to follow the cluster's default. */
  public readonly loader?: LoaderKind;
  public readonly keepLoadedOnStop: boolean;
  public readonly toleratesCordon: boolean;
  public readonly rollout: LoaderRollout;
  public readonly rolloutMaxUnavailable: number | string;
  /** The KMM kernel mapping asked for, or undefined to follow the cluster's. */
  public readonly kmmKernelMapping?: KmmKernelMapping;

  constructor(props: KernelModuleProps) {
    validateModuleProps(props);
    validateKernelModule(props);
    MODULE_PROPS.set(this, props);
    this.name = props.name;
    this.version = props.version;
    this.loadOrder = props.loadOrder.map((m) => ({ name: m.name, parameters: { ...(m.parameters ?? {}) } }));
    this.source = props.source;
    this.firmwarePath = props.firmwarePath;
    this.inTreeModulesToRemove = [...(props.inTreeModulesToRemove ?? [])];
    this.blacklist = [...(props.blacklist ?? [])];
    this.blacklistOnKernelCommandLine = props.blacklistOnKernelCommandLine ?? false;
    this.loadAtBoot = [...(props.loadAtBoot ?? [])];
    this.signing = props.signing;
    this.imageRepository = props.imageRepository;
    this.imagePullSecret = props.imagePullSecret;
    this.loader = props.loader;
    this.keepLoadedOnStop = props.keepLoadedOnStop ?? true;
    this.toleratesCordon = props.toleratesCordon ?? true;
    this.rollout = props.rollout ?? LoaderRollout.ROLLING_UPDATE;
    this.rolloutMaxUnavailable = props.rolloutMaxUnavailable ?? 1;
    this.kmmKernelMapping = props.kmmKernelMapping;
  }

  /** The first module in `loadOrder`: the one whose presence in `/sys/module` means "loaded". */
  public get primaryModule(): string {
    return this.loadOrder[0].name;
  }

  /** The image for `kernel` when the module is prebuilt, else undefined (it is built on the cluster). */
  public prebuiltImageFor(kernel: string): string | undefined {
    return this.source.imageFor(kernel);
  }
}

/** The props each KernelModule was made from (kept aside, so they are not part of its fields). */
const MODULE_PROPS = new WeakMap<KernelModule, KernelModuleProps>();

/**
 * The props `module` was made from, or undefined when it is a subclass of KernelModule (which
 * may behave differently from a module made from the same props).
 */
export function kernelModuleProps(module: KernelModule): KernelModuleProps | undefined {
  return Object.getPrototypeOf(module) === KernelModule.prototype ? MODULE_PROPS.get(module) : undefined;
}

function validateKernelModule(props: KernelModuleProps): void {
  const problems = new ProblemCollector(['modules', props.name]);
  if (!isDnsLabel(props.name, 40)) problems.add(['name'], 'module name must be a DNS label of at most 40 characters', props.name, DNS_LABEL_RULE);
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]{0,62}$/.test(props.version ?? '')) {
    problems.add(['version'], 'version must be 1-63 letters, digits, ".", "_", "+" or "-"', props.version);
  }
  if (!props.loadOrder || props.loadOrder.length === 0) problems.add(['loadOrder'], 'list at least one .ko module to load');
  const seen = new Set<string>();
  (props.loadOrder ?? []).forEach((m, i) => {
    if (!MODULE_NAME.test(m.name)) {
      problems.add(['loadOrder', i, 'name'], 'not a kernel module name', m.name, "letters, digits, '_' and '-', at most 56 characters");
    }
    const canonical = m.name.replace(/-/g, '_');
    if (seen.has(canonical)) problems.add(['loadOrder', i, 'name'], 'module listed twice', m.name);
    seen.add(canonical);
    for (const [key, value] of Object.entries(m.parameters ?? {})) {
      if (!PARAMETER_NAME.test(key)) {
        problems.add(['loadOrder', i, 'parameters', key], 'not a module parameter name', key, "a letter or '_', then letters, digits, '_' or '.'");
      }
      if (typeof value !== 'string' || !PARAMETER_VALUE.test(value)) {
        problems.add(['loadOrder', i, 'parameters', key], 'parameter value must be a string of printable ASCII (no newlines or control characters), at most 1024 characters', value);
      } else if (splitsInKernel(value)) {
        problems.add(['loadOrder', i, 'parameters', key], splitsInKernel(value)!, value,
          'printable ASCII without double quotes; spaces, single quotes and shell syntax are fine (a value starting with \' must have no spaces)');
      }
    }
  });
  for (const field of ['inTreeModulesToRemove', 'blacklist', 'loadAtBoot'] as const) {
    (props[field] ?? []).forEach((name, i) => {
      if (!MODULE_NAME.test(name)) problems.add([field, i], 'not a kernel module name', name, "letters, digits, '_' and '-'");
    });
  }
  if (props.firmwarePath !== undefined && !FIRMWARE_PATH.test(props.firmwarePath)) {
    problems.add(['firmwarePath'], 'firmware path must be an absolute path of plain segments, none of them "." or ".."', props.firmwarePath, 'e.g. /firmware');
  }
  if (props.signing) {
    for (const key of ['keySecret', 'certSecret'] as const) {
      if (!isDnsLabel(props.signing[key] ?? '', 253)) problems.add(['signing', key], 'must name a Secret', props.signing[key], DNS_LABEL_RULE);
    }
    if (props.source instanceof ModuleSource && !props.source.buildsOnCluster) problems.add(['signing'], 'prebuilt images are signed by their vendor; signing applies only to modules built here');
  }
  if (props.imageRepository !== undefined && !IMAGE_REF.test(props.imageRepository)) {
    problems.add(['imageRepository'], 'not an image repository', props.imageRepository, 'registry/path, e.g. quay.io/acme/kmods');
  }
  if (props.imagePullSecret !== undefined && !isDnsLabel(props.imagePullSecret, 253)) {
    problems.add(['imagePullSecret'], 'must name a Secret', props.imagePullSecret, DNS_LABEL_RULE);
  }
  if (props.rolloutMaxUnavailable !== undefined && !isPositiveIntOrPercent(props.rolloutMaxUnavailable)) {
    problems.add(['rolloutMaxUnavailable'], 'invalid rollout width', props.rolloutMaxUnavailable, POSITIVE_INT_OR_PERCENT_RULE);
  }
  if (props.kmmKernelMapping !== undefined && !Object.values(KmmKernelMapping).includes(props.kmmKernelMapping)) {
    problems.add(['kmmKernelMapping'], 'unknown KMM kernel mapping', props.kmmKernelMapping, Object.values(KmmKernelMapping).join(', '));
  }
  validateSource(props.source, problems);
  problems.throwIfAny();
}

function validateSource(source: ModuleSource, problems: ProblemCollector): void {
  if (!(source instanceof ModuleSource)) {
    problems.add(['source'], 'source is required: ModuleSource.git(...), ModuleSource.dockerfile(...) or ModuleSource.prebuilt(...)');
    return;
  }
  source.validate(problems);
}
