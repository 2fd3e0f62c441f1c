/** What one child process of the bench measures. */
export enum MeasurementKind {
  /** `synthesizeFleet` of the bench fleet (one App per cluster) into an empty folder. */
  OURS = 'ours',
  /** `synthesizeFleet` again into the folder OURS wrote, nothing changed (every cluster carried over). */
  RESYNTH = 'resynth',
  /** `synthesizeFleet` into the folder OURS wrote, with one cluster's pool changed (one cluster rendered). */
  CLUSTER_CHANGED = 'cluster-changed',
  /** `synthesizeFleet` into the folder OURS wrote, with one module's version changed (every cluster loads it: all rendered). */
  MODULE_CHANGED = 'module-changed',
  /** Untimed: renders the fleet and saves the objects for FLOOR (path → object, as JSON). */
  PREPARE_FLOOR = 'prepare-floor',
  /** `YAML.stringify` of the very same objects with cdk8s's options, and writing the same files. */
  FLOOR = 'floor',
  /** Every cluster in one cdk8s App, rendered with cdk8s's Chart.toJson() and written like ours (the O(N²) baseline). */
  NAIVE = 'naive',
}

/** What the parent asks a child to do. */
export interface MeasurementRequest {
  readonly kind: MeasurementKind;
  /** Clusters in the fleet. */
  readonly size: number;
  /** Output folder (or, for PREPARE_FLOOR, the JSON file to write). */
  readonly target: string;
  /** FLOOR only: the JSON file PREPARE_FLOOR wrote. @default - none */
  readonly input?: string;
}

/** What a child reports. Times in milliseconds; memory is the child's peak resident set. */
export interface MeasurementResult {
  readonly kind: MeasurementKind;
  readonly size: number;
  /** The measured part: synthesizeFleet end to end, or (FLOOR) stringify + write. */
  readonly ms: number;
  /**
   * CPU time (user + system, all threads of the process) of the measured part. Far less
   * sensitive than `ms` to other work on a shared machine; V8's GC helper threads count too.
   */
  readonly cpuMs: number;
  /** Building the Fleet (constructors and validation), before the measured part. @default - not applicable */
  readonly constructMs?: number;
  /** Of `ms`: rendering, checking, writing to the staging folder and comparing with the old output, cluster by cluster. @default - not applicable */
  readonly renderMs?: number;
  /** Of `ms`: swapping the staged folder into place and removing the old output. @default - not applicable */
  readonly swapMs?: number;
  /**
   * The whole child process as the parent saw it: Node and tsx start-up, loading the library,
   * building the fleet and the measured part (what `npx cdk8s synth` costs, less the CLI's own start-up).
   * Set by the parent. @default - not measured
   */
  readonly processMs?: number;
  /** Clusters rendered (the others were carried over from the previous output). @default - not applicable */
  readonly rendered?: number;
  /** Peak RSS of the child process (process.resourceUsage().maxRSS), MiB. */
  readonly maxRssMiB: number;
  /** RSS when the child started its work (Node + tsx + libraries loaded), MiB. */
  readonly startRssMiB: number;
  readonly objects: number;
  readonly files: number;
}

/** The marker before the JSON result on the child's stdout. */
export const RESULT_MARKER = 'BENCH_RESULT ';
