import { ApiObject, Chart, Yaml } from 'cdk8s';
import { Cluster } from '../fleet/cluster';
import { Fleet } from '../fleet/fleet';
import { applyGitOpsPolicy } from '../gitops/annotate';
import { clusterFolderParts, splitClusterObjects } from '../gitops/cluster-layout';
import { GitOpsEngine } from '../gitops/gitops-props';
import { annotatePoolMachineConfigs } from '../gitops/pool-rollout';
import { gitOpsClusterOf, GitOpsCluster, renderGitOps } from '../gitops/render-gitops';
import { synthWarnings } from '../warnings';
import { renderKustomization } from './kustomization';
import { Manifest, manifestFileName } from './manifest';
import { checkObjectSizes } from '../validation/object-size';
import { contentHash } from './input-hash';
import { checkManifests } from './output-checks';
import { ProgressListener, SynthesisStage } from './progress';

/** Every file of the fleet's output, by path relative to the output folder, in a stable order. */
export interface RenderedFleet {
  readonly files: ReadonlyMap<string, string>;
  /** Objects per cluster, in file-name order. */
  readonly clusters: ReadonlyMap<string, ReadonlyArray<Manifest>>;
}

/** Thrown when rendered objects fail the output checks (a generator bug, not bad input). */
export class OutputCheckError extends Error {
  constructor(public readonly errors: ReadonlyArray<string>) {
    super(`generated objects failed the output checks:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
    this.name = 'OutputCheckError';
  }
}

/** Options of `renderFleet`. */
export interface RenderFleetOptions {
  /** Called with stage RENDER before the first cluster and after each one. @default - no progress events */
  readonly onProgress?: ProgressListener;
}

/** Options of `emitFleetFiles`. */
export interface EmitFleetFilesOptions extends RenderFleetOptions {
  /** Receives each file (path relative to the output folder, content) as soon as it is rendered. */
  readonly onFile: (relativePath: string, content: string) => void;
  /** Receives each cluster's objects, in file-name order, after its files. @default - not needed */
  readonly onCluster?: (cluster: string, manifests: ReadonlyArray<Manifest>) => void;
  /** Folders of the previous output to carry over instead of rendering them. @default - render everything */
  readonly carryOver?: CarryOver;
}

/**
 * Lets `emitFleetFiles` skip what is unchanged since the previous output (see synthesizeFleet):
 * each call either carries the previous files over into the new output (and says what they held)
 * or returns undefined, and the part is rendered.
 */
export interface CarryOver {
  /** Before cluster `name` is rendered: its carried-over record, or undefined to render it. */
  cluster(name: string): CarriedCluster | undefined;
  /** Before the GitOps wiring is rendered, with the hash of its inputs: the files carried over, or undefined to render it. */
  gitops(inputsHash: string): number | undefined;
}

/** What a carried-over cluster folder holds. */
export interface CarriedCluster {
  /** Key of `views` in the previous state. */
  readonly view: string;
  /** What the GitOps wiring reads of the cluster's objects. */
  readonly views: ReadonlyArray<Manifest>;
  readonly warnings: ReadonlyArray<string>;
  /** Object files (the kustomization.yaml not counted). */
  readonly objects: number;
  /** Every file of the folder and its sub-folders, kustomization.yaml files included. */
  readonly files: number;
}

/** What the GitOps wiring read of one cluster, and the cluster's warnings. */
export interface EmittedCluster {
  /** Content hash of `views` in `EmittedFleet.views`. */
  readonly view: string;
  readonly warnings: ReadonlyArray<string>;
  /** True when the folder was carried over from the previous output. */
  readonly carried: boolean;
}

/** What `emitFleetFiles` produced. */
export interface EmittedFleet {
  /** Things that synthesized but a reviewer should see (e.g. images referenced by tag, not digest). */
  readonly warnings: ReadonlyArray<string>;
  readonly clusters: number;
  readonly objects: number;
  readonly files: number;
  /** Per cluster, in name order. */
  readonly perCluster: ReadonlyMap<string, EmittedCluster>;
  /** The clusters' views, by content hash. */
  readonly views: ReadonlyMap<string, ReadonlyArray<Manifest>>;
  /** Hash of the GitOps wiring's inputs. @default - the fleet has no GitOps wiring */
  readonly gitopsInputs?: string;
}

/** Options of `renderClusterManifests`. */
export interface RenderClusterOptions {
  /** Annotate objects for these GitOps engines (sync waves, prune protection, pool rollouts). @default - no GitOps annotations */
  readonly gitopsEngines?: ReadonlyArray<GitOpsEngine>;
}

/**
 * The resolved objects of one cluster: what `cluster.toJson()` returns, in construct order, with
 * the GitOps annotations (sync waves, prune protection, the MachineConfigs each pool waits for)
 * of `options.gitopsEngines`, when given.
 * Like cdk8s, it first runs every construct's validations (throwing the same "Validation
 * failed" error), then renders each ApiObject whose closest Chart is the cluster with
 * `ApiObject.toJson()` (resolving, sanitizing, JSON patches). It skips what `Chart.toJson()`
 * adds on top: building the App's dependency graph for every chart, which only orders the
 * objects — we write one file per object, sorted by file name. That graph was ~10% of
 * synthesis time (bench/) and is what makes one App with many charts O(N²).
 */
export function renderClusterManifests(cluster: Cluster, options: RenderClusterOptions = {}): Manifest[] {
  const constructs = cluster.node.findAll();
  const errors = constructs.flatMap((c) => c.node.validate().map((e) => `[${c.node.path}] ${e}`));
  if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  const manifests = constructs
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === cluster)
    .map((o) => o.toJson() as Manifest);
  const engines = options.gitopsEngines;
  if (engines === undefined) return manifests;
  return annotatePoolMachineConfigs(manifests.map((m) => {
    try {
      return applyGitOpsPolicy(m, engines) as Manifest;
    } catch (e) {
      throw new Error(`cluster "${cluster.name}": ${m.kind} ${m.metadata?.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }));
}

