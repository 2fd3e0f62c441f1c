import { Construct } from 'constructs';
import { ProblemCollector } from '../errors';
import { KernelModule } from '../module/kernel-module';
import { OpenShiftRelease } from '../release/release-catalog';
import { checkExtensions } from './extensions-catalog';
import { IgnitionConfig } from './ignition';
import { IgnitionVersion } from './ignition-version';
import { KernelType } from './kernel-type';
import { checkKernelArguments, MachineConfig, MachineConfigDisruption } from './machine-config';
import { NodeDisruptionAction, NodeDisruptionFilePolicy } from './node-disruption-policy';

/** The modprobe.d file holding a pool's blacklist of in-tree modules. */
export const BLACKLIST_FILE = '/etc/modprobe.d/cdk8s-kmods-blacklist.conf';
/** The modules-load.d file listing the host modules a pool loads at boot. */
export const MODULES_LOAD_FILE = '/etc/modules-load.d/cdk8s-kmods.conf';

/** The node-setting concerns of a pool, each in a MachineConfig of its own named `99-<pool>-<concern>`. */
export enum PoolConcern {
  /** `/etc/modprobe.d` blacklist of in-tree modules that conflict with the pool's modules. */
  BLACKLIST = 'blacklist',
  /** RHCOS extensions. */
  EXTENSIONS = 'extensions',
  /** Kernel arguments (the pool's own, then `modprobe.blacklist=`). */
  KERNEL_ARGUMENTS = 'kernel-arguments',
  /** A realtime or 64k-pages kernel. */
  KERNEL_TYPE = 'kernel-type',
  /** `/etc/modules-load.d` entries for host modules loaded at boot. */
  MODULES_LOAD = 'modules-load',
}

export interface PoolMachineConfigsProps {
  /** Pool name: the MCO role of the MachineConfigs. */
  readonly pool: string;
  /** The releases the cluster runs (two during an upgrade). */
  readonly releases: ReadonlyArray<OpenShiftRelease>;
  /** Ignition spec version. @default - the newest version every release accepts */
  readonly ignitionVersion?: IgnitionVersion;
  /** The pool's kernel. @default KernelType.DEFAULT */
  readonly kernelType?: KernelType;
  /** RHCOS extensions. @default - none */
  readonly extensions?: ReadonlyArray<string>;
  /** The pool's own kernel arguments. @default - none */
  readonly kernelArguments?: ReadonlyArray<string>;
  /** The modules the pool loads; their blacklists and boot-time modules become node settings. @default - none */
  readonly modules?: ReadonlyArray<KernelModule>;
  /**
   * Apply modprobe.d and modules-load.d changes without a reboot through the cluster's node
   * disruption policy (the caller checks that every release supports it and emits the policy
   * from `rebootlessFiles`). @default false
   */
  readonly rebootlessModuleFiles?: boolean;
  /** Extra labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Location of the pool in the fleet description. @default ['pools', pool] */
  readonly problemPath?: ReadonlyArray<string | number>;
}

/** Module names as the kernel compares them ('-' and '_' are the same). */
function canonical(name: string): string {
  return name.replace(/-/g, '_');
}

/**
 * The MachineConfigs of one pool, one per concern with content (`99-<pool>-blacklist`,
 * `-extensions`, `-kernel-arguments`, `-kernel-type`, `-modules-load`), so a change to one concern
 * rewrites one object. Each carries the pool's role label and says in annotations whether and
 * why a change reboots the pool.
 */
export class PoolMachineConfigs extends Construct {
  /**
   * Records every problem with the pool's node settings, at paths relative to the pool:
   * extensions for every release, kernel-devel with a non-default kernel, kernel arguments, and
   * modules that blacklist what another module of the pool loads.
   */
  public static check(props: PoolMachineConfigsProps, problems: ProblemCollector): void {
    const kernelType = props.kernelType ?? KernelType.DEFAULT;
    checkExtensions(props.extensions ?? [], kernelType, props.releases, problems, ['extensions']);
    checkKernelArguments(props.kernelArguments ?? [], problems, ['kernelArguments']);
    const modules = props.modules ?? [];
    const loaders = new Map<string, string>();
    for (const module of modules) {
      for (const ko of module.loadOrder) loaders.set(canonical(ko.name), module.name);
      for (const name of module.loadAtBoot) if (!loaders.has(canonical(name))) loaders.set(canonical(name), module.name);
    }
    modules.forEach((module, i) => {
      for (const name of module.blacklist) {
        const loader = loaders.get(canonical(name));
        if (loader !== undefined) {
          problems.add(['modules', i], `module "${module.name}" blacklists ${name}, which module "${loader}" loads in this pool`, name,
            'blacklists of in-tree modules that no module of the pool loads');
        }
      }
    });
  }

