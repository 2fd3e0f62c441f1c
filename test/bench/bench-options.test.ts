import { describe, expect, test } from 'vitest';
import { parseBenchOptions } from '../../bench/bench-options';
import { evaluateTargets } from '../../bench/bench-targets';
import { SizeResult } from '../../bench/bench-results';
import { MeasurementKind, MeasurementResult } from '../../bench/measurement';

describe('parseBenchOptions', () => {
  test('defaults: all three sizes, naive for all, 3 runs', () => {
    expect(parseBenchOptions([], 'out.json', '/tmp')).toEqual({
      sizes: [300, 1000, 3000], skipNaiveAbove: undefined, repeat: 3, profileDir: undefined, out: 'out.json', tmpdir: '/tmp',
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
  const size = (clusters: number, ours: number, floor: number, rss = 100): SizeResult => ({
    clusters, objects: 0, files: 0, ours: m(MeasurementKind.OURS, ours, rss), resynth: m(MeasurementKind.RESYNTH, ours, rss),
    floor: m(MeasurementKind.FLOOR, floor),
    ratios: { oursToFloor: ours / floor, resynthToFloor: ours / floor, oursToFloorCpu: ours / floor, resynthToFloorCpu: ours / floor },
    outputsIdentical: true,
  });

  test('judges ratio, linearity and memory against the issue-8 limits', () => {
    const [ratio, , linear, memory] = evaluateTargets([size(1000, 400, 300), size(3000, 1400, 900, 1100)]);
    expect(ratio).toMatchObject({ value: 1.33, met: true });
    expect(linear).toMatchObject({ value: 3.5, met: false });
    expect(memory).toMatchObject({ value: 1100, met: false });
  });

  test('says "not measured" when the run lacks the sizes a target needs', () => {
    const targets = evaluateTargets([size(300, 100, 80)]);
    expect(targets.every((t) => t.value === undefined && t.met === undefined)).toBe(true);
  });
});
