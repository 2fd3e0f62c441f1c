import * as fs from 'fs';
import * as path from 'path';
import { Manifest } from './manifest';

/**
 * The file beside the output marker that records what each cluster folder was rendered from,
 * so the next synthesis can carry unchanged folders over instead of rendering them again.
 */
export const STATE_FILE = '.cdk8s-kmods-state.json';

/** What the state file records of one cluster. */
export interface ClusterRecord {
  /**
   * Hash of the cluster's inputs (see clusterInputHash). Absent for a cluster that is always
   * rendered (a chart kept for user-added constructs, or inputs that cannot be hashed).
   */
  readonly inputs?: string;
  /** Key into `views`: what the GitOps wiring reads of the cluster's objects. */
  readonly view: string;
  /** The cluster's synthesis warnings. */
  readonly warnings: ReadonlyArray<string>;
  /** The cluster's objects. */
  readonly objects: number;
  /** Every file of the cluster's unit (`clusters/<name>/` and `bootstrap/<name>/`). */
  readonly files: number;
}

/** The state file's format; a file of another format only means every cluster is rendered. */
export const STATE_FORMAT = 2;

/** The state file's content. */
export interface SynthesisState {
  readonly format: typeof STATE_FORMAT;
  /** The library fingerprint the output was written with (see libraryFingerprint). */
  readonly library: string;
  /** Hash of everything the hub's GitOps wiring (`hub/`) was rendered from. @default - no hub wiring */
  readonly hub?: string;
  /** Files of the hub's wiring. @default - no hub wiring */
  readonly hubFiles?: number;
  /** What the GitOps wiring reads of each cluster's objects, shared by clusters with the same view. */
  readonly views: Readonly<Record<string, ReadonlyArray<Manifest>>>;
  /** Per cluster, in name order. */
  readonly clusters: Readonly<Record<string, ClusterRecord>>;
}

/**
 * The state of the output in `outdir` when it was written by the same library (fingerprint
 * `library`), else undefined: a missing, unreadable or foreign state file only means that
 * every cluster is rendered.
 */
export function readSynthesisState(outdir: string, library: string): SynthesisState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(outdir, STATE_FILE), 'utf8');
  } catch {
    return undefined;
  }
  return parseSynthesisState(text, library);
}

/** The state in `text` (a state file's content) when written by library `library`, else undefined. */
export function parseSynthesisState(text: string, library: string): SynthesisState | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const state = parsed as Partial<SynthesisState> | null;
  if (!state || state.format !== STATE_FORMAT || state.library !== library) return undefined;
  if (typeof state.clusters !== 'object' || state.clusters === null || typeof state.views !== 'object' || state.views === null) return undefined;
  return state as SynthesisState;
}

/** The state file's text: deterministic (clusters and views in key order), one cluster per line. */
export function renderSynthesisState(state: SynthesisState): string {
  const lines = (record: Readonly<Record<string, unknown>>): string => Object.keys(record).sort()
    .map((k) => `    ${JSON.stringify(k)}: ${JSON.stringify(record[k])}`).join(',\n');
  return [
    '{',
    `  "format": ${state.format},`,
    `  "library": ${JSON.stringify(state.library)},`,
    ...(state.hub !== undefined ? [`  "hub": ${JSON.stringify(state.hub)},`, `  "hubFiles": ${JSON.stringify(state.hubFiles ?? 0)},`] : []),
    '  "views": {',
    lines(state.views),
    '  },',
    '  "clusters": {',
    lines(state.clusters),
    '  }',
    '}',
    '',
  ].join('\n');
}
