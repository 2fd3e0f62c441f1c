import { App, Chart } from 'cdk8s';
import { ModuleBuilds } from '../image/module-builds';
import { KmmLoaders } from '../delivery/kmm/kmm-loaders';
import { LoaderNamespace } from '../delivery/daemonset/loader-namespace';
import { ModuleLoaders } from '../delivery/daemonset/module-loaders';
import { KernelModule, LoaderKind } from '../module/kernel-module';
import { IgnitionVersion } from '../node/ignition-version';
import { NodeDisruptionPolicy } from '../node/node-disruption-policy';
import { ClusterPlan } from '../plan/cluster-plan';
import { FleetCatalogs, planKernels, planModule, planReleases } from '../plan/fleet-catalogs';
import { KernelVersion } from '../release/kernel-version';
import { OpenShiftRelease } from '../release/release-catalog';
import { ClusterIdentityGuard } from '../gitops/cluster-guard';
import { CLUSTER_LABEL, MANAGED_BY_LABELS } from '../labels';
import { NodePool } from './node-pool';
import { NvidiaGpuOperator } from '../presets/nvidia-gpu-operator';
import { addSynthWarning } from '../warnings';

export type { ClusterProps, NodePoolProps } from '../plan/cluster-props';

/** A module as one cluster deploys it: which pools load it and every kernel it must exist for. */
export interface ModuleDeployment {
  readonly module: KernelModule;
  /** The pools that load the module, in name order. */
  readonly pools: ReadonlyArray<NodePool>;
  /** Every kernel of those pools, in release order, without repeats. */
  readonly kernels: ReadonlyArray<KernelVersion>;
  /** The loader that applies here: the module's own choice, else the cluster default. */
  readonly loader: LoaderKind;
}

export { MANAGED_BY_LABELS };

/**
 * A cluster: a cdk8s Chart in an App of its own (one App per cluster keeps synthesis linear in
 * the fleet size) that renders the cluster's `ClusterPlan` into objects. The plan was validated
 * when it was made (`planCluster`, called by `Fleet.addCluster`), so construction only renders.
 * Add your own objects to it (`new ApiObject(cluster, …)`); they are synthesized with ours.
 */
export class Cluster extends Chart {
  public readonly name: string;
  /** What the cluster gets, as plain data. */
  public readonly plan: ClusterPlan;
  public readonly release: OpenShiftRelease;
  public readonly upgradeTo?: OpenShiftRelease;
  /**
   * Namespace of the loaders, builds and their ServiceAccounts. (Not `namespace`: a Chart's
   * `namespace` is stamped on every object, cluster-scoped ones included.)
   */
  public readonly loaderNamespace: string;
  public readonly defaultLoader: LoaderKind;
  /** Where the GitOps engines apply this cluster's folders (see `ClusterDestinationProps`). */
  public readonly destination: ClusterPlan['destination'];
  /** True when the cluster's output installs Node Feature Discovery. */
  public readonly installNodeFeatureDiscovery: boolean;
  /** Pools in name order. */
  public readonly pools: ReadonlyArray<NodePool>;
  private readonly catalogs: FleetCatalogs;

  /** Renders `plan` (made by `planCluster` from the same catalogs) into a new Chart in `app`. */
  constructor(app: App, plan: ClusterPlan, catalogs: FleetCatalogs) {
    // Every object carries its cluster's name: the identity guard selects on it.
    super(app, plan.name, { labels: { ...MANAGED_BY_LABELS, [CLUSTER_LABEL]: plan.name } });
    this.name = plan.name;
    this.plan = plan;
    this.catalogs = catalogs;
    const releases = planReleases(plan, catalogs);
    this.release = releases[0];
    this.upgradeTo = releases[1];
    this.loaderNamespace = plan.loaderNamespace;
    this.defaultLoader = plan.defaultLoader;
    this.destination = plan.destination;
    this.installNodeFeatureDiscovery = plan.installNodeFeatureDiscovery;

    if (plan.destination.clusterID !== undefined) {
      new ClusterIdentityGuard(this, 'IdentityGuard', { cluster: plan.name, clusterID: plan.destination.clusterID });
    }
    new LoaderNamespace(this, 'LoaderNamespace', { name: plan.loaderNamespace });
    const ignitionVersion = IgnitionVersion.tryParse(plan.node.ignitionVersion)!;
    this.pools = plan.pools.map((pool) => new NodePool(this, pool.name, {
      pool,
      releases,
      modules: pool.modules.map((m) => planModule(catalogs, m)),
      kernels: planKernels(plan, catalogs, pool.kernels),
      ignitionVersion,
      rebootlessModuleFiles: plan.node.rebootlessModuleFiles,
      clusterName: plan.name,
      labels: MANAGED_BY_LABELS,
    }));
    new ModuleBuilds(this, 'Builds', { plan, catalogs });
    new ModuleLoaders(this, 'Loaders', { plan, catalogs, labels: MANAGED_BY_LABELS });
    new KmmLoaders(this, 'Kmm', { plan, catalogs, labels: MANAGED_BY_LABELS });
    if (plan.nvidiaGpuOperator) {
      const gpu = new NvidiaGpuOperator(this, 'NvidiaGpuOperator', { plan: plan.nvidiaGpuOperator, labels: MANAGED_BY_LABELS });
      if (!plan.installNodeFeatureDiscovery) {
        addSynthWarning(gpu, `cluster "${plan.name}": the NVIDIA GPU Operator needs Node Feature Discovery; set installNodeFeatureDiscovery unless NFD is installed another way`);
      }
    }
    const rebootlessFiles = this.pools.flatMap((p) => p.machineConfigs.rebootlessFiles);
    if (rebootlessFiles.length > 0) new NodeDisruptionPolicy(this, 'NodeDisruptionPolicy', { files: rebootlessFiles, labels: MANAGED_BY_LABELS });
  }

  /** The releases the cluster runs: its release, then `upgradeTo` when an upgrade is under way. */
  public get releases(): ReadonlyArray<OpenShiftRelease> {
    return this.upgradeTo ? [this.release, this.upgradeTo] : [this.release];
  }

  /** Every kernel any pool of the cluster runs or will run, without repeats, in release order. */
  public get kernels(): ReadonlyArray<KernelVersion> {
    return planKernels(this.plan, this.catalogs, this.plan.kernels.map((k) => k.full));
  }

  /** The modules the cluster's pools load, in name order, with their pools and kernels (the plan's `modules`, resolved). */
  public get moduleDeployments(): ReadonlyArray<ModuleDeployment> {
    return this.plan.modules.map((d) => ({
      module: planModule(this.catalogs, d.module),
      pools: this.pools.filter((p) => d.pools.includes(p.name)),
      kernels: planKernels(this.plan, this.catalogs, d.kernels),
      loader: d.loader,
    }));
  }
}
