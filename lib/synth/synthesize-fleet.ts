import * as fs from 'fs';
import * as path from 'path';
import { Fleet } from '../fleet/fleet';
import { Manifest } from './manifest';
import { ProgressListener, SynthesisStage } from './progress';
import { BootstrapMode } from '../gitops/gitops-props';
import { clusterInputHash } from './input-hash';
import { clusterUnitPaths, groupByCluster, UNIT_FOLDERS, unitOf } from './cluster-units';
import { cleanLeftovers } from './leftovers';
import { libraryFingerprint } from './library-fingerprint';
import { emitFleetFiles, EmittedFleet } from './render-fleet';
import { assertReplaceableOutput, OUTPUT_MARKER, OutputFolderError } from './output-guard';
import { StagedDirectory } from './staged-directory';
import { StagedUpdate } from './staged-update';
import { ClusterRecord, parseSynthesisState, renderSynthesisState, STATE_FILE, STATE_FORMAT, SynthesisState } from './synthesis-state';
import { NODE_WRITE_FS, WriteFileSystem } from './write-fs';

export interface SynthesizeFleetOptions {
  /** Folder that receives the fleet (replaced as a whole). @default "dist" */
  readonly outdir?: string;
  /**
   * Receives progress events (clusters rendered, then swapping, then done or failed); see
   * `progressFor` in ./progress for a terminal counter. @default - no progress events
   */
  readonly onProgress?: ProgressListener;
  /**
   * Allow a run that removes all existing cluster folders of `outdir`, or more than half of them
   * when there are more than two (see `assertRemovalAllowed`). @default false
   */
  readonly allowRemoval?: boolean;
  /**
   * The filesystem operations that write (tests inject failures here). With it, every cluster
   * is rendered in-process (worker threads write with node's fs). @default node's fs
   */
  readonly fs?: WriteFileSystem;
  /**
   * Worker threads that render clusters and write their files (KMODS_WORKERS for the default
   * app); `0` renders every cluster on the calling thread. The output is byte-identical either
   * way. Workers are not used when `fs` is given, when the fleet's definition is not plain data
   * (see Fleet.definition), or for clusters whose chart the fleet keeps (`addCluster`, `cluster()`).
   * @default - one per CPU core (os.availableParallelism) when at least 600 clusters are to be rendered, else 0
   */
  readonly workers?: number;
  /**
   * Render every cluster, ignoring what the previous output recorded (KMODS_FULL=1 or `--full`
   * for the default app). The output is the same either way; see `synthesizeFleet`. @default false
   */
  readonly full?: boolean;
  /**
   * The library version recorded in the output; a different one re-renders everything. Tests
   * set it. @default - a fingerprint of this library's sources and output dependencies (see libraryFingerprint)
   */
  readonly libraryVersion?: string;
}

/** What a synthesis wrote, and how it differs from what was there before. */
export interface SynthesisReport {
  readonly outdir: string;
  readonly clusters: number;
  readonly objects: number;
  readonly files: number;
  /** Paths (relative to outdir) that are new, changed or gone compared with the previous output. */
  readonly added: ReadonlyArray<string>;
  readonly changed: ReadonlyArray<string>;
  readonly removed: ReadonlyArray<string>;
  /** Things that synthesized but a reviewer should see (e.g. images referenced by tag, not digest). */
  readonly warnings: ReadonlyArray<string>;
  /** Clusters whose folders were rendered; the others were carried over unchanged. */
  readonly rendered: number;
}

/**
 * Renders every cluster, checks the objects, and puts the result into `outdir` all or nothing.
 * Any failure (bad input, a generator error in one cluster, a failed write or rename) throws
 * with `outdir` as it was. Before anything is written, `outdir` must be a folder synthesis may
 * replace (OutputFolderError, see assertReplaceableOutput) and the run must not remove too many
 * cluster folders (see `allowRemoval`).
 *
 * Files go to a staging folder as soon as they are rendered, and each is compared with the file
 * of the same path in the previous output right then, so memory does not grow with the output size.
 *
 * Incremental: the output records, in STATE_FILE beside the marker, a hash of each cluster's
 * inputs (see clusterInputHash) and of the hub wiring's inputs. When the previous output was
 * written by the same library version, a cluster whose hash is unchanged (and whose folder is
 * there) is neither constructed nor serialized nor touched, and only the changed units —
 * `clusters/<name>/` with `bootstrap/<name>/`, `hub/`, the state file, and the units of removed
 * clusters — are swapped in (see StagedUpdate): with nothing changed, nothing is written at all.
 * Otherwise (a first run, `full`, a new library version, or every cluster changed) the whole
 * folder is staged and swapped (see StagedDirectory). Clusters whose chart is kept for
 * user-added objects (`addCluster`, `cluster()`) are always rendered. The output is
 * byte-identical either way.
 */
