import * as fs from 'fs';
import * as path from 'path';
import { Fleet } from '../fleet/fleet';
import { Manifest } from './manifest';
import { ProgressListener, SynthesisStage } from './progress';
import { clusterInputHash } from './input-hash';
import { libraryFingerprint } from './library-fingerprint';
import { CarryOver, emitFleetFiles } from './render-fleet';
import { assertReplaceableOutput, OUTPUT_MARKER, OutputFolderError } from './output-guard';
import { StagedDirectory } from './staged-directory';
import { ClusterRecord, readSynthesisState, renderSynthesisState, STATE_FILE, STATE_FORMAT, SynthesisState } from './synthesis-state';
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
   * @default - one per CPU core (os.availableParallelism) when at least 50 clusters are to be rendered, else 0
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
 * Renders every cluster, checks the objects, and swaps the result into `outdir` in one step.
 * Any failure (bad input, a generator error in one cluster, a failed write or rename) throws
 * with `outdir` as it was. Before anything is written, `outdir` must be a folder synthesis may
 * replace (OutputFolderError, see assertReplaceableOutput) and the run must not remove too many
 * cluster folders (see `allowRemoval`).
 *
 * Each cluster's files go to a staging folder as soon as they are rendered, and each is
 * compared with the file of the same path in the previous output right then (only the previous
 * output's file names are listed up front), so memory does not grow with the output size.
 *
 * Incremental: the output records, in STATE_FILE beside the marker, a hash of each cluster's
 * inputs (see clusterInputHash) and of the GitOps wiring's inputs. A cluster whose hash is
 * unchanged, written by the same library version, is neither constructed nor serialized: its
 * folder's files are hard-linked from the previous output into the staging folder (copied where
 * links fail), and the old output stays intact until the swap. Clusters whose chart is kept for
 * user-added objects (`addCluster`, `cluster()`) are always rendered. `full` renders everything;
 * the output is byte-identical either way.
 */
export function synthesizeFleet(fleet: Fleet, options: SynthesizeFleetOptions = {}): SynthesisReport {
  const outdir = options.outdir ?? 'dist';
  const listener = options.onProgress;
  let last = { clustersDone: 0, clustersTotal: fleet.clusterNames.length };
  const onProgress: ProgressListener | undefined = listener && ((p) => { last = p; listener(p); });
  let staged: StagedDirectory | undefined;
  try {
    assertReplaceableOutput(outdir);
    staged = new StagedDirectory(outdir, { fs: options.fs ?? NODE_WRITE_FS });
    if (!options.allowRemoval) assertRemovalAllowed(outdir, fleet.clusterNames);
    const stagedDir = staged;
    const previous = listTree(outdir);
    previous.delete(OUTPUT_MARKER);
    previous.delete(STATE_FILE);
    const library = options.libraryVersion ?? libraryFingerprint();
    const previousState = options.full ? undefined : readSynthesisState(outdir, library);
    const written = new Set<string>();
    const added: string[] = [];
    const changed: string[] = [];
    const inputs = new Map<string, string | undefined>();
    const catalogs = { releases: fleet.releases, modules: fleet.modules };
    for (const name of fleet.clusterNames) {
      inputs.set(name, fleet.keepsChart(name) ? undefined : clusterInputHash(fleet.plan(name), { catalogs, gitops: fleet.gitops, library }));
    }
    const carryOver = previousState && carryFromPrevious(outdir, previousState, previous, inputs, (relative, source) => {
      stagedDir.carry(relative, source);
      written.add(relative);
    });
    const emitted = emitFleetFiles(fleet, {
      onProgress,
      carryOver,
      workers: options.fs ? 0 : options.workers,
      workerOutput: {
        dir: stagedDir.stagingPath,
        previousDir: outdir,
        previousFiles: previous,
        onFiles: (files, filesAdded, filesChanged) => {
          for (const relative of files) written.add(relative);
          added.push(...filesAdded);
          changed.push(...filesChanged);
        },
      },
      onFile: (relative, content) => {
        stagedDir.write(relative, content);
        written.add(relative);
        if (!previous.has(relative)) added.push(relative);
        else if (fs.readFileSync(path.join(outdir, relative), 'utf8') !== content) changed.push(relative);
      },
    });
    const clusters: Record<string, ClusterRecord> = {};
    const views: Record<string, ReadonlyArray<Manifest>> = {};
    for (const [name, c] of emitted.perCluster) {
      const hash = inputs.get(name);
      clusters[name] = { ...(hash !== undefined ? { inputs: hash } : {}), view: c.view, warnings: c.warnings, objects: c.objects, files: c.files };
      views[c.view] = emitted.views.get(c.view)!;
    }
    const state: SynthesisState = { format: STATE_FORMAT, library, ...(emitted.hubInputs !== undefined ? { hub: emitted.hubInputs, hubFiles: emitted.hubFiles } : {}), views, clusters };
    staged.write(STATE_FILE, renderSynthesisState(state));
    onProgress?.({ ...last, stage: SynthesisStage.SWAP });
    staged.commit();
    const removed = [...previous].filter((f) => !written.has(f)).sort();
    const warnings = [...emitted.warnings];
    if (staged.leftover) warnings.push(`could not remove the previous output ${staged.leftover}; the next run removes it`);
    onProgress?.({ ...last, stage: SynthesisStage.DONE });
    const rendered = [...emitted.perCluster.values()].filter((c) => !c.carried).length;
    return { outdir, clusters: emitted.clusters, objects: emitted.objects, files: emitted.files, added, changed, removed, warnings, rendered };
  } catch (e) {
    staged?.discard();
    onProgress?.({ ...last, stage: SynthesisStage.FAILED });
    throw e;
  }
}

/**
 * The CarryOver of an incremental run: a cluster's unit (`clusters/<name>/` and `bootstrap/<name>/`)
 * is carried when its input hash equals the recorded one and the previous output holds as many
 * files of it as recorded, with its kustomization.yaml; the hub's wiring when its input hash is
 * unchanged and its files are there.
 */
function carryFromPrevious(
  outdir: string,
  state: SynthesisState,
  previous: ReadonlySet<string>,
  inputs: ReadonlyMap<string, string | undefined>,
  carry: (relative: string, source: string) => void,
): CarryOver {
  const byUnit = new Map<string, string[]>();
  const hubFiles: string[] = [];
  for (const relative of previous) {
    const parts = relative.split('/');
    if ((parts[0] === 'clusters' || parts[0] === 'bootstrap') && parts.length >= 3) {
      const files = byUnit.get(parts[1]) ?? [];
      files.push(relative);
      byUnit.set(parts[1], files);
    } else if (parts[0] === 'hub') {
      hubFiles.push(relative);
    }
  }
  const records = new Map(Object.entries(state.clusters));
  const views = new Map(Object.entries(state.views));
  return {
    cluster: (name) => {
      const hash = inputs.get(name);
      const record = records.get(name);
      if (hash === undefined || record === undefined || record.inputs !== hash) return undefined;
      const view = views.get(record.view);
      const files = byUnit.get(name);
      if (!view || !files || !files.includes(`clusters/${name}/kustomization.yaml`) || files.length !== record.files) return undefined;
      for (const file of files.sort()) carry(file, path.join(outdir, ...file.split('/')));
      return { view: record.view, views: view, warnings: record.warnings, objects: record.objects, files: record.files };
    },
    hub: (hash) => {
      if (state.hub !== hash || hubFiles.length === 0 || hubFiles.length !== state.hubFiles) return undefined;
      for (const relative of hubFiles.sort()) carry(relative, path.join(outdir, relative));
      return hubFiles.length;
    },
  };
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
