import { describe, expect, test } from 'vitest';
import { parseBenchOptions } from '../../bench/bench-options';
import { evaluateTargets } from '../../bench/bench-targets';
import { SizeResult } from '../../bench/bench-results';
import { MeasurementKind, MeasurementResult } from '../../bench/measurement';

describe('parseBenchOptions', () => {
  test('defaults: 1,000, 3,000 and 10,000 clusters, naive (O(N²)) only up to 1,000, 3 runs', () => {
    expect(parseBenchOptions([], 'out.json', '/tmp')).toEqual({
      sizes: [1000, 3000, 10000], skipNaiveAbove: 1000, repeat: 3, profileDir: undefined, out: 'out.json', tmpdir: '/tmp',
    });
  });

  test('reads every flag, as "--flag value" or "--flag=value"', () => {
    expect(parseBenchOptions(['--sizes', '300,1000', '--skip-naive-above=1000', '--repeat', '1', '--profile', 'p', '--out=o.json', '--tmpdir', 't'], 'x', 'y'))
      .toEqual({ sizes: [300, 1000], skipNaiveAbove: 1000, repeat: 1, profileDir: 'p', out: 'o.json', tmpdir: 't' });
  });

  test('rejects unknown flags and bad numbers with the usage', () => {
    expect(() => parseBenchOptions(['--size', '3'], 'x', 'y')).toThrow(/unknown option --size\nusage:/);
    expect(() => parseBenchOptions(['--sizes', '300,abc'], 'x', 'y')).toThrow(/--sizes needs an integer ≥ 1, got "abc"/);
    expect(() => parseBenchOptions(['--repeat', '0'], 'x', 'y')).toThrow(/--repeat needs an integer ≥ 1/);
    expect(() => parseBenchOptions(['--skip-naive-above'], 'x', 'y')).toThrow(/--skip-naive-above needs an integer ≥ 0/);
    expect(() => parseBenchOptions(['--out'], 'x', 'y')).toThrow(/--out needs a value/);
  });
});

describe('evaluateTargets', () => {
  const m = (kind: MeasurementKind, ms: number, maxRssMiB = 100): MeasurementResult =>
    ({ kind, size: 0, ms, cpuMs: ms, maxRssMiB, startRssMiB: 50, objects: 0, files: 0 });
  /** A size whose cold run takes `ours` ms in process and `process` ms as a whole, warm runs `unchanged` and `oneCluster` ms. */
  const size = (clusters: number, ours: number, floor: number, rss = 100, process = ours, unchanged = ours, oneCluster = ours): SizeResult => ({
    clusters, objects: 0, files: 0,
    ours: { ...m(MeasurementKind.OURS, ours, rss), processMs: process },
    resynth: m(MeasurementKind.RESYNTH, unchanged, rss),
    clusterChanged: m(MeasurementKind.CLUSTER_CHANGED, oneCluster, rss),
    moduleChanged: m(MeasurementKind.MODULE_CHANGED, ours, rss),
    floor: m(MeasurementKind.FLOOR, floor),
    ratios: {
      oursToFloor: ours / floor, oursProcessToFloor: process / floor, resynthToFloor: unchanged / floor,
      clusterChangedToFloor: oneCluster / floor, moduleChangedToFloor: ours / floor, oursToFloorCpu: ours / floor, resynthToFloorCpu: unchanged / floor,
    },
    outputsIdentical: true,
  });

  test('judges the issue-16 targets: cold whole process, one cluster, nothing changed, linearity, memory', () => {
    const [cold, oneCluster, unchanged, linear, memory] = evaluateTargets([
      size(1000, 400, 300),
      size(3000, 1400, 1000, 100, 900, 20, 60),
      size(10000, 4800, 3000, 1100),
    ]);
    expect(cold).toMatchObject({ value: 0.9, met: true });
    expect(oneCluster).toMatchObject({ value: 0.06, met: false });
    expect(unchanged).toMatchObject({ value: 0.02, met: true });
    expect(linear).toMatchObject({ value: 12, met: false });
    expect(memory).toMatchObject({ value: 1100, met: false });
  });

  test('says "not measured" when the run lacks the sizes a target needs', () => {
    const targets = evaluateTargets([size(300, 100, 80)]);
    expect(targets.length).toBe(5);
    expect(targets.every((t) => t.value === undefined && t.met === undefined)).toBe(true);
  });
});