export function synthesizeFleet(fleet: Fleet, options: SynthesizeFleetOptions = {}): SynthesisReport {
  const outdir = options.outdir ?? 'dist';
  const listener = options.onProgress;
  let last = { clustersDone: 0, clustersTotal: fleet.clusterNames.length };
  const onProgress: ProgressListener | undefined = listener && ((p) => { last = p; listener(p); });
  const wfs = options.fs ?? NODE_WRITE_FS;
  let staged: { discard(): void } | undefined;
  try {
    assertReplaceableOutput(outdir);
    cleanLeftovers(path.resolve(outdir), wfs);
    if (!options.allowRemoval) assertRemovalAllowed(outdir, fleet.clusterNames);
    const library = options.libraryVersion ?? libraryFingerprint();
    const previousText = options.full ? undefined : readText(path.join(outdir, STATE_FILE));
    const previousState = previousText === undefined ? undefined : parseSynthesisState(previousText, library);
    const inputs = new Map<string, string | undefined>();
    const catalogs = { releases: fleet.releases, modules: fleet.modules };
    for (const name of fleet.clusterNames) {
      inputs.set(name, fleet.keepsChart(name) ? undefined : clusterInputHash(fleet.plan(name), { catalogs, gitops: fleet.gitops, library }));
    }
    const carried = previousState ? unchangedClusters(outdir, fleet, previousState, inputs) : new Set<string>();
    const context: RunContext = { fleet, outdir, wfs, library, inputs, onProgress, progress: () => last, workers: options.fs ? 0 : options.workers };
    const result = previousState && carried.size > 0
      ? updateUnits(context, previousState, previousText!, carried, (s) => { staged = s; })
      : replaceWhole(context, (s) => { staged = s; });
    onProgress?.({ ...last, stage: SynthesisStage.DONE });
    return result;
  } catch (e) {
    staged?.discard();
    onProgress?.({ ...last, stage: SynthesisStage.FAILED });
    throw e;
  }
}

/** What both ways of writing the output share. */
interface RunContext {
  readonly fleet: Fleet;
  readonly outdir: string;
  readonly wfs: WriteFileSystem;
  readonly library: string;
  /** Each cluster's input hash (undefined: always rendered). */
  readonly inputs: ReadonlyMap<string, string | undefined>;
  readonly onProgress?: ProgressListener;
  readonly progress: () => { clustersDone: number; clustersTotal: number };
  /** See SynthesizeFleetOptions.workers (0 when a filesystem seam is injected). */
  readonly workers?: number;
}

/** A full run: every cluster rendered into a staging copy of the whole folder, swapped in one step. */
function replaceWhole(run: RunContext, track: (staged: StagedDirectory) => void): SynthesisReport {
  const staged = new StagedDirectory(run.outdir, { fs: run.wfs });
  track(staged);
  const previous = listTree(run.outdir);
  previous.delete(OUTPUT_MARKER);
  previous.delete(STATE_FILE);
  const previousByCluster = groupByCluster(previous);
  const written = new Set<string>();
  const added: string[] = [];
  const changed: string[] = [];
  const emitted = emitFleetFiles(run.fleet, {
    onProgress: run.onProgress,
    workers: run.workers,
    workerOutput: {
      dir: staged.stagingPath,
      previousDir: run.outdir,
      previousFiles: (name) => previousByCluster.get(name) ?? [],
      onFiles: (files, filesAdded, filesChanged) => {
        for (const relative of files) written.add(relative);
        added.push(...filesAdded);
        changed.push(...filesChanged);
      },
    },
    onFile: (relative, content) => {
      staged.write(relative, content);
      written.add(relative);
      if (!previous.has(relative)) added.push(relative);
      else if (fs.readFileSync(path.join(run.outdir, relative), 'utf8') !== content) changed.push(relative);
    },
  });
  staged.write(STATE_FILE, renderSynthesisState(stateOf(run, emitted)));
  run.onProgress?.({ ...run.progress(), stage: SynthesisStage.SWAP });
  staged.commit();
  const removed = [...previous].filter((f) => !written.has(f)).sort();
  const warnings = [...emitted.warnings];
  if (staged.leftover) warnings.push(`could not remove the previous output ${staged.leftover}; the next run removes it`);
  return report(run, emitted, added, changed, removed, warnings);
}

