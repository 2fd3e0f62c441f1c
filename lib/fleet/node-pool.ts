import { Construct } from 'constructs';
import { KernelModule } from '../module/kernel-module';
import { KernelType } from '../node/kernel-type';
import { IgnitionVersion } from '../node/ignition-version';
import { MachineConfigPool } from '../node/machine-config-pool';
import { PoolMachineConfigs } from '../node/pool-machine-configs';
import { PoolPlan } from '../plan/cluster-plan';
import { poolsCanShareNodes } from '../plan/pool-selectors';
import { KernelVersion } from '../release/kernel-version';
import { OpenShiftRelease } from '../release/release-catalog';

export type { NodePoolProps } from '../plan/cluster-props';

/** What a pool renders from: its plan and the catalog definitions it refers to. */
export interface NodePoolRenderProps {
  /** The pool's plan (validated by `planCluster`). */
  readonly pool: PoolPlan;
  /** The cluster's name (for messages). */
  readonly clusterName: string;
  /** The releases the cluster runs now and (during an upgrade) next. */
  readonly releases: ReadonlyArray<OpenShiftRelease>;
  /** The catalog modules of `pool.modules`, in that order. */
  readonly modules: ReadonlyArray<KernelModule>;
  /** The catalog kernels of `pool.kernels`, in that order. */
  readonly kernels: ReadonlyArray<KernelVersion>;
  /** Ignition version of the pool's MachineConfigs (accepted by every release). */
  readonly ignitionVersion: IgnitionVersion;
  /** Apply modprobe.d / modules-load.d changes without a reboot (node disruption policy). */
  readonly rebootlessModuleFiles: boolean;
  /** Labels stamped on the pool's objects. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A node pool: a custom MachineConfigPool plus the MachineConfigs of the modules its nodes load.
 * The pool name is the MachineConfigPool name and the MCO role of its MachineConfigs.
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

  constructor(scope: Construct, id: string, props: NodePoolRenderProps) {
    super(scope, id);
    const { pool } = props;
    this.name = pool.name;
    this.nodeSelector = pool.nodeSelector;
    this.maxUnavailable = pool.maxUnavailable;
    this.kernelType = pool.kernelType;
    this.extensions = pool.extensions;
    this.kernelArguments = pool.kernelArguments;
    this.modules = props.modules;
    this.kernels = props.kernels;
    this.machineConfigPool = new MachineConfigPool(this, 'MachineConfigPool', {
      name: pool.name,
      nodeSelector: pool.nodeSelector,
      maxUnavailable: pool.maxUnavailable,
      labels: props.labels,
    });
    this.machineConfigs = new PoolMachineConfigs(this, 'MachineConfigs', {
      pool: pool.name, releases: props.releases, ignitionVersion: props.ignitionVersion, kernelType: pool.kernelType,
      extensions: pool.extensions, kernelArguments: pool.kernelArguments, modules: props.modules,
      rebootlessModuleFiles: props.rebootlessModuleFiles, labels: props.labels,
      problemPath: ['clusters', props.clusterName, 'pools', pool.name],
    });
  }

  /** True when some valid node could carry the labels of both pools' selectors (see `poolsCanShareNodes`). */
  public canShareNodesWith(other: NodePool): boolean {
    return poolsCanShareNodes(this.nodeSelector, other.nodeSelector);
  }
}
