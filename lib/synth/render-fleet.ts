import { Yaml } from 'cdk8s';
import { Fleet } from '../fleet/fleet';
import { BootstrapMode } from '../gitops/gitops-props';
import { gitOpsClusterOf, renderGitOps } from '../gitops/render-gitops';
import { contentHash } from './input-hash';
import { Manifest } from './manifest';
import { checkManifests } from './output-checks';
import { ProgressListener, SynthesisStage } from './progress';
import { isKustomization, OutputCheckError, renderClusterUnit, RenderedClusterUnit } from './render-cluster';
import { defaultWorkerCount, PoolJob, PoolUnit, RenderPool } from './render-pool';

/** Every file of the fleet's output, by path relative to the output folder, in a stable order. */
export interface RenderedFleet {
  readonly files: ReadonlyMap<string, string>;
  /** Objects per cluster, in file-name order. */
  readonly clusters: ReadonlyMap<string, ReadonlyArray<Manifest>>;
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
  /**
   * Lets worker threads render cluster units and write their files themselves (see
   * WorkerOutput); without it every unit goes through `onFile`. @default - render in-process
   */
  readonly workerOutput?: WorkerOutput;
  /**
   * Worker threads rendering cluster units (with `workerOutput`); `0` renders in-process. Clusters
   * whose chart the fleet keeps (`addCluster`, `cluster()`) are always rendered in-process, and so
   * is everything when the fleet's definition is not plain data (see Fleet.definition).
   * @default - one per CPU core when at least 600 clusters are to be rendered (see defaultWorkerCount), else 0
   */
  readonly workers?: number;
}

/**
 * Where worker threads put the files of the units they render, instead of handing them to
 * `onFile` (see emitFleetFiles' `workers`).
 */
export interface WorkerOutput {
  /** Folder the workers write each unit's files into, creating folders as needed (a staging folder). */
  readonly dir: string;
  /** The previous output folder, which each written file is compared with. */
  readonly previousDir: string;
  /** The previous output's files (relative, '/' separated) in cluster `name`'s unit (see cluster-units.ts). */
  previousFiles(name: string): ReadonlyArray<string>;
  /**
   * Receives, in cluster-name order and where `onFile` would have received them, the files a
   * worker wrote for a unit: every path, then those the previous output does not hold and those whose
   * content differs from the previous output's.
   */
  onFiles(files: ReadonlyArray<string>, added: ReadonlyArray<string>, changed: ReadonlyArray<string>): void;
}

/**
 * Lets `emitFleetFiles` skip what is unchanged since the previous output (see synthesizeFleet):
 * each call either carries the previous files over into the new output (and says what they held)
 * or returns undefined, and the part is rendered.
 */
export interface CarryOver {
  /** Before cluster `name`'s unit (its folder and per-cluster wiring) is rendered: its carried-over record, or undefined to render it. */
  cluster(name: string): CarriedCluster | undefined;
  /** Before the hub's wiring is rendered, with the hash of its inputs: the files carried over, or undefined to render it. */
  hub(inputsHash: string): number | undefined;
}

/** What a carried-over cluster unit holds. */
export interface CarriedCluster {
  /** Key of `views` in the previous state. */
  readonly view: string;
  /** What the GitOps wiring reads of the cluster's objects. */
  readonly views: ReadonlyArray<Manifest>;
  readonly warnings: ReadonlyArray<string>;
  /** Object files (the kustomization.yaml not counted). */
  readonly objects: number;
  /** Every file of the unit: the cluster folder and its sub-folders, kustomization.yaml files and the per-cluster wiring included. */
  readonly files: number;
}

/** What the GitOps wiring read of one cluster, and the cluster's warnings. */
export interface EmittedCluster {
  /** Content hash of `views` in `EmittedFleet.views`. */
  readonly view: string;
  readonly warnings: ReadonlyArray<string>;
  /** True when the unit was carried over from the previous output. */
  readonly carried: boolean;
  /** Object files of the cluster. */
  readonly objects: number;
  /** Every file of the unit (see CarriedCluster.files). */
  readonly files: number;
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
  /** Hash of the hub wiring's inputs. @default - the fleet has no hub wiring */
  readonly hubInputs?: string;
  /** Files of the hub wiring (`hub/`). */
  readonly hubFiles: number;
}

/**
 * Renders the fleet one cluster unit at a time (see renderClusterUnit: `clusters/<cluster>/` and,
 * with per-cluster GitOps wiring, `bootstrap/<cluster>/`), then the hub's wiring (`hub/`) when
 * the fleet has one, and hands every file to `onFile` as soon as it is rendered, so a caller can
 * write as it goes and never hold the whole output (only each cluster's view of its objects). Output-check
 * failures of all clusters are collected and thrown as one OutputCheckError at the end, after
 * the last file: a caller that writes must stage (see StagedDirectory) and discard on error.
 */
