import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { FleetValidationError, ProblemCollector } from '../errors';
import { DestinationRegistry } from '../gitops/destination';
import { BootstrapMode, GitOpsProps, GitOpsSettings, resolveGitOps } from '../gitops/gitops-props';
import { KernelModule, KernelModuleProps } from '../module/kernel-module';
import { ModuleCatalog } from '../module/module-catalog';
import { ClusterPlan } from '../plan/cluster-plan';
import { ClusterProps } from '../plan/cluster-props';
import { planCluster } from '../plan/plan-cluster';
import { OpenShiftReleaseProps, ReleaseCatalog } from '../release/release-catalog';
import { factsOfCatalogs, FleetFacts } from '../validation/fleet-facts';
import { validateClusterProps, validateFleetProps } from '../validation/validate';
import { Cluster } from './cluster';
import { FleetDefinition, fleetDefinitionOf } from './fleet-definition';

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
 * The root of a fleet description. Each cluster is planned once when it is added (`planCluster`:
 * every check, all problems at once) and rendered once, as a Chart in its own cdk8s App (see
 * `Cluster`):
 * - `addCluster` renders the chart right away and keeps it, so you can add your own objects to
 *   it; synthesis writes that very chart.
 * - `defineCluster` keeps only the plan; synthesis renders the chart, writes it and drops it, so
 *   a large fleet holds one cluster's constructs at a time. The fleet.yaml loader uses it.
 */
export class Fleet extends Construct {
  public readonly releases: ReleaseCatalog;
  public readonly modules: ModuleCatalog;
  /** GitOps settings with defaults filled in, when the fleet has any. */
  public readonly gitops?: GitOpsSettings;
  /** Every cluster's plan, by name. */
  private readonly planMap = new Map<string, ClusterPlan>();
  /** Rendered clusters that are kept (added with `addCluster` or asked for with `cluster()`). */
  private readonly clusterMap = new Map<string, Cluster>();
  /** The one App all clusters share when `appPerCluster` is false. */
  private readonly sharedApp?: App;
  /** What cluster validation reads about the catalogs. */
  private readonly facts: FleetFacts;
  /** The GitOps destinations of the clusters defined so far (no two may share one). */
  private readonly destinations?: DestinationRegistry;
  /** What the fleet was made from, as plain data (undefined when part of it is not). */
  private readonly definitionData?: FleetDefinition;

  constructor(props: FleetProps = {}) {
    super(undefined as unknown as Construct, '');
    validateFleetProps(props, (m) => m instanceof KernelModule);
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
    this.facts = factsOfCatalogs(releases, modules, gitops);
    this.definitionData = fleetDefinitionOf(props);
    if (props.appPerCluster === false) this.sharedApp = new App({ outdir: '.cdk8s-unused' });
  }

  /**
   * Adds a cluster and returns its Chart, rendered now and kept: objects you add to it are
   * synthesized with the cluster's own. Throws a FleetValidationError naming the cluster and
   * field on bad input.
   */
  public addCluster(name: string, props: ClusterProps): Cluster {
    const plan = this.defineCluster(name, props);
    return this.keep(plan);
  }

  /**
   * Adds a cluster by its plan only (validated now); synthesis renders it when it is written and
   * drops it afterwards. Use it for large fleets. Throws like `addCluster`.
   */
  public defineCluster(name: string, props: ClusterProps): ClusterPlan {
    validateClusterProps(name, props, this.facts);
    if (this.planMap.has(name)) {
      throw new FleetValidationError([{ path: ['clusters', name], message: 'a cluster of this name is already in the fleet' }]);
    }
    const plan = planCluster(name, props, { releases: this.releases, modules: this.modules }, this.gitops?.bootstrap ?? BootstrapMode.PER_CLUSTER);
    const shared = this.destinations?.add(plan.destination) ?? [];
    if (shared.length > 0) throw new FleetValidationError(shared.map((p) => ({ ...p, path: ['clusters', name, ...p.path] })));
    this.planMap.set(name, plan);
    return plan;
  }

  /**
   * What the fleet was made from (releases, modules, GitOps props) as plain, structured-clone
   * safe data: a worker thread rebuilds the same catalogs with `new Fleet(fleetPropsOfDefinition(definition))`
   * and renders any cluster plan of this fleet byte for byte as the fleet itself would. Undefined
   * when part of it is not plain data (a subclass of ModuleSource or KernelModule, a function):
   * such a fleet is rendered in-process.
   */
  public get definition(): FleetDefinition | undefined {
    return this.definitionData;
  }

  /** Cluster names, sorted. */
  public get clusterNames(): string[] {
    return [...this.planMap.keys()].sort();
  }

  /** The named cluster's plan. */
  public plan(name: string): ClusterPlan {
    const plan = this.planMap.get(name);
    if (!plan) throw new Error(`no cluster named "${name}" in the fleet`);
    return plan;
  }

  /** Every cluster's plan, in name order. */
  public get plans(): ClusterPlan[] {
    return this.clusterNames.map((n) => this.plan(n));
  }

  /**
   * The named cluster's Chart, kept from now on (so what you add to it is synthesized): the one
   * `addCluster` returned, or for a cluster added with `defineCluster`, rendered now.
   */
  public cluster(name: string): Cluster {
    return this.clusterMap.get(name) ?? this.keep(this.plan(name));
  }

  /** Clusters in name order (renders and keeps those not yet rendered). */
  public get clusters(): Cluster[] {
    return this.clusterNames.map((n) => this.cluster(n));
  }

  /**
   * The Chart synthesis writes for `name`: the kept one, else one rendered for this call only
   * (not kept: garbage once written). @internal
   */
  public chartForSynthesis(name: string): Cluster {
    return this.clusterMap.get(name) ?? this.render(this.plan(name));
  }

  /**
   * The Chart of `plan`, rendered for this call only (not kept). For a render worker thread,
   * whose fleet is rebuilt from this fleet's definition and receives the plans, not the names:
   * every Cluster chart is built here (see `render`). @internal
   */
  public chartForPlan(plan: ClusterPlan): Cluster {
    return this.render(plan);
  }

  /**
   * True when the named cluster's chart is kept (`addCluster`, `cluster()`): it may hold
   * user-added constructs, so incremental synthesis always renders it. @internal
   */
  public keepsChart(name: string): boolean {
    return this.clusterMap.has(name);
  }

  private keep(plan: ClusterPlan): Cluster {
    const cluster = this.render(plan);
    this.clusterMap.set(plan.name, cluster);
    return cluster;
  }

  private render(plan: ClusterPlan): Cluster {
    return new Cluster(this.sharedApp ?? new App({ outdir: '.cdk8s-unused' }), plan, { releases: this.releases, modules: this.modules });
  }
}
