import { REBOOTS_POOL_ANNOTATION, REBOOT_REASON_ANNOTATION, REBOOTLESS_ANNOTATION } from '../labels';
import { Construct } from 'constructs';
import * as mco from '../imports/machineconfiguration.openshift.io';
import { ProblemCollector } from '../errors';
import { DNS_LABEL_RULE, isDnsLabel, isDnsSubdomain } from '../names';
import { OpenShiftRelease } from '../release/release-catalog';
import { checkExtensions } from './extensions-catalog';
import { IgnitionConfig, IgnitionConfigObject } from './ignition';
import { IgnitionVersion } from './ignition-version';
import { KernelType } from './kernel-type';
import { ROLE_LABEL } from './machine-config-pool';


/** The MCO refuses MachineConfigs larger than this (`ValidateMachineConfigSize`, etcd request limit). */
export const MAX_MACHINE_CONFIG_BYTES = 1_500_000;

/** What a change to a MachineConfig does to the nodes of its pool. */
export interface MachineConfigDisruption {
  /**
   * Why a change reboots the pool's nodes, e.g. `kernel arguments change the kernel command line`.
   * Required unless `rebootless` is set.
   * @default - no reboot (only with `rebootless`)
   */
  readonly rebootReason?: string;
  /**
   * What the MCO does instead of rebooting, when a node disruption policy covers every change
   * this MachineConfig can make, e.g. `restart systemd-modules-load.service`.
   * @default - the change reboots the pool
   */
  readonly rebootless?: string;
}

export interface MachineConfigProps {
  /** Object name, conventionally `99-<pool>-<concern>`; the MCO merges a pool's MachineConfigs in name order. */
  readonly name: string;
  /** The pool (MCO role) that renders this MachineConfig: `machineconfiguration.openshift.io/role`. */
  readonly pool: string;
  /** The releases the cluster runs (two during an upgrade); the Ignition version and extensions must suit all of them. */
  readonly releases: ReadonlyArray<OpenShiftRelease>;
  /** Ignition spec version. @default - the newest version every release accepts (see IgnitionVersion.forReleases) */
  readonly ignitionVersion?: IgnitionVersion;
  /** Files, units and drop-ins. @default - none (an empty config that only carries the version) */
  readonly config?: IgnitionConfig;
  /** RHCOS extensions (`spec.extensions`). @default - none */
  readonly extensions?: ReadonlyArray<string>;
  /** Kernel arguments (`spec.kernelArguments`), one argument per entry. @default - none */
  readonly kernelArguments?: ReadonlyArray<string>;
  /** Kernel type (`spec.kernelType`); only needed to check extensions when not set here. @default - not set */
  readonly kernelType?: KernelType;
  /** Kernel type of the pool, used to check extensions that depend on it. @default - `kernelType`, else KernelType.DEFAULT */
  readonly poolKernelType?: KernelType;
  /** What a change does to the pool's nodes; shown in annotations. */
  readonly disruption: MachineConfigDisruption;
  /** Extra labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Where the MachineConfig comes from in the fleet description, for error messages. @default ['machineConfigs', name] */
  readonly problemPath?: ReadonlyArray<string | number>;
}

const KARG = /^[\x21-\x7e]+$/;

/**
 * Records problems with kernel arguments: every entry is one printable-ASCII argument (spaces
 * only inside double quotes, quotes balanced), no empty entries, no repeats. The MCO splits
 * entries on white space and passes them to `rpm-ostree kargs`; a newline would corrupt the
 * kernel command line.
 */
