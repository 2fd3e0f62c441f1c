import { KmmKernelMapping } from '../delivery/kmm/kmm-kernel-mapping';
import { ClusterDestinationProps } from '../gitops/destination';
import { LoaderKind } from '../module/kernel-module';
import { KernelType } from '../node/kernel-type';
import type { NvidiaGpuOperatorProps } from '../presets/nvidia-gpu-operator';

/** One OpenShift cluster of the fleet, as the user describes it (fleet.yaml `clusters.<name>`). */
export interface ClusterProps extends ClusterDestinationProps {
  /** The OpenShift release the cluster runs, a key of the fleet's release catalog. */
  readonly release: string;
  /** The release the cluster is upgrading to; its kernels need builds too. @default - no upgrade under way */
  readonly upgradeTo?: string;
  /** Node pools by name. Each becomes a custom MachineConfigPool. */
  readonly pools: Readonly<Record<string, NodePoolProps>>;
  /** Namespace of the loaders, builds and their ServiceAccounts. @default "kmods-system" */
  readonly namespace?: string;
  /** The loader for modules that do not choose one. @default LoaderKind.DAEMONSET */
  readonly defaultLoader?: LoaderKind;
  /** Ignition spec version of the MachineConfigs, e.g. `3.2.0`; at most what every release accepts. @default - the newest every release accepts */
  readonly ignitionVersion?: string;
  /**
   * Apply modprobe.d and modules-load.d changes without rebooting, through a node disruption
   * policy in `MachineConfiguration/cluster` (server-side applied). Needs OpenShift 4.17+ on
   * every release the cluster runs. @default false
   */
  readonly rebootlessModuleFiles?: boolean;
  /** Install the Node Feature Discovery operator (OLM) and an NFD instance, for your workloads (loaders do not need it). @default false */
  readonly installNodeFeatureDiscovery?: boolean;
  /** Install the Kernel Module Management operator through OLM (for `loader: kmm` modules). @default false */
  readonly installKmmOperator?: boolean;
  /** How KMM Modules map kernels to images, for modules that do not choose. @default KmmKernelMapping.LITERAL */
  readonly kmmKernelMapping?: KmmKernelMapping;
  /** NVIDIA GPUs through the GPU Operator (OLM), with a pinned driver per pool (see `NvidiaGpuOperator`). @default - none */
  readonly nvidiaGpuOperator?: NvidiaGpuOperatorProps;
}

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