  /** The MachineConfigs, in name order. */
  public readonly machineConfigs: ReadonlyArray<MachineConfig>;
  /** Node disruption policy entries for the module files this pool writes (empty unless rebootless). */
  public readonly rebootlessFiles: ReadonlyArray<NodeDisruptionFilePolicy>;

  constructor(scope: Construct, id: string, props: PoolMachineConfigsProps) {
    super(scope, id);
    const problemPath = props.problemPath ?? ['pools', props.pool];
    const problems = new ProblemCollector(problemPath);
    PoolMachineConfigs.check(props, problems);
    problems.throwIfAny();

    const pool = props.pool;
    const kernelType = props.kernelType ?? KernelType.DEFAULT;
    const modules = props.modules ?? [];
    const rebootless = props.rebootlessModuleFiles ?? false;
    const machineConfigs: MachineConfig[] = [];
    const rebootlessFiles: NodeDisruptionFilePolicy[] = [];
    const add = (concern: PoolConcern, disruption: MachineConfigDisruption, content: {
      config?: IgnitionConfig; extensions?: ReadonlyArray<string>; kernelArguments?: ReadonlyArray<string>; kernelType?: KernelType;
    }) => {
      machineConfigs.push(new MachineConfig(this, concern, {
        name: `99-${pool}-${concern}`,
        pool,
        releases: props.releases,
        ignitionVersion: props.ignitionVersion,
        poolKernelType: kernelType,
        disruption,
        labels: props.labels,
        problemPath,
        ...content,
      }));
    };

    // Blacklist: in-tree modules that must never load, with the modules that asked for them.
    const blacklist = new Map<string, string[]>();
    for (const module of modules) {
      for (const name of module.blacklist) blacklist.set(name, [...(blacklist.get(name) ?? []), module.name]);
    }
    if (blacklist.size > 0) {
      const lines = [`# Generated by cdk8s-kmods for pool ${pool}: in-tree modules that conflict with its kernel modules.`];
      for (const name of [...blacklist.keys()].sort()) lines.push(`# ${name}: conflicts with ${blacklist.get(name)!.join(', ')}`, `blacklist ${name}`);
      const action = NodeDisruptionAction.none();
      add(PoolConcern.BLACKLIST, rebootless
        ? { rebootless: `${action.describe()}: the blacklist applies to later module loads on pool ${pool} (node disruption policy in MachineConfiguration/cluster)` }
        : { rebootReason: `file ${BLACKLIST_FILE} changes` },
      { config: new IgnitionConfig().addFile({ path: BLACKLIST_FILE, contents: `${lines.join('\n')}\n`, mode: 0o644 }) });
      if (rebootless) rebootlessFiles.push({ path: BLACKLIST_FILE, actions: [action] });
    }

    if ((props.extensions ?? []).length > 0) {
      add(PoolConcern.EXTENSIONS, { rebootReason: 'extensions are installed with rpm-ostree' }, { extensions: props.extensions });
    }

    const commandLineBlacklist = [...new Set(modules.filter((m) => m.blacklistOnKernelCommandLine).flatMap((m) => m.blacklist))].sort();
    const kernelArguments = [...(props.kernelArguments ?? [])];
    if (commandLineBlacklist.length > 0) kernelArguments.push(`modprobe.blacklist=${commandLineBlacklist.join(',')}`);
    if (kernelArguments.length > 0) {
      add(PoolConcern.KERNEL_ARGUMENTS, { rebootReason: 'kernel arguments change the kernel command line' }, { kernelArguments });
    }

    if (kernelType !== KernelType.DEFAULT) {
      add(PoolConcern.KERNEL_TYPE, { rebootReason: `the pool boots the ${kernelType} kernel` }, { kernelType });
    }

    const loadAtBoot: string[] = [];
    for (const module of modules) {
      for (const name of module.loadAtBoot) if (!loadAtBoot.some((n) => canonical(n) === canonical(name))) loadAtBoot.push(name);
    }
    if (loadAtBoot.length > 0) {
      const contents = `# Generated by cdk8s-kmods for pool ${pool}: host modules loaded at boot by systemd-modules-load.service.\n${loadAtBoot.join('\n')}\n`;
      const action = NodeDisruptionAction.restart('systemd-modules-load.service');
      add(PoolConcern.MODULES_LOAD, rebootless
        ? { rebootless: `${action.describe()} on pool ${pool} (node disruption policy in MachineConfiguration/cluster)` }
        : { rebootReason: `file ${MODULES_LOAD_FILE} changes` },
      { config: new IgnitionConfig().addFile({ path: MODULES_LOAD_FILE, contents, mode: 0o644 }) });
      if (rebootless) rebootlessFiles.push({ path: MODULES_LOAD_FILE, actions: [action] });
    }

    this.machineConfigs = machineConfigs;
    this.rebootlessFiles = rebootlessFiles;
  }
}