/**
 * An incremental run: only the units of changed, new and removed clusters (and the hub wiring
 * and the state file when they change) are written and swapped in; `carried` clusters are not
 * rendered, and their folders stay where they are.
 */
function updateUnits(run: RunContext, state: SynthesisState, stateText: string, carried: ReadonlySet<string>, track: (staged: StagedUpdate) => void): SynthesisReport {
  const { fleet, outdir } = run;
  let update: StagedUpdate | undefined;
  const staged = (): StagedUpdate => {
    if (!update) {
      update = new StagedUpdate(outdir, { fs: run.wfs });
      track(update);
    }
    return update;
  };
  const written = new Set<string>();
  const added: string[] = [];
  const changed: string[] = [];
  const records = new Map(Object.entries(state.clusters));
  const hub = fleet.gitops?.bootstrap === BootstrapMode.HUB;
  const hubThere = fs.existsSync(path.join(outdir, 'hub'));
  // Worker threads (when enough clusters changed) write the new units straight into the update's folder.
  const toRender = fleet.clusterNames.filter((n) => !carried.has(n));
  const emitted = emitFleetFiles(fleet, {
    onProgress: run.onProgress,
    workers: run.workers,
    workerOutput: toRender.length === 0 ? undefined : {
      dir: staged().stagingPath,
      previousDir: outdir,
      previousFiles: (name) => clusterUnitPaths(name).flatMap((u) => filesOfUnit(outdir, u)),
      onFiles: (files, filesAdded, filesChanged) => {
        for (const relative of files) written.add(relative);
        added.push(...filesAdded);
        changed.push(...filesChanged);
      },
    },
    carryOver: {
      cluster: (name) => {
        const record = carried.has(name) ? records.get(name) : undefined;
        const views = record && state.views[record.view];
        return record && views ? { view: record.view, views, warnings: record.warnings, objects: record.objects, files: record.files } : undefined;
      },
      hub: (hash) => (state.hub === hash && hubThere ? state.hubFiles ?? 0 : undefined),
    },
    onFile: (relative, content) => {
      staged().write(relative, content);
      written.add(relative);
      const before = readText(path.join(outdir, relative));
      if (before === undefined) added.push(relative);
      else if (before !== content) changed.push(relative);
    },
  });
  const names = new Set(fleet.clusterNames);
  const units: string[] = [];
  for (const [name, c] of emitted.perCluster) if (!c.carried) units.push(...clusterUnitPaths(name));
  for (const folder of UNIT_FOLDERS) {
    for (const entry of listFolder(path.join(outdir, folder))) if (!names.has(entry)) units.push(`${folder}/${entry}`);
  }
  if (!hub || emitted.hubInputs !== state.hub || !hubThere) units.push('hub');
  const known = new Set<string>([OUTPUT_MARKER, STATE_FILE, ...UNIT_FOLDERS, 'hub']);
  for (const entry of listFolder(outdir)) if (!known.has(entry)) units.push(entry);
  const newState = renderSynthesisState(stateOf(run, emitted));
  const writtenUnits = new Set([...written].map(unitOf));
  const present = units.filter((u) => writtenUnits.has(u) || fs.existsSync(path.join(outdir, u)));
  const removed = present.flatMap((u) => filesOfUnit(outdir, u)).filter((f) => !written.has(f)).sort();
  const warnings = [...emitted.warnings];
  if (present.length > 0 || newState !== stateText) {
    staged().write(STATE_FILE, newState);
    run.onProgress?.({ ...run.progress(), stage: SynthesisStage.SWAP });
    staged().commit([...present, STATE_FILE]);
    if (update?.leftover) warnings.push(`could not remove the previous versions in ${update.leftover}; the next run removes them`);
  } else {
    update?.discard();
  }
  return report(run, emitted, added, changed, removed, warnings);
}

/**
 * The clusters an incremental run carries over: input hash equal to the recorded one, and the
 * unit still there (its kustomization.yaml, and its bootstrap folder under per-cluster wiring).
 */
