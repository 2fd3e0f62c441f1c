import { describe, expect, test } from 'vitest';
import {
  formatProgressLine, progressCounter, progressFor, ProgressStream, shouldShowProgress, SynthesisProgress, SynthesisStage,
} from '../../lib/synth/progress';
import { synthesizeFleet } from '../../lib/synth/synthesize-fleet';
import { runMainApp, tempDir } from '../support/repo';
import { testFleet } from '../support/test-fleet';

/** A stream that records what is written, as a terminal or as a pipe. */
class FakeStream implements ProgressStream {
  public readonly writes: string[] = [];
  constructor(public readonly isTTY: boolean) {}
  public write(text: string): boolean {
    this.writes.push(text);
    return true;
  }
}

/** A clock the test moves by hand. */
function fakeClock(start = 1000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

const at = (stage: SynthesisStage, done: number, total = 3000): SynthesisProgress => ({ stage, clustersDone: done, clustersTotal: total });

describe('shouldShowProgress', () => {
  test('shows the counter only on a terminal outside CI', () => {
    expect(shouldShowProgress({ isTTY: true }, {})).toBe(true);
    expect(shouldShowProgress({ isTTY: false }, {})).toBe(false);
    expect(shouldShowProgress({}, {})).toBe(false);
    expect(shouldShowProgress({ isTTY: true }, { CI: 'true' })).toBe(false);
    expect(shouldShowProgress({ isTTY: true }, { CI: '1' })).toBe(false);
    expect(shouldShowProgress({ isTTY: false }, { CI: 'true' })).toBe(false);
  });

  test('CI set to an empty string, "0" or "false" counts as not CI', () => {
    for (const CI of ['', '0', 'false', 'FALSE']) expect(shouldShowProgress({ isTTY: true }, { CI })).toBe(true);
  });

  test('progressFor gives no listener at all when the counter must stay quiet', () => {
    expect(progressFor(new FakeStream(false), {})).toBeUndefined();
    expect(progressFor(new FakeStream(true), { CI: 'true' })).toBeUndefined();
    expect(progressFor(new FakeStream(true), {})).toBeTypeOf('function');
  });
});

describe('formatProgressLine', () => {
  test('shows clusters done/total, percent and elapsed seconds', () => {
    expect(formatProgressLine(at(SynthesisStage.RENDER, 120), 2149)).toBe('synth: 120/3000 clusters (4%), 2.1s');
    expect(formatProgressLine(at(SynthesisStage.RENDER, 0, 0), 0)).toBe('synth: 0/0 clusters (100%), 0.0s');
    expect(formatProgressLine(at(SynthesisStage.SWAP, 3000), 5230)).toBe('synth: 3000/3000 clusters, moving into place, 5.2s');
    expect(formatProgressLine(at(SynthesisStage.DONE, 3000), 5300)).toBe('synth: 3000/3000 clusters done in 5.3s');
    expect(formatProgressLine(at(SynthesisStage.FAILED, 17), 800)).toBe('synth: failed after 17/3000 clusters, 0.8s');
  });
});

describe('progressCounter', () => {
  test('redraws one line in place and ends it with a newline when done', () => {
    const stream = new FakeStream(true);
    const clock = fakeClock();
    const listener = progressCounter(stream, { now: clock.now, minIntervalMs: 100 });
    listener(at(SynthesisStage.RENDER, 0));
    clock.advance(150);
    listener(at(SynthesisStage.RENDER, 10));
    clock.advance(150);
    listener(at(SynthesisStage.DONE, 3000));
    expect(stream.writes).toEqual([
      '\rsynth: 0/3000 clusters (0%), 0.0s\x1b[K',
      '\rsynth: 10/3000 clusters (0%), 0.1s\x1b[K',
      '\rsynth: 3000/3000 clusters done in 0.3s\x1b[K\n',
    ]);
    // Everything but the final line stays on the same terminal line.
    expect(stream.writes.slice(0, -1).every((w) => w.startsWith('\r') && !w.includes('\n'))).toBe(true);
  });

  test('draws at most once per interval, but always a new stage and the final event', () => {
    const stream = new FakeStream(true);
    const clock = fakeClock();
    const listener = progressCounter(stream, { now: clock.now, minIntervalMs: 100 });
    for (let done = 0; done <= 50; done++) {
      listener(at(SynthesisStage.RENDER, done, 50));
      clock.advance(10);
    }
    listener(at(SynthesisStage.SWAP, 50, 50));
    listener(at(SynthesisStage.FAILED, 50, 50));
    // 51 render events over 510 ms of fake time → drawn at 0, 100, …, 500 ms; then SWAP and FAILED.
    expect(stream.writes.filter((w) => w.includes('%)'))).toHaveLength(6);
    expect(stream.writes.at(-2)).toContain('moving into place');
    expect(stream.writes.at(-1)).toMatch(/failed after 50\/50 clusters, 0\.5s\x1b\[K\n$/);
  });
});

describe('synthesizeFleet progress events', () => {
  function fleet(clusters: number) {
    const f = testFleet();
    for (let i = 0; i < clusters; i++) f.addCluster(`c${i}`, { release: '4.18.12', pools: { gpu: { modules: ['simple-kmod'] } } });
    return f;
  }

  test('counts every cluster, then swaps, then reports done', () => {
    const events: SynthesisProgress[] = [];
    synthesizeFleet(fleet(3), { outdir: `${tempDir()}/dist`, onProgress: (p) => events.push(p) });
    expect(events.map((e) => `${e.stage} ${e.clustersDone}/${e.clustersTotal}`)).toEqual([
      'rendering 0/3', 'rendering 1/3', 'rendering 2/3', 'rendering 3/3', 'swapping 3/3', 'done 3/3',
    ]);
  });

  test('a failing synthesis ends with a failed event, so the counter line is closed before the error', () => {
    const events: SynthesisProgress[] = [];
    const f = fleet(2);
    // A construct validation that fails in the second cluster, while it is rendered.
    f.clusters[1].node.addValidation({ validate: () => ['broken on purpose'] });
    expect(() => synthesizeFleet(f, { outdir: `${tempDir()}/dist`, onProgress: (p) => events.push(p) })).toThrow(/broken on purpose/);
    expect(events.at(-1)).toEqual({ stage: SynthesisStage.FAILED, clustersDone: 1, clustersTotal: 2 });
    expect(events.some((e) => e.stage === SynthesisStage.DONE)).toBe(false);
  });
});

describe('the default app', () => {
  test('prints no counter when stderr is not a terminal (piped, as here)', () => {
    const result = runMainApp({ KMODS_OUTDIR: `${tempDir()}/dist`, CI: '' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/clusters, \d+ objects/);
    expect(result.stderr).not.toContain('synth: ');
    expect(result.stderr).not.toContain('\r');
  });
});