/**
 * Renders the fleet one cluster at a time and hands every file to `onFile` as soon as it is
 * rendered (`clusters/<cluster>/<file>.yaml` per object plus a `kustomization.yaml` per
 * cluster, then the GitOps wiring under `argocd/` and `flux/`), so a caller can write as it goes
 * and never hold the whole output (only the objects, when the fleet has GitOps wiring). Output-check
 * failures of all clusters are collected and thrown as one OutputCheckError at the end, after
 * the last file: a caller that writes must stage (see StagedDirectory) and discard on error.
 */
export function emitFleetFiles(fleet: Fleet, options: EmitFleetFilesOptions): EmittedFleet {
  const errors: string[] = [];
  const names = fleet.clusterNames;
  const report = options.onProgress;
  const warnings: string[] = [];
  const gitopsClusters: GitOpsCluster[] = [];
  let objects = 0;
  let files = 0;
  const gitopsInputs = fleet.gitops ? new Map<string, ReadonlyArray<Manifest>>() : undefined;
  report?.({ stage: SynthesisStage.RENDER, clustersDone: 0, clustersTotal: names.length });
  const perCluster = new Map<string, EmittedCluster>();
  const views = new Map<string, ReadonlyArray<Manifest>>();
  names.forEach((name, i) => {
    const carried = options.carryOver?.cluster(name);
    if (carried) {
      warnings.push(...carried.warnings);
      gitopsClusters.push(gitOpsClusterOf(fleet.plan(name)));
      if (gitopsInputs) gitopsInputs.set(name, carried.views);
      views.set(carried.view, carried.views);
      perCluster.set(name, { view: carried.view, warnings: carried.warnings, carried: true });
      objects += carried.objects;
      files += carried.files;
      report?.({ stage: SynthesisStage.RENDER, clustersDone: i + 1, clustersTotal: names.length });
      return;
    }
    // One cluster at a time: unless the user kept its chart (addCluster / cluster()), it is
    // rendered from its plan for this turn only and garbage afterwards.
    const cluster = fleet.chartForSynthesis(name);
    const manifests = renderClusterManifests(cluster, { gitopsEngines: fleet.gitops?.engines });
    const clusterWarnings = [...synthWarnings(cluster)];
    if (fleet.gitops && cluster.plan.destination.clusterID === undefined) {
      clusterWarnings.push(`${cluster.name}: no clusterID: nothing refuses this cluster's objects on another cluster if its bootstrap or destination is aimed wrong; `
        + 'set clusterID (oc get clusterversion version -o jsonpath=\'{.spec.clusterID}\')');
    }
    warnings.push(...clusterWarnings);
    gitopsClusters.push(gitOpsClusterOf(cluster.plan));
    const clusterErrors = [...checkManifests(`cluster "${cluster.name}"`, manifests), ...checkObjectSizes(`cluster "${cluster.name}"`, manifests)];
    errors.push(...clusterErrors);
    // Objects that failed the checks (e.g. a kind of unknown scope) cannot be placed in folders.
    if (clusterErrors.length > 0) return;
    // With GitOps wiring, setup/ (identity guard, operator installs) is applied first and node/
    // holds node-level objects when they sync in maintenance windows. Without it, one folder holds
    // everything, so `oc apply -k dist/clusters/<cluster>` applies the whole cluster.
    const folders = fleet.gitops
      ? splitClusterObjects(manifests, { nodeFolder: fleet.gitops.nodeSync !== undefined })
      : { setup: [], node: [], main: manifests };
    const all: Manifest[] = [];
    for (const [sub, part] of clusterFolderParts(folders)) {
      const dir = sub ? `clusters/${cluster.name}/${sub}` : `clusters/${cluster.name}`;
      const byFile = part.map((m) => [manifestFileName(m), m] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [file, manifest] of byFile) options.onFile(`${dir}/${file}`, Yaml.stringify(manifest));
      options.onFile(`${dir}/kustomization.yaml`, renderKustomization(byFile.map(([file]) => file)));
      all.push(...byFile.map(([, m]) => m));
      files += byFile.length + 1;
    }
    options.onCluster?.(cluster.name, all);
    const view = all.map(gitOpsView);
    const viewHash = contentHash(view) ?? '';
    if (!views.has(viewHash)) views.set(viewHash, view);
    if (gitopsInputs) gitopsInputs.set(cluster.name, views.get(viewHash)!);
    perCluster.set(name, { view: viewHash, warnings: clusterWarnings, carried: false });
    objects += all.length;
    report?.({ stage: SynthesisStage.RENDER, clustersDone: i + 1, clustersTotal: names.length });
  });
  if (errors.length > 0) throw new OutputCheckError(errors);
  // The GitOps wiring is derived from every cluster's objects (whitelists, RBAC, health checks):
  // its inputs are the settings, each cluster's destination and each cluster's view.
  const gitopsHash = gitopsInputs ? contentHash({
    settings: fleet.gitops,
    clusters: gitopsClusters.map((c) => [c, perCluster.get(c.name)!.view]),
  }) : undefined;
  const carriedGitOps = gitopsHash !== undefined ? options.carryOver?.gitops(gitopsHash) : undefined;
  if (carriedGitOps !== undefined) files += carriedGitOps;
  for (const [file, object] of gitopsInputs && carriedGitOps === undefined ? renderGitOps(fleet.gitops, gitopsInputs, gitopsClusters) : []) {
    const isKustomization = object.kind === 'Kustomization' && object.apiVersion === 'kustomize.config.k8s.io/v1beta1';
    if (!isKustomization && !file.includes('/health-checks/')) errors.push(...checkManifests(file, [object]));
    options.onFile(file, Yaml.stringify(object));
    files += 1;
  }
  if (errors.length > 0) throw new OutputCheckError(errors);
  return { clusters: names.length, objects, files, warnings, perCluster, views, gitopsInputs: gitopsHash };
}

