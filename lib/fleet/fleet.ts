import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { FleetValidationError, ProblemCollector } from '../errors';
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
  private readonly clusterMap = new Map<string, Cluster>();
  /** The one App all clusters share when `appPerCluster` is false. */
  private readonly sharedApp?: App;

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
    this.releases = releases;
    this.modules = modules;
    if (props.appPerCluster === false) this.sharedApp = new App({ outdir: '.cdk8s-unused' });
  }

  /** The App a new cluster's Chart goes into: a fresh one, unless `appPerCluster` is false. @internal */
  public appForCluster(): App {
    return this.sharedApp ?? new App({ outdir: '.cdk8s-unused' });
  }

  /** Adds a cluster; throws a FleetValidationError naming the cluster and field on bad input. */
  public addCluster(name: string, props: ClusterProps): Cluster {
    if (this.clusterMap.has(name)) {
      throw new FleetValidationError([{ path: ['clusters', name], message: 'a cluster of this name is already in the fleet' }]);
    }
    const cluster = new Cluster(this, name, props);
    this.clusterMap.set(name, cluster);
    return cluster;
  }

  /** Clusters in name order. */
  public get clusters(): Cluster[] {
    return [...this.clusterMap.keys()].sort().map((n) => this.clusterMap.get(n)!);
  }
}
