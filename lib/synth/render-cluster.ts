import { ApiObject, Chart } from 'cdk8s';
import { Cluster } from '../fleet/cluster';
import { applyGitOpsPolicy } from '../gitops/annotate';
import { clusterFolderParts, splitClusterObjects } from '../gitops/cluster-layout';
import { BootstrapMode, GitOpsEngine, GitOpsSettings } from '../gitops/gitops-props';
import { annotatePoolMachineConfigs } from '../gitops/pool-rollout';
import { gitOpsClusterOf, renderClusterWiring } from '../gitops/render-gitops';
import { checkObjectSizes } from '../validation/object-size';
import { synthWarnings } from '../warnings';
import { kustomizationObject } from './kustomization';
import { plainJson, sharedYaml } from './shared-yaml';
import { Manifest, manifestFileName } from './manifest';
import { checkManifests } from './output-checks';

/** Thrown when rendered objects fail the output checks (a generator bug, not bad input). */
export class OutputCheckError extends Error {
  constructor(public readonly errors: ReadonlyArray<string>) {
    super(`generated objects failed the output checks:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
    this.name = 'OutputCheckError';
  }
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
 * One cluster's part of the output, rendered: its folder `clusters/<name>/` (with `setup/` and
 * `node/` under GitOps wiring) and, in the per-cluster bootstrap mode, its wiring
 * `bootstrap/<name>/`. Nothing here depends on another cluster, so incremental synthesis carries
 * a unit over whole and parallel rendering hands units to worker threads.
 */
export interface RenderedClusterUnit {
  readonly name: string;
  /** Every file (path relative to the output folder, content), in a stable order; empty when `errors` is not. */
  readonly files: ReadonlyArray<readonly [string, string]>;
  /** The cluster's objects (kustomization.yaml files not counted). */
  readonly objects: number;
  /** What the hub's GitOps wiring reads of the cluster's objects (see gitOpsView), in file-name order. */
  readonly view: ReadonlyArray<Manifest>;
  readonly warnings: ReadonlyArray<string>;
  /** Output-check failures (a generator bug): the caller collects them and throws OutputCheckError. */
  readonly errors: ReadonlyArray<string>;
  /** Every cluster object in file-name order, when asked for (`keepManifests`). */
  readonly manifests?: ReadonlyArray<Manifest>;
}

/** Options of `renderClusterUnit`. */
export interface RenderClusterUnitOptions {
  /** The fleet's GitOps settings: annotations, folders, the per-cluster wiring. @default - no GitOps wiring */
  readonly gitops?: GitOpsSettings;
  /** Return the objects themselves too (for `renderFleet`). @default false */
  readonly keepManifests?: boolean;
}

/** One cluster's unit as objects, before serialization (see clusterUnitObjects). */
export interface ClusterUnitObjects extends Omit<RenderedClusterUnit, 'files' | 'manifests'> {
  /** Every file's object (path relative to the output folder), in a stable order; empty when `errors` is not. */
  readonly entries: ReadonlyArray<readonly [string, object]>;
  /** Every cluster object in file-name order. */
  readonly manifests: ReadonlyArray<Manifest>;
  /** The JSON of the objects that are plain data (see plainJson), for serialization to reuse. */
  readonly json: ReadonlyMap<object, string>;
}

/** Renders one cluster's unit (see RenderedClusterUnit): objects, checks, files, wiring. */
export function renderClusterUnit(cluster: Cluster, options: RenderClusterUnitOptions = {}): RenderedClusterUnit {
  const unit = clusterUnitObjects(cluster, options);
  const { entries, manifests, json, ...rest } = unit;
  // Most objects are the same in every cluster but for its name: sharedYaml serializes them once.
  const files = entries.map(([file, object]) => [file, sharedYaml(object, cluster.name, json.get(object))] as const);
  return { ...rest, files, ...(options.keepManifests ? { manifests } : {}) };
}

/**
 * One cluster's unit as objects: the rendered objects placed in their folders with a
 * kustomization per folder, and the per-cluster GitOps wiring, each checked (see RenderedClusterUnit).
 */
export function clusterUnitObjects(cluster: Cluster, options: RenderClusterUnitOptions = {}): ClusterUnitObjects {
  const gitops = options.gitops;
  const manifests = renderClusterManifests(cluster, { gitopsEngines: gitops?.engines });
  const warnings = [...synthWarnings(cluster)];
  if (gitops && cluster.plan.destination.clusterID === undefined) {
    warnings.push(`${cluster.name}: no clusterID: nothing refuses this cluster's objects on another cluster if its bootstrap or destination is aimed wrong; `
      + 'set clusterID (oc get clusterversion version -o jsonpath=\'{.spec.clusterID}\')');
  }
  // Each object's JSON, taken once: the size check reads it, and sharedYaml keys on it (plain data only).
  const json = new Map<object, string>();
  const jsonOf = (m: object): string => {
    const plain = plainJson(m);
    if (plain === undefined) return JSON.stringify(m);
    json.set(m, plain);
    return plain;
  };
  const errors = [...checkManifests(`cluster "${cluster.name}"`, manifests), ...checkObjectSizes(`cluster "${cluster.name}"`, manifests, jsonOf)];
  // Objects that failed the checks (e.g. a kind of unknown scope) cannot be placed in folders.
  if (errors.length > 0) return { name: cluster.name, entries: [], objects: 0, view: [], warnings, errors, manifests: [], json };
  // With GitOps wiring, setup/ (identity guard, operator installs) is applied first and node/
  // holds node-level objects when they sync in maintenance windows. Without it, one folder holds
  // everything, so `oc apply -k dist/clusters/<cluster>` applies the whole cluster.
  const folders = gitops
    ? splitClusterObjects(manifests, { nodeFolder: gitops.nodeSync !== undefined })
    : { setup: [], node: [], main: manifests };
  const entries: Array<readonly [string, object]> = [];
  const all: Manifest[] = [];
  for (const [sub, part] of clusterFolderParts(folders)) {
    const dir = sub ? `clusters/${cluster.name}/${sub}` : `clusters/${cluster.name}`;
    const byFile = part.map((m) => [manifestFileName(m), m] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [file, manifest] of byFile) entries.push([`${dir}/${file}`, manifest]);
    entries.push([`${dir}/kustomization.yaml`, kustomizationObject(byFile.map(([file]) => file))]);
    all.push(...byFile.map(([, m]) => m));
  }
  const view = all.map(gitOpsView);
  if (gitops && gitops.bootstrap !== BootstrapMode.HUB) {
    for (const [file, object] of renderClusterWiring(gitops, gitOpsClusterOf(cluster.plan), view)) {
      if (!isKustomization(object) && !file.includes('/health-checks/')) errors.push(...checkManifests(file, [object]));
      entries.push([file, object]);
    }
  }
  return { name: cluster.name, entries: errors.length > 0 ? [] : entries, objects: all.length, view, warnings, errors, manifests: all, json };
}

/** True for a kustomize `Kustomization` (a file of the output, not an object applied to a cluster). */
export function isKustomization(object: { kind?: unknown; apiVersion?: unknown }): boolean {
  return object.kind === 'Kustomization' && object.apiVersion === 'kustomize.config.k8s.io/v1beta1';
}

/**
 * What the GitOps wiring reads of an object (kind, namespace, RBAC rules and role references),
 * kept instead of the whole object so a large fleet does not hold every manifest in memory.
 */
export function gitOpsView(m: Manifest): Manifest {
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