export function emitFleetFiles(fleet: Fleet, options: EmitFleetFilesOptions): EmittedFleet {
  const errors: string[] = [];
  const names = fleet.clusterNames;
  const report = options.onProgress;
  const warnings: string[] = [];
  let objects = 0;
  let files = 0;
  const hub = fleet.gitops?.bootstrap === BootstrapMode.HUB ? fleet.gitops : undefined;
  report?.({ stage: SynthesisStage.RENDER, clustersDone: 0, clustersTotal: names.length });
  const perCluster = new Map<string, EmittedCluster>();
  const views = new Map<string, ReadonlyArray<Manifest>>();
  const viewOf = new Map<string, ReadonlyArray<Manifest>>();
  const record = (name: string, view: ReadonlyArray<Manifest>, viewHash: string | undefined, emitted: Omit<EmittedCluster, 'view'>): void => {
    const key = viewHash ?? contentHash(view) ?? '';
    if (!views.has(key)) views.set(key, view);
    viewOf.set(name, views.get(key)!);
    perCluster.set(name, { ...emitted, view: key });
    warnings.push(...emitted.warnings);
    objects += emitted.objects;
    files += emitted.files;
  };
  const emitUnit = (unit: RenderedClusterUnit): void => {
    errors.push(...unit.errors);
    for (const [file, content] of unit.files) options.onFile(file, content);
    if (unit.manifests) options.onCluster?.(unit.name, unit.manifests);
    record(unit.name, unit.view, undefined, { warnings: unit.warnings, carried: false, objects: unit.objects, files: unit.files.length });
  };
  const carriedUnits = names.map((name) => options.carryOver?.cluster(name));
  const pool = startPool(fleet, options, names.filter((name, i) => !carriedUnits[i] && !fleet.keepsChart(name)));
  const emitPooled = (unit: PoolUnit): void => {
    errors.push(...unit.errors);
    options.workerOutput!.onFiles(unit.files, unit.added, unit.changed);
    record(unit.name, unit.view, undefined, { warnings: unit.warnings, carried: false, objects: unit.objects, files: unit.files.length });
  };
  try {
    names.forEach((name, i) => {
      const carried = carriedUnits[i];
      if (carried) {
        record(name, carried.views, carried.view, { warnings: carried.warnings, carried: true, objects: carried.objects, files: carried.files });
      } else {
        // A worker's unit, or (none ready yet, a kept chart, no workers) one rendered here.
        const pooled = pool && !fleet.keepsChart(name) ? pool.next() : undefined;
        if (pooled) {
          emitPooled(pooled);
        } else {
          // One cluster at a time: unless the user kept its chart (addCluster / cluster()), it is
          // rendered from its plan for this turn only and garbage afterwards.
          emitUnit(renderClusterUnit(fleet.chartForSynthesis(name), { gitops: fleet.gitops, keepManifests: options.onCluster !== undefined }));
        }
      }
      report?.({ stage: SynthesisStage.RENDER, clustersDone: i + 1, clustersTotal: names.length });
    });
  } finally {
    pool?.close();
  }
  if (errors.length > 0) throw new OutputCheckError(errors);
  // The hub's wiring is derived from every cluster's objects (whitelists, RBAC, health checks):
  // its inputs are the settings, each cluster's destination and each cluster's view.
  const gitopsClusters = names.map((n) => gitOpsClusterOf(fleet.plan(n)));
  const hubInputs = hub ? contentHash({ settings: hub, clusters: gitopsClusters.map((c) => [c, perCluster.get(c.name)!.view]) }) : undefined;
  const carriedHub = hubInputs !== undefined ? options.carryOver?.hub(hubInputs) : undefined;
  let hubFiles = carriedHub ?? 0;
  for (const [file, object] of hub && carriedHub === undefined ? renderGitOps(hub, viewOf, gitopsClusters) : []) {
    if (!isKustomization(object) && !file.includes('/health-checks/')) errors.push(...checkManifests(file, [object]));
    options.onFile(file, Yaml.stringify(object));
    hubFiles += 1;
  }
  if (errors.length > 0) throw new OutputCheckError(errors);
  return { clusters: names.length, objects, files: files + hubFiles, warnings, perCluster, views, hubInputs, hubFiles };
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
 * The worker pool that renders the named clusters (in this order), or undefined to render them
 * in-process: no `workerOutput`, no workers asked for (or, by default, too few clusters), a fleet
 * definition that is not plain data, or objects asked for (`onCluster`).
 */
function startPool(fleet: Fleet, options: EmitFleetFilesOptions, names: ReadonlyArray<string>): RenderPool | undefined {
  const output = options.workerOutput;
  const definition = fleet.definition;
  if (!output || !definition || options.onCluster || names.length === 0) return undefined;
  const workers = options.workers ?? defaultWorkerCount(names.length);
  if (workers <= 0) return undefined;
  const jobs: PoolJob[] = names.map((name) => ({ plan: fleet.plan(name), previous: output.previousFiles(name) }));
  return new RenderPool(jobs, { workers, definition, outputDir: output.dir, previousDir: output.previousDir });
}
