/** Where a synthesis is. */
export enum SynthesisStage {
  /** Clusters are being rendered, checked and written to the staging folder; `clustersDone` counts up. */
  RENDER = 'rendering',
  /** Every cluster is staged; the new output is being swapped into place and the old one removed. */
  SWAP = 'swapping',
  /** The output is in place. */
  DONE = 'done',
  /** The synthesis threw; the output folder is unchanged. */
  FAILED = 'failed',
}

/** One progress event of `synthesizeFleet`. */
export interface SynthesisProgress {
  /** What the synthesis is doing. */
  readonly stage: SynthesisStage;
  /** Clusters rendered so far. */
  readonly clustersDone: number;
  /** Clusters in the fleet. */
  readonly clustersTotal: number;
}

/** Receives progress events; `synthesizeFleet` calls it synchronously. */
export type ProgressListener = (progress: SynthesisProgress) => void;

/** The part of a stream the counter needs (process.stderr fits). */
export interface ProgressStream {
  /** True when the stream is a terminal. @default false */
  readonly isTTY?: boolean;
  /** Writes text. */
  write(text: string): unknown;
}

/** Options of `progressCounter`. */
export interface ProgressCounterOptions {
  /** Clock in milliseconds (tests pass a fake one). @default Date.now */
  readonly now?: () => number;
  /** Least time between two redraws of the line; the first and the final events always draw. @default 100 */
  readonly minIntervalMs?: number;
}

/**
 * True when a live counter should be drawn: only on a terminal, and never in CI (`CI` set to
 * anything but "", "0" or "false") where the in-place redraws would flood the log.
 */
export function shouldShowProgress(stream: Pick<ProgressStream, 'isTTY'>, env: Readonly<Record<string, string | undefined>>): boolean {
  const ci = env.CI;
  const inCi = ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
  return stream.isTTY === true && !inCi;
}

/** The counter line, e.g. `synth: 120/3000 clusters (4%), 2.1s`. */
export function formatProgressLine(progress: SynthesisProgress, elapsedMs: number): string {
  const { stage, clustersDone: done, clustersTotal: total } = progress;
  const percent = total === 0 ? 100 : Math.floor((done * 100) / total);
  const seconds = `${(Math.max(0, elapsedMs) / 1000).toFixed(1)}s`;
  const counter = `${done}/${total} clusters`;
  switch (stage) {
    case SynthesisStage.SWAP: return `synth: ${counter}, moving into place, ${seconds}`;
    case SynthesisStage.DONE: return `synth: ${counter} done in ${seconds}`;
    case SynthesisStage.FAILED: return `synth: failed after ${counter}, ${seconds}`;
    default: return `synth: ${counter} (${percent}%), ${seconds}`;
  }
}

/**
 * A listener that draws the counter on one line of `stream`, redrawn in place (`\r` and
 * erase-to-end-of-line), at most once per `minIntervalMs`; the final event (done or failed)
 * is drawn and ends the line, so later output starts on a fresh line.
 */
export function progressCounter(stream: ProgressStream, options: ProgressCounterOptions = {}): ProgressListener {
  const now = options.now ?? Date.now;
  const minInterval = options.minIntervalMs ?? 100;
  let start: number | undefined;
  let lastDraw: number | undefined;
  let lastStage: SynthesisStage | undefined;
  return (progress) => {
    const t = now();
    start ??= t;
    const final = progress.stage === SynthesisStage.DONE || progress.stage === SynthesisStage.FAILED;
    const due = lastDraw === undefined || final || progress.stage !== lastStage || t - lastDraw >= minInterval;
    if (!due) return;
    lastDraw = t;
    lastStage = progress.stage;
    stream.write(`\r${formatProgressLine(progress, t - start)}\x1b[K${final ? '\n' : ''}`);
  };
}

/** The counter on `stream` when `shouldShowProgress` says so, else undefined (no output at all). */
export function progressFor(
  stream: ProgressStream,
  env: Readonly<Record<string, string | undefined>>,
  options: ProgressCounterOptions = {},
): ProgressListener | undefined {
  return shouldShowProgress(stream, env) ? progressCounter(stream, options) : undefined;
}