/**
 * Renders the whole fleet in memory: every file of `emitFleetFiles` by path, and each cluster's
 * objects. Nothing is written; bad objects throw OutputCheckError.
 */
export function renderFleet(fleet: Fleet, options: RenderFleetOptions = {}): RenderedFleet {
  const files = new Map<string, string>();
  const clusters = new Map<string, ReadonlyArray<Manifest>>();
  emitFleetFiles(fleet, {
    onProgress: options.onProgress,
    onFile: (relativePath, content) => files.set(relativePath, content),
    onCluster: (cluster, manifests) => clusters.set(cluster, manifests),
  });
  return { files, clusters };
}

/**
 * What the GitOps wiring reads of an object (kind, namespace, RBAC rules and role references),
 * kept instead of the whole object so a large fleet does not hold every manifest in memory.
 */
function gitOpsView(m: Manifest): Manifest {
  const { rules, roleRef } = m as { rules?: unknown; roleRef?: unknown };
  const role = m.kind === 'MachineConfig' ? m.metadata.labels?.['machineconfiguration.openshift.io/role'] : undefined;
  return {
    apiVersion: m.apiVersion,
    kind: m.kind,
    metadata: {
      name: m.metadata.name,
      ...(m.metadata.namespace !== undefined ? { namespace: m.metadata.namespace } : {}),
      ...(role !== undefined ? { labels: { 'machineconfiguration.openshift.io/role': role } } : {}),
    },
    ...(rules !== undefined ? { rules } : {}),
    ...(roleRef !== undefined ? { roleRef } : {}),
  };
}
