import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { FleetValidationError, ProblemCollector } from '../errors';
import { DestinationRegistry } from '../gitops/destination';
import { GitOpsProps, GitOpsSettings, resolveGitOps } from '../gitops/gitops-props';
import { KernelModule, KernelModuleProps } from '../module/kernel-module';
import { ModuleCatalog } from '../module/module-catalog';
import { OpenShiftReleaseProps, ReleaseCatalog } from '../release/release-catalog';
import { Cluster, ClusterProps } from './cluster';

/** The fleet: release and module catalogs shared by every cluster. */
export interface FleetProps {
  /** The OpenShift releases clusters may run, with their kernels and Driver Toolkit digests. @default - none */
  readonly releases?: ReadonlyArray<OpenShiftReleaseProps>;
  /** The kernel modules pools may load. @default - none */
  readonly modules?: ReadonlyArray<KernelModule | KernelModuleProps>;
  /** How Argo CD and/or Flux apply the cluster folders. @default - no GitOps wiring is generated */
  readonly gitops?: GitOpsProps;
  /**
   * Give each cluster a cdk8s App of its own. Keep the default: cdk8s's own `app.synth()` /
   * `Chart.toJson()` of one App with N charts takes O(N²) time; `false` (all clusters in one
   * App) exists only so the benchmark (bench/) can measure that baseline. @default true
   */
  readonly appPerCluster?: boolean;
  /**
   * Keep every cluster's constructs in memory once added. With `false` the fleet keeps only each
   * cluster's definition (validated when added) and builds the cluster again whenever it is asked
   * for, so synthesis holds one cluster's constructs at a time. Large fleets want `false`: a live
   * tree of thousands of clusters makes V8's garbage collector slow down serialization (measured
   * 2× at 2,000 clusters, see bench/). `appPerCluster: false` implies `true`. @default true
   */
  readonly retainClusters?: boolean;
}

/**
 * The root of a fleet description. Clusters are added with `addCluster`; each cluster is a
 * Chart in its own cdk8s App (see `Cluster`), and `synthesizeFleet` writes them all.
 */
export class Fleet extends Construct {
  public readonly releases: ReleaseCatalog;
  public readonly modules: ModuleCatalog;
  /** GitOps settings with defaults filled in, when the fleet has any. */
  public readonly gitops?: GitOpsSettings;
  /** Every cluster's definition, by name. */
  private readonly clusterProps = new Map<string, ClusterProps>();
  /** Built clusters, kept when `retainClusters` is true. */
  private readonly clusterMap = new Map<string, Cluster>();
  private readonly retainClusters: boolean;
  /** The one App all clusters share when `appPerCluster` is false. */
  private readonly sharedApp?: App;
  /** The GitOps destinations of the clusters added so far (no two may share one). */
  private readonly destinations?: DestinationRegistry;

  constructor(props: FleetProps = {}) {
    super(undefined as unknown as Construct, '');
    const problems = new ProblemCollector();
    let releases = new ReleaseCatalog();
    let modules = new ModuleCatalog();
    problems.capture(() => { releases = new ReleaseCatalog(props.releases ?? []); });
    problems.capture(() => { modules = new ModuleCatalog(props.modules ?? []); });
    let gitops: GitOpsSettings | undefined;
    if (props.gitops !== undefined) problems.capture(() => { gitops = resolveGitOps(props.gitops!); });
    problems.throwIfAny();
    this.gitops = gitops;
    if (gitops) this.destinations = new DestinationRegistry(gitops);
    this.releases = releases;
    this.modules = modules;
    if (props.appPerCluster === false) this.sharedApp = new App({ outdir: '.cdk8s-unused' });
    this.retainClusters = props.retainClusters !== false || this.sharedApp !== undefined;
  }

  /** The App a new cluster's Chart goes into: a fresh one, unless `appPerCluster` is false. @internal */
  public appForCluster(): App {
    return this.sharedApp ?? new App({ outdir: '.cdk8s-unused' });
  }

  /** Adds a cluster; throws a FleetValidationError naming the cluster and field on bad input. */
  public addCluster(name: string, props: ClusterProps): Cluster {
    if (this.clusterProps.has(name)) {
      throw new FleetValidationError([{ path: ['clusters', name], message: 'a cluster of this name is already in the fleet' }]);
    }
    const cluster = new Cluster(this, name, props);
    const shared = this.destinations?.add(cluster.destination) ?? [];
    if (shared.length > 0) throw new FleetValidationError(shared.map((p) => ({ ...p, path: ['clusters', name, ...p.path] })));
    this.clusterProps.set(name, props);
    if (this.retainClusters) this.clusterMap.set(name, cluster);
    return cluster;
  }

  /** Cluster names, sorted. */
  public get clusterNames(): string[] {
    return [...this.clusterProps.keys()].sort();
  }

  /** The named cluster: the one kept since `addCluster`, or (with `retainClusters: false`) a freshly built one. */
  public cluster(name: string): Cluster {
    const kept = this.clusterMap.get(name);
    if (kept) return kept;
    const props = this.clusterProps.get(name);
    if (!props) throw new Error(`no cluster named "${name}" in the fleet`);
    return new Cluster(this, name, props);
  }

  /** Clusters in name order (with `retainClusters: false`, each access builds them all anew). */
  public get clusters(): Cluster[] {
    return this.clusterNames.map((n) => this.cluster(n));
  }
}
