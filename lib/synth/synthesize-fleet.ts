import * as fs from 'fs';
import * as path from 'path';
import { Fleet } from '../fleet/fleet';
import { ProgressListener, SynthesisStage } from './progress';
import { emitFleetFiles } from './render-fleet';
import { StagedDirectory } from './staged-directory';

export interface SynthesizeFleetOptions {
  /** Folder that receives the fleet (replaced as a whole). @default "dist" */
  readonly outdir?: string;
  /**
   * Receives progress events (clusters rendered, then swapping, then done or failed); see
   * `progressFor` in ./progress for a terminal counter. @default - no progress events
   */
  readonly onProgress?: ProgressListener;
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
}

/**
 * Renders every cluster, checks the objects, and swaps the result into `outdir` in one step.
 * Any failure (bad input, a generator error in one cluster) throws before `outdir` is touched.
 *
 * Each cluster's files go to a staging folder as soon as they are rendered, and each is
 * compared with the file of the same path in the previous output right then (only the previous
 * output's file names are listed up front), so memory does not grow with the output size.
 */
export function synthesizeFleet(fleet: Fleet, options: SynthesizeFleetOptions = {}): SynthesisReport {
  const outdir = options.outdir ?? 'dist';
  const listener = options.onProgress;
  let last = { clustersDone: 0, clustersTotal: fleet.clusterNames.length };
  const onProgress: ProgressListener | undefined = listener && ((p) => { last = p; listener(p); });
  let staged: StagedDirectory | undefined;
  try {
    staged = new StagedDirectory(outdir);
    const stagedDir = staged;
    const previous = listTree(outdir);
    const written = new Set<string>();
    const added: string[] = [];
    const changed: string[] = [];
    const emitted = emitFleetFiles(fleet, {
      onProgress,
      onFile: (relative, content) => {
        stagedDir.write(relative, content);
        written.add(relative);
        if (!previous.has(relative)) added.push(relative);
        else if (fs.readFileSync(path.join(outdir, relative), 'utf8') !== content) changed.push(relative);
      },
    });
    onProgress?.({ ...last, stage: SynthesisStage.SWAP });
    staged.commit();
    const removed = [...previous].filter((f) => !written.has(f)).sort();
    onProgress?.({ ...last, stage: SynthesisStage.DONE });
    return { outdir, clusters: emitted.clusters, objects: emitted.objects, files: emitted.files, added, changed, removed, warnings: emitted.warnings };
  } catch (e) {
    staged?.discard();
    onProgress?.({ ...last, stage: SynthesisStage.FAILED });
    throw e;
  }
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
