import { Chart } from 'cdk8s';
import { ModuleBuilds } from '../image/module-builds';
import { ProblemCollector } from '../errors';
import { ClusterIdentityGuard } from '../gitops/cluster-guard';
import { ClusterDestination, ClusterDestinationProps, clusterDestination, destinationProblems } from '../gitops/destination';
import { BootstrapMode } from '../gitops/gitops-props';
import { CLUSTER_LABEL, MANAGED_BY_LABELS } from '../labels';
import { addSynthWarning } from '../warnings';
import { KmmKernelMapping } from '../delivery/kmm/kmm-kernel-mapping';
import { KmmLoaders } from '../delivery/kmm/kmm-loaders';
import { LoaderNamespace } from '../delivery/daemonset/loader-namespace';
import { ModuleLoaders } from '../delivery/daemonset/module-loaders';
import { KernelModule, LoaderKind } from '../module/kernel-module';
import { DNS_LABEL_RULE, isDnsLabel } from '../names';
import { IgnitionVersion } from '../node/ignition-version';
import { checkNodeDisruptionPolicySupport, NodeDisruptionPolicy } from '../node/node-disruption-policy';
import { KernelVersion } from '../release/kernel-version';
import { OpenShiftRelease } from '../release/release-catalog';
import type { Fleet } from './fleet';
import { NodePool, NodePoolProps } from './node-pool';

/** One OpenShift cluster of the fleet. */
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
  /** Install the Node Feature Discovery operator (OLM) and an NFD instance; loader DaemonSets need NFD's kernel label. @default false */
  readonly installNodeFeatureDiscovery?: boolean;
  /** Install the Kernel Module Management operator through OLM (for `loader: kmm` modules). @default false */
  readonly installKmmOperator?: boolean;
  /** How KMM Modules map kernels to images, for modules that do not choose. @default KmmKernelMapping.LITERAL */
  readonly kmmKernelMapping?: KmmKernelMapping;
}

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
 * the fleet size), holding everything that cluster needs. Validation happens in the constructor,
 * so a bad cluster fails before anything is written.
 */
export class Cluster extends Chart {
  public readonly name: string;
  public readonly fleet: Fleet;
  public readonly release: OpenShiftRelease;
  public readonly upgradeTo?: OpenShiftRelease;
  /**
   * Namespace of the loaders, builds and their ServiceAccounts. (Not `namespace`: a Chart's
   * `namespace` is stamped on every object, cluster-scoped ones included.)
   */
  public readonly loaderNamespace: string;
  public readonly defaultLoader: LoaderKind;
  /** Where the GitOps engines apply this cluster's folders (see `ClusterDestinationProps`). */
  public readonly destination: ClusterDestination;
  /** True when the cluster's output installs Node Feature Discovery. */
  public readonly installNodeFeatureDiscovery: boolean;
  /** Pools in name order. */
  public readonly pools: ReadonlyArray<NodePool>;

  constructor(fleet: Fleet, name: string, props: ClusterProps) {
    super(fleet.appForCluster(), name, { labels: { ...MANAGED_BY_LABELS, [CLUSTER_LABEL]: name } });
    const problems = new ProblemCollector(['clusters', name]);
    this.name = name;
    this.fleet = fleet;
    this.loaderNamespace = props.namespace ?? 'kmods-system';
    this.defaultLoader = props.defaultLoader ?? LoaderKind.DAEMONSET;
    this.destination = clusterDestination(fleet.gitops?.bootstrap ?? BootstrapMode.PER_CLUSTER, name, props);
    this.installNodeFeatureDiscovery = props.installNodeFeatureDiscovery ?? false;

    if (!isDnsLabel(name, 40)) problems.add([], 'cluster name must be a DNS label of at most 40 characters', name, DNS_LABEL_RULE);
    if (!isDnsLabel(this.loaderNamespace)) problems.add(['namespace'], 'not a namespace name', this.loaderNamespace, DNS_LABEL_RULE);
    for (const p of destinationProblems(props)) problems.add(p.path, p.message, p.given, p.allowed);
    if (!Object.values(LoaderKind).includes(this.defaultLoader)) {
      problems.add(['defaultLoader'], 'unknown loader', this.defaultLoader, Object.values(LoaderKind).join(', '));
    }
    const release = fleet.releases.tryGet(props.release);
    if (!release) problems.add(['release'], 'release is not in the fleet\'s release catalog', props.release, fleet.releases.versions.join(', ') || 'no releases defined');
    const upgradeTo = props.upgradeTo === undefined ? undefined : fleet.releases.tryGet(props.upgradeTo);
    if (props.upgradeTo !== undefined && !upgradeTo) {
      problems.add(['upgradeTo'], 'release is not in the fleet\'s release catalog', props.upgradeTo, fleet.releases.versions.join(', ') || 'no releases defined');
    }
    if (release && upgradeTo && upgradeTo.version.compare(release.version) <= 0) {
      problems.add(['upgradeTo'], `an upgrade must go to a newer release than ${release.version}`, props.upgradeTo);
    }
    const poolNames = Object.keys(props.pools ?? {}).sort();
    if (poolNames.length === 0) problems.add(['pools'], 'a cluster needs at least one node pool');
    problems.throwIfAny();

    this.release = release!;
    this.upgradeTo = upgradeTo;
    const ignitionVersion = IgnitionVersion.resolve(this.releases, props.ignitionVersion, problems, ['ignitionVersion']);
    if (props.rebootlessModuleFiles) checkNodeDisruptionPolicySupport(this.releases, problems, ['rebootlessModuleFiles']);
    if (props.clusterID !== undefined) {
      for (const r of this.releases.filter((rel) => !rel.version.atLeast(4, 17))) {
        problems.add(['clusterID'], `release ${r.version} has no ValidatingAdmissionPolicy v1 (OpenShift 4.17+), which the identity guard needs`, props.clusterID, 'no clusterID, or releases 4.17 and later');
      }
    }
    problems.throwIfAny();
    if (props.clusterID !== undefined) new ClusterIdentityGuard(this, 'IdentityGuard', { cluster: name, clusterID: props.clusterID });
    else if (fleet.gitops) {
      addSynthWarning(this, 'no clusterID: nothing refuses this cluster\'s objects on another cluster if its bootstrap or destination is aimed wrong; '
        + 'set clusterID (oc get clusterversion version -o jsonpath=\'{.spec.clusterID}\')');
    }
    new LoaderNamespace(this, 'LoaderNamespace', { name: this.loaderNamespace });

    const pools: NodePool[] = [];
    for (const poolName of poolNames) {
      problems.capture(() => {
        pools.push(new NodePool(this, poolName, props.pools[poolName], {
          clusterName: name,
          releases: this.releases,
          findModule: (m) => fleet.modules.tryGet(m),
          labels: MANAGED_BY_LABELS,
          ignitionVersion,
          rebootlessModuleFiles: props.rebootlessModuleFiles ?? false,
        }));
      });
    }
    this.pools = pools;
    checkPoolsAreDisjoint(pools, problems);
    checkPrebuiltCoverage(this.moduleDeployments, problems);
    problems.throwIfAny();
    new ModuleBuilds(this, 'Builds', { cluster: this });
    new ModuleLoaders(this, 'Loaders', { cluster: this, labels: MANAGED_BY_LABELS });
    new KmmLoaders(this, 'Kmm', { cluster: this, installOperator: props.installKmmOperator, kernelMapping: props.kmmKernelMapping, labels: MANAGED_BY_LABELS });
    const rebootlessFiles = pools.flatMap((p) => p.machineConfigs.rebootlessFiles);
    if (rebootlessFiles.length > 0) new NodeDisruptionPolicy(this, 'NodeDisruptionPolicy', { files: rebootlessFiles, labels: MANAGED_BY_LABELS });
  }

