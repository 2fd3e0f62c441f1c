import { Construct } from 'constructs';
import { ProblemCollector } from '../errors';
import { KernelModule } from '../module/kernel-module';
import { DNS_LABEL_RULE, isDnsLabel, isLabelKey, isLabelValue, isPositiveIntOrPercent, LABEL_VALUE_RULE, POSITIVE_INT_OR_PERCENT_RULE } from '../names';
import { KernelType } from '../node/kernel-type';
import { IgnitionVersion } from '../node/ignition-version';
import { checkNodeSelectorRoles, MachineConfigPool } from '../node/machine-config-pool';
import { PoolMachineConfigs, PoolMachineConfigsProps } from '../node/pool-machine-configs';
import { KernelVersion } from '../release/kernel-version';
import { OpenShiftRelease } from '../release/release-catalog';

/** A group of nodes that need the same kernel modules and node settings. */
export interface NodePoolProps {
  /** Labels a node must have to join the pool. @default - `node-role.kubernetes.io/<pool>: ""` */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Nodes updated (drained and rebooted) at a time: a number ≥ 1 or a percentage. @default 1 */
  readonly maxUnavailable?: number | string;
  /** Names of catalog modules the pool's nodes load. @default - none */
  readonly modules?: ReadonlyArray<string>;
  /** The kernel the pool's nodes run. @default KernelType.DEFAULT */
  readonly kernelType?: KernelType;
  /** RHCOS extensions to install on the pool's nodes (e.g. `kernel-devel`). @default - none */
  readonly extensions?: ReadonlyArray<string>;
  /** Extra kernel arguments for the pool's nodes. @default - none */
  readonly kernelArguments?: ReadonlyArray<string>;
}

/** The MCO's own pools; a custom pool may not take their names. */
const RESERVED_POOLS = new Set(['master', 'worker', 'arbiter']);

/** What a pool needs from its cluster to validate and render itself. */
export interface NodePoolContext {
  readonly clusterName: string;
  /** The releases the cluster runs now and (during an upgrade) next. */
  readonly releases: ReadonlyArray<OpenShiftRelease>;
  /** Looks a module up in the fleet's catalog. */
  readonly findModule: (name: string) => KernelModule | undefined;
  /** Labels stamped on the pool's objects. */
  readonly labels: Readonly<Record<string, string>>;
  /** Ignition version of the pool's MachineConfigs (accepted by every release). */
  readonly ignitionVersion: IgnitionVersion;
  /** Apply modprobe.d / modules-load.d changes without a reboot (node disruption policy). */
  readonly rebootlessModuleFiles: boolean;
}

/**
 * A node pool: a custom MachineConfigPool plus the modules its nodes load. The pool name is
 * the MachineConfigPool name and the MCO role of its MachineConfigs.
 */
export class NodePool extends Construct {
  public readonly name: string;
  public readonly nodeSelector: Readonly<Record<string, string>>;
  public readonly maxUnavailable: number | string;
  public readonly kernelType: KernelType;
  public readonly extensions: ReadonlyArray<string>;
  public readonly kernelArguments: ReadonlyArray<string>;
  /** The catalog modules this pool loads, in the order given. */
  public readonly modules: ReadonlyArray<KernelModule>;
  /** Every kernel the pool's nodes run or will run, one per cluster release, in release order. */
  public readonly kernels: ReadonlyArray<KernelVersion>;
  public readonly machineConfigPool: MachineConfigPool;
  /** The pool's MachineConfigs, one per node-setting concern with content. */
  public readonly machineConfigs: PoolMachineConfigs;