export function checkKernelArguments(args: ReadonlyArray<unknown>, problems: ProblemCollector, path: ReadonlyArray<string | number>): void {
  const seen = new Set<string>();
  args.forEach((arg, i) => {
    const rule = 'one argument of printable ASCII, e.g. modprobe.blacklist=nouveau; spaces only inside double quotes';
    if (typeof arg !== 'string' || arg.length === 0) {
      problems.add([...path, i], 'a kernel argument may not be empty', arg, rule);
      return;
    }
    const quotes = (arg.match(/"/g) ?? []).length;
    const outsideQuotes = arg.replace(/"[^"]*"/g, '');
    if (!/^[\x20-\x7e]+$/.test(arg) || quotes % 2 !== 0 || !KARG.test(outsideQuotes || 'x') || arg.startsWith('"')) {
      problems.add([...path, i], 'not a single kernel argument (no newlines, control characters, unquoted spaces or unbalanced quotes)', arg, rule);
    }
    if (seen.has(arg)) problems.add([...path, i], 'kernel argument listed twice', arg);
    seen.add(arg);
  });
}

/**
 * A MachineConfig for one pool: Ignition files and units plus extensions, kernel arguments and
 * kernel type. Everything the MCO would reject after `kubectl apply` has already succeeded
 * (it only fails the pool's render) is checked here instead.
 */
export class MachineConfig extends Construct {
  public readonly name: string;
  public readonly pool: string;
  public readonly ignitionVersion: IgnitionVersion;
  /** The Ignition object in `spec.config`. */
  public readonly renderedConfig: IgnitionConfigObject;
  /** True when a change to this MachineConfig reboots the pool's nodes. */
  public readonly reboots: boolean;

  constructor(scope: Construct, id: string, props: MachineConfigProps) {
    super(scope, id);
    const problems = new ProblemCollector(props.problemPath ?? ['machineConfigs', props.name]);
    this.name = props.name;
    this.pool = props.pool;
    if (!isDnsSubdomain(props.name)) problems.add(['name'], 'not an object name', props.name, DNS_LABEL_RULE);
    if (!isDnsLabel(props.pool)) problems.add(['pool'], 'not a pool name', props.pool, DNS_LABEL_RULE);
    this.ignitionVersion = IgnitionVersion.resolve(props.releases, props.ignitionVersion?.text, problems, ['ignitionVersion']);
    const config = props.config ?? new IgnitionConfig();
    config.check(problems);
    checkKernelArguments(props.kernelArguments ?? [], problems, ['kernelArguments']);
    if (props.kernelType !== undefined && !Object.values(KernelType).includes(props.kernelType)) {
      problems.add(['kernelType'], 'unknown kernel type', props.kernelType, Object.values(KernelType).join(', '));
    }
    checkExtensions(props.extensions ?? [], props.poolKernelType ?? props.kernelType ?? KernelType.DEFAULT, props.releases, problems, ['extensions']);
    const { rebootReason, rebootless } = props.disruption;
    if (!rebootless && !rebootReason) problems.add(['disruption'], 'say why a change reboots the pool, or what a node disruption policy does instead');
    this.reboots = !rebootless;
    problems.throwIfAny();

    this.renderedConfig = config.render(this.ignitionVersion);
    const spec: mco.MachineConfigSpec = {
      config: this.renderedConfig,
      ...((props.extensions ?? []).length > 0 ? { extensions: [...props.extensions!] } : {}),
      ...((props.kernelArguments ?? []).length > 0 ? { kernelArguments: [...props.kernelArguments!] } : {}),
      ...(props.kernelType !== undefined ? { kernelType: props.kernelType } : {}),
    };

    const annotations: Record<string, string> = rebootless
      ? { [REBOOTLESS_ANNOTATION]: rebootless }
      : { [REBOOTS_POOL_ANNOTATION]: props.pool, [REBOOT_REASON_ANNOTATION]: rebootReason! };
    const size = Buffer.byteLength(JSON.stringify(spec), 'utf8');
    if (size > MAX_MACHINE_CONFIG_BYTES) {
      problems.add([], `the machine config is ${size} bytes; the MCO refuses more than ${MAX_MACHINE_CONFIG_BYTES}`, props.name);
      problems.throwIfAny();
    }

    new mco.MachineConfig(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: { ...props.labels, [ROLE_LABEL]: props.pool },
        annotations,
      },
      spec,
    });
  }
}