  /** The releases the cluster runs: its release, then `upgradeTo` when an upgrade is under way. */
  public get releases(): ReadonlyArray<OpenShiftRelease> {
    return this.upgradeTo ? [this.release, this.upgradeTo] : [this.release];
  }

  /** Every kernel any pool of the cluster runs or will run, without repeats, in release order. */
  public get kernels(): ReadonlyArray<KernelVersion> {
    return uniqueKernels(this.pools.flatMap((p) => p.kernels));
  }

  /** The modules the cluster's pools load, in name order, with their pools and kernels. */
  public get moduleDeployments(): ReadonlyArray<ModuleDeployment> {
    const byName = new Map<string, NodePool[]>();
    for (const pool of this.pools) {
      for (const module of pool.modules) byName.set(module.name, [...(byName.get(module.name) ?? []), pool]);
    }
    return [...byName.keys()].sort().map((moduleName) => {
      const pools = byName.get(moduleName)!;
      const module = pools[0].modules.find((m) => m.name === moduleName)!;
      return {
        module,
        pools,
        kernels: uniqueKernels(pools.flatMap((p) => p.kernels)),
        loader: module.loader ?? this.defaultLoader,
      };
    });
  }
}

function uniqueKernels(kernels: ReadonlyArray<KernelVersion>): KernelVersion[] {
  const seen = new Map<string, KernelVersion>();
  for (const k of kernels) if (!seen.has(k.full)) seen.set(k.full, k);
  return [...seen.values()];
}

/** A node in two custom pools stops the MCO ("belongs to N custom roles"), so selectors must be disjoint. */
function checkPoolsAreDisjoint(pools: ReadonlyArray<NodePool>, problems: ProblemCollector): void {
  for (let i = 0; i < pools.length; i++) {
    for (let j = i + 1; j < pools.length; j++) {
      if (pools[i].canShareNodesWith(pools[j])) {
        problems.add(['pools', pools[j].name, 'nodeSelector'],
          `a node could match both pool "${pools[i].name}" and pool "${pools[j].name}"; the MCO refuses nodes in two custom pools`,
          pools[j].nodeSelector, `a custom role of its own, e.g. node-role.kubernetes.io/${pools[j].name}: "", or a different value of a shared label key`);
      }
    }
  }
}

/** A prebuilt module must name an image for every kernel its pools run or will run. */
function checkPrebuiltCoverage(deployments: ReadonlyArray<ModuleDeployment>, problems: ProblemCollector): void {
  for (const { module, pools } of deployments) {
    if (module.source.kind !== 'prebuilt') continue;
    for (const pool of pools) {
      for (const kernel of pool.kernels) {
        if (module.prebuiltImageFor(kernel.full) === undefined) {
          problems.add(['pools', pool.name, 'modules', pool.modules.indexOf(module)],
            `module "${module.name}" has no prebuilt image for kernel ${kernel.full}`, module.name,
            'a kernel → image entry for this kernel, or an image template with ${KERNEL_FULL_VERSION}');
        }
      }
    }
  }
}