  constructor(scope: Construct, name: string, props: NodePoolProps, context: NodePoolContext) {
    super(scope, name);
    const problems = new ProblemCollector(['clusters', context.clusterName, 'pools', name]);
    this.name = name;
    this.nodeSelector = props.nodeSelector ?? { [`node-role.kubernetes.io/${name}`]: '' };
    this.maxUnavailable = props.maxUnavailable ?? 1;
    this.kernelType = props.kernelType ?? KernelType.DEFAULT;
    this.extensions = [...(props.extensions ?? [])];
    this.kernelArguments = [...(props.kernelArguments ?? [])];

    if (!isDnsLabel(name, 50)) problems.add([], 'pool name must be a DNS label of at most 50 characters', name, DNS_LABEL_RULE);
    if (RESERVED_POOLS.has(name)) problems.add([], 'pool name is taken by a built-in MachineConfigPool', name, 'any name but master, worker or arbiter');
    if (Object.keys(this.nodeSelector).length === 0) problems.add(['nodeSelector'], 'an empty node selector would put every node in this pool');
    for (const [key, value] of Object.entries(this.nodeSelector)) {
      if (!isLabelKey(key)) problems.add(['nodeSelector', key], 'not a label key', key, 'optional DNS-subdomain prefix and "/", then a name of at most 63 characters');
      if (typeof value !== 'string' || !isLabelValue(value)) problems.add(['nodeSelector', key], 'not a label value', value, LABEL_VALUE_RULE);
    }
    if (!isPositiveIntOrPercent(this.maxUnavailable)) {
      problems.add(['maxUnavailable'], 'the MCO cannot update 0 nodes at a time (it resets 0 to 1; pause the pool instead)', this.maxUnavailable, POSITIVE_INT_OR_PERCENT_RULE);
    }
    if (!Object.values(KernelType).includes(this.kernelType)) {
      problems.add(['kernelType'], 'unknown kernel type', this.kernelType, Object.values(KernelType).join(', '));
    }

    const kernels: KernelVersion[] = [];
    for (const release of context.releases) {
      const kernel = kernelFor(release, this.kernelType);
      if (kernel) kernels.push(kernel);
      else problems.add(['kernelType'], `release ${release.version} has no ${this.kernelType} kernel in the release catalog`, this.kernelType);
    }
    this.kernels = kernels;

    const modules: KernelModule[] = [];
    (props.modules ?? []).forEach((moduleName, i) => {
      const module = context.findModule(moduleName);
      if (!module) problems.add(['modules', i], 'no such module in the fleet\'s module catalog', moduleName);
      else if (modules.includes(module)) problems.add(['modules', i], 'module listed twice', moduleName);
      else modules.push(module);
    });
    this.modules = modules;
    checkNodeSelectorRoles(this.nodeSelector, problems, ['nodeSelector']);
    const nodeSettings: PoolMachineConfigsProps = {
      pool: name, releases: context.releases, ignitionVersion: context.ignitionVersion, kernelType: this.kernelType,
      extensions: this.extensions, kernelArguments: this.kernelArguments, modules, rebootlessModuleFiles: context.rebootlessModuleFiles,
      labels: context.labels, problemPath: ['clusters', context.clusterName, 'pools', name],
    };
    PoolMachineConfigs.check(nodeSettings, problems);
    problems.throwIfAny();

    this.machineConfigPool = new MachineConfigPool(this, 'MachineConfigPool', {
      name,
      nodeSelector: this.nodeSelector,
      maxUnavailable: this.maxUnavailable,
      labels: context.labels,
    });
    this.machineConfigs = new PoolMachineConfigs(this, 'MachineConfigs', nodeSettings);
  }

  /**
   * True when some valid node could carry the labels of both selectors. Equality selectors are
   * disjoint when they require different values for the same key, or different custom roles
   * (`node-role.kubernetes.io/<role>`, other than `worker`): a node with two custom roles is
   * refused by the MCO anyway, so the role labels of the MCO's custom-pool pattern are exclusive.
   */
  public canShareNodesWith(other: NodePool): boolean {
    const valuesDiffer = Object.entries(this.nodeSelector).some(([key, value]) => key in other.nodeSelector && other.nodeSelector[key] !== value);
    const mine = customRoles(this.nodeSelector);
    const theirs = customRoles(other.nodeSelector);
    return !valuesDiffer && !mine.some((a) => theirs.some((b) => a !== b));
  }
}

function kernelFor(release: OpenShiftRelease, type: KernelType): KernelVersion | undefined {
  switch (type) {
    case KernelType.REALTIME: return release.realtimeKernel;
    case KernelType.SIXTY_FOUR_K_PAGES: return release.kernel64k;
    default: return release.kernel;
  }
}

/** The custom node roles a selector requires (`node-role.kubernetes.io/<role>` keys other than worker). */
function customRoles(selector: Readonly<Record<string, string>>): string[] {
  const prefix = 'node-role.kubernetes.io/';
  return Object.keys(selector).filter((k) => k.startsWith(prefix) && k !== `${prefix}worker`);
}
