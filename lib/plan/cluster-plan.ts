import { KmmKernelMapping } from '../delivery/kmm/kmm-kernel-mapping';
import { ClusterDestination } from '../gitops/destination';
import { LoaderKind } from '../module/kernel-module';
import { KernelType } from '../node/kernel-type';
import type { NvidiaGpuOperatorPlan } from '../presets/nvidia-gpu-operator';

/**
 * What one cluster of the fleet gets, decided once by `planCluster` after every check passed:
 * plain, frozen, JSON-serialisable data (no constructs, no classes). Renderers turn it into
 * objects; the `kmods plan` / `check` commands and the upgrade simulation read it as it is.
 * Modules, releases and kernels are referred to by name / version / `uname -r`; the fleet's
 * catalogs hold their full definitions.
 */
export interface ClusterPlan {
  /** The cluster name (a DNS label; the output folder `clusters/<name>/`). */
  readonly name: string;
  /** The OpenShift release the cluster runs, a key of the fleet's release catalog. */
  readonly release: string;
  /** The release the cluster is upgrading to. @default - no upgrade under way */
  readonly upgradeTo?: string;
  /** `release`, then `upgradeTo` when an upgrade is under way. */
  readonly releases: ReadonlyArray<string>;
  /** Namespace of the loaders, builds and their ServiceAccounts. */
  readonly loaderNamespace: string;
  /** The loader for modules that do not choose one. */
  readonly defaultLoader: LoaderKind;
  /** Pools in name order. */
  readonly pools: ReadonlyArray<PoolPlan>;
  /** Every kernel any pool runs or will run, in release order, without repeats. */
  readonly kernels: ReadonlyArray<KernelPlan>;
  /** The modules the pools load, in name order. */
  readonly modules: ReadonlyArray<ModuleDeploymentPlan>;
  /** The image of every (module, kernel): modules in name order, kernels in release order. */
  readonly images: ReadonlyArray<ModuleImagePlan>;
  /** What the MachineConfigs of every pool need besides the pool itself. */
  readonly node: NodeConfigPlan;
  /** The KMM backend's cluster-wide settings. */
  readonly kmm: KmmPlan;
  /** True when the cluster's output installs Node Feature Discovery. */
  readonly installNodeFeatureDiscovery: boolean;
  /** Where GitOps applies the cluster's folder. */
  readonly destination: DestinationPlan;
  /** The NVIDIA GPU Operator preset, when the cluster uses it. */
  readonly nvidiaGpuOperator?: NvidiaGpuOperatorPlan;
}

/** A kernel the cluster runs or will run. */
export interface KernelPlan {
  /** `uname -r`, e.g. `5.14.0-427.50.1.el9_4.x86_64`. */
  readonly full: string;
  /** The first of the cluster's releases that ships it (its Driver Toolkit builds for it). */
  readonly release: string;
}

/** A node pool: one custom MachineConfigPool and the modules its nodes load. */
export interface PoolPlan {
  readonly name: string;
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** A number ≥ 1 or a percentage. */
  readonly maxUnavailable: number | string;
  readonly kernelType: KernelType;
  readonly extensions: ReadonlyArray<string>;
  readonly kernelArguments: ReadonlyArray<string>;
  /** Catalog module names, in the order the pool lists them. */
  readonly modules: ReadonlyArray<string>;
  /** Kernels (`full`) the pool's nodes run or will run, one per cluster release, in release order. */
  readonly kernels: ReadonlyArray<string>;
}

/** A module as the cluster deploys it. */
export interface ModuleDeploymentPlan {
  /** Catalog module name. */
  readonly module: string;
  /** Names of the pools that load it, in name order. */
  readonly pools: ReadonlyArray<string>;
  /** Every kernel (`full`) of those pools, in release order, without repeats. */
  readonly kernels: ReadonlyArray<string>;
  /** The module's own loader choice, else the cluster default. */
  readonly loader: LoaderKind;
}

/** Who makes the image of one (module, kernel). */
export enum ImageOrigin {
  /** A BuildConfig of this cluster builds it (DaemonSet-loaded module from git or a Dockerfile). */
  BUILT_HERE = 'built-here',
  /** KMM builds it (KMM-loaded module from git or a Dockerfile). */
  BUILT_BY_KMM = 'built-by-kmm',
  /** The vendor's image; nothing is built. */
  PREBUILT = 'prebuilt',
}

/** The image of one (module, kernel) on the cluster. */
export interface ModuleImagePlan {
  readonly module: string;
  /** Kernel `full`. */
  readonly kernel: string;
  readonly origin: ImageOrigin;
  /** Pullable reference loaders use. */
  readonly image: string;
  /** The ImageStream that receives a build into the internal registry. @default - none */
  readonly imageStream?: string;
  /** The kernel as an image tag (as NFD labels it; see `moduleImage`). */
  readonly tag: string;
  /** The ImageStreamTag builds push to (`<stream>:<version>-<kernel tag>`). @default - none */
  readonly imageStreamTag?: string;
}

/** Cluster-wide inputs of the pools' MachineConfigs. */
export interface NodeConfigPlan {
  /** Ignition spec version of the MachineConfigs, e.g. `3.4.0`. */
  readonly ignitionVersion: string;
  /** Apply modprobe.d / modules-load.d changes without a reboot (node disruption policy). */
  readonly rebootlessModuleFiles: boolean;
}

/** The KMM backend's cluster-wide settings. */
export interface KmmPlan {
  /** Install the KMM operator through OLM. */
  readonly installOperator: boolean;
  /** How Modules map kernels to images, for modules that do not choose. */
  readonly kernelMapping: KmmKernelMapping;
}

/** Where GitOps applies the cluster's folders (see `ClusterDestinationProps`). */
export interface DestinationPlan extends ClusterDestination {
  /** The namespace of the cluster's namespaced objects (the loader namespace). */
  readonly namespace: string;
}
