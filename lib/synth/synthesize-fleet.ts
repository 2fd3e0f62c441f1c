import * as fs from 'fs';
import * as path from 'path';
import { Fleet } from '../fleet/fleet';
import { ProgressListener, SynthesisStage } from './progress';
import { renderFleet, RenderedFleet } from './render-fleet';
import { replaceDirectory } from './staged-directory';

export interface SynthesizeFleetOptions {
  /** Folder that receives the fleet (replaced as a whole). @default "dist" */
  readonly outdir?: string;
  /**
   * Receives progress events (clusters rendered, then writing, then done or failed); see
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
}

/**
 * Renders every cluster, checks the objects, and swaps the result into `outdir` in one step.
 * Any failure (bad input, a generator error in one cluster) throws before `outdir` is touched.
 */
export function synthesizeFleet(fleet: Fleet, options: SynthesizeFleetOptions = {}): SynthesisReport {
  const outdir = options.outdir ?? 'dist';
  const listener = options.onProgress;
  let last = { clustersDone: 0, clustersTotal: fleet.clusters.length };
  const onProgress: ProgressListener | undefined = listener && ((p) => { last = p; listener(p); });
  try {
    const rendered = renderFleet(fleet, { onProgress });
    onProgress?.({ ...last, stage: SynthesisStage.WRITE });
    const report = writeAndCompare(outdir, rendered);
    onProgress?.({ ...last, stage: SynthesisStage.DONE });
    return report;
  } catch (e) {
    onProgress?.({ ...last, stage: SynthesisStage.FAILED });
    throw e;
  }
}

/** Swaps the rendered files into `outdir` and reports how they differ from what was there. */
function writeAndCompare(outdir: string, rendered: RenderedFleet): SynthesisReport {
  const before = readTree(outdir);
  replaceDirectory(outdir, rendered.files);
  const added: string[] = [];
  const changed: string[] = [];
  for (const [file, content] of rendered.files) {
    const old = before.get(file);
    if (old === undefined) added.push(file);
    else if (old !== content) changed.push(file);
  }
  const removed = [...before.keys()].filter((f) => !rendered.files.has(f));
  let objects = 0;
  for (const manifests of rendered.clusters.values()) objects += manifests.length;
  return { outdir, clusters: rendered.clusters.size, objects, files: rendered.files.size, added, changed, removed: removed.sort() };
}

/** Every file under `dir` by relative path ('/' separated). */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(dir)) return out;
  const walk = (sub: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile()) out.set(rel, fs.readFileSync(path.join(dir, rel), 'utf8'));
    }
  };
  walk('');
  return out;
}