function unchangedClusters(outdir: string, fleet: Fleet, state: SynthesisState, inputs: ReadonlyMap<string, string | undefined>): Set<string> {
  const perClusterWiring = fleet.gitops !== undefined && fleet.gitops.bootstrap !== BootstrapMode.HUB;
  const bootstraps = new Set(perClusterWiring ? listFolder(path.join(outdir, 'bootstrap')) : []);
  const out = new Set<string>();
  for (const [name, hash] of inputs) {
    const record = state.clusters[name];
    if (hash === undefined || record === undefined || record.inputs !== hash || state.views[record.view] === undefined) continue;
    if (perClusterWiring && !bootstraps.has(name)) continue;
    if (!fs.existsSync(path.join(outdir, 'clusters', name, 'kustomization.yaml'))) continue;
    out.add(name);
  }
  return out;
}

/** The state file's content after a run. */
function stateOf(run: RunContext, emitted: EmittedFleet): SynthesisState {
  const clusters: Record<string, ClusterRecord> = {};
  const views: Record<string, ReadonlyArray<Manifest>> = {};
  for (const [name, c] of emitted.perCluster) {
    const hash = run.inputs.get(name);
    clusters[name] = { ...(hash !== undefined ? { inputs: hash } : {}), view: c.view, warnings: c.warnings, objects: c.objects, files: c.files };
    views[c.view] = emitted.views.get(c.view)!;
  }
  return { format: STATE_FORMAT, library: run.library, ...(emitted.hubInputs !== undefined ? { hub: emitted.hubInputs, hubFiles: emitted.hubFiles } : {}), views, clusters };
}

function report(run: RunContext, emitted: EmittedFleet, added: string[], changed: string[], removed: string[], warnings: string[]): SynthesisReport {
  const rendered = [...emitted.perCluster.values()].filter((c) => !c.carried).length;
  return { outdir: run.outdir, clusters: emitted.clusters, objects: emitted.objects, files: emitted.files, added: added.sort(), changed: changed.sort(), removed, warnings, rendered };
}

/** The files of unit `unit` in `outdir` (relative to `outdir`): the unit itself when it is a file. */
function filesOfUnit(outdir: string, unit: string): string[] {
  const full = path.join(outdir, unit);
  if (!fs.existsSync(full)) return [];
  if (!fs.statSync(full).isDirectory()) return [unit];
  return [...listTree(full)].map((f) => `${unit}/${f}`);
}

/** A file's text, or undefined when it cannot be read (absent). */
function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Names in a folder, sorted; empty when it does not exist. */
function listFolder(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/**
 * Refuses a run that would remove every existing cluster folder of `outdir`, or more than half
 * of them when there are more than two (an emptied `clusters:` key, a wrong fleet file), naming
 * the folders. Pass `allowRemoval` (KMODS_ALLOW_REMOVAL=1 for the default app) to go ahead.
 */
export function assertRemovalAllowed(outdir: string, clusterNames: ReadonlyArray<string>): void {
  const dir = path.join(outdir, 'clusters');
  if (!fs.existsSync(dir)) return;
  const existing = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const kept = new Set(clusterNames);
  const removed = existing.filter((name) => !kept.has(name));
  const tooMany = removed.length > 0 && (removed.length === existing.length || (existing.length > 2 && removed.length * 2 > existing.length));
  if (!tooMany) return;
  throw new OutputFolderError(outdir, `this fleet would remove ${removed.length} of its ${existing.length} cluster folders `
    + `(${removed.map((n) => `clusters/${n}`).join(', ')}). If that is intended, allow it: KMODS_ALLOW_REMOVAL=1 `
    + '(or `allowRemoval: true` in synthesizeFleet\'s options)');
}

/** Paths of every file under `dir` (relative, '/' separated); empty when `dir` does not exist. */
export function listTree(dir: string): Set<string> {
  const out = new Set<string>();
  walkFiles(dir, (rel) => out.add(rel));
  return out;
}

/** Every file under `dir` by relative path ('/' separated), with its content. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  walkFiles(dir, (rel) => out.set(rel, fs.readFileSync(path.join(dir, rel), 'utf8')));
  return out;
}

function walkFiles(dir: string, visit: (relative: string) => void): void {
  if (!fs.existsSync(dir)) return;
  const walk = (sub: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile()) visit(rel);
    }
  };
  walk('');
}
