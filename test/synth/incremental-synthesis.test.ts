import * as path from 'path';
import { describe, expect, test } from 'vitest';
import { ClusterProps } from '../../lib/fleet/cluster';
import { Fleet } from '../../lib/fleet/fleet';
import { readTree, synthesizeFleet } from '../../lib/synth/synthesize-fleet';
import { STATE_FILE } from '../../lib/synth/synthesis-state';
import { tempDir } from '../support/repo';
import { testFleet } from '../support/test-fleet';

/** Four clusters of different shapes; `change` overrides clusters' props, `omit` leaves clusters out. */
function fleetOf(change: Record<string, ClusterProps> = {}, omit: ReadonlyArray<string> = []): Fleet {
  const clusters: Record<string, ClusterProps> = {
    'gpu-a': { release: '4.18.12', pools: { gpu: { maxUnavailable: 1, modules: ['simple-kmod'] } } },
    'gpu-b': { release: '4.18.12', upgradeTo: '4.19.3', pools: { gpu: { maxUnavailable: 2, modules: ['simple-kmod'] } } },
    storage: { release: '4.19.3', pools: { storage: { maxUnavailable: '10%', modules: ['gpfs'] } } },
    mixed: {
      release: '4.18.12',
      pools: { gpu: { modules: ['simple-kmod'] }, storage: { modules: ['gpfs'] } },
    },
    ...change,
  };
  const fleet = testFleet();
  for (const [name, props] of Object.entries(clusters)) if (!omit.includes(name)) fleet.addCluster(name, props);
  return fleet;
}

/**
 * Paths whose bytes differ between two trees, or that exist in only one of them; the incremental
 * state file (STATE_FILE, bookkeeping beside the marker, not applied by GitOps) is left out.
 */
function differingPaths(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()].filter((p) => p !== STATE_FILE));
  return [...paths].filter((p) => before.get(p) !== after.get(p)).sort();
}

/** Synthesizes `fleetOf()`, then the changed fleet into the same folder; returns the report and the differences. */
function resynthesize(change: Record<string, ClusterProps>) {
  const out = path.join(tempDir(), 'dist');
  synthesizeFleet(fleetOf(), { outdir: out });
  const before = readTree(out);
  const report = synthesizeFleet(fleetOf(change), { outdir: out });
  const after = readTree(out);
  return { report, before, after, differing: differingPaths(before, after) };
}

describe('changing one cluster changes only files under that cluster\'s folder', () => {
  test('pool maxUnavailable: only that cluster\'s MachineConfigPool file changes, in the report and on disk', () => {
    const { report, before, after, differing } = resynthesize({
      'gpu-b': { release: '4.18.12', upgradeTo: '4.19.3', pools: { gpu: { maxUnavailable: 3, modules: ['simple-kmod'] } } },
    });
    expect(differing.length).toBeGreaterThan(0);
    expect(differing.every((p) => p.startsWith('clusters/gpu-b/'))).toBe(true);
    expect(report.changed).toEqual(differing);
    expect(report.added).toEqual([]);
    expect(report.removed).toEqual([]);
    // Every other file of the whole tree (GitOps wiring and other clusters included) is byte-identical.
    const untouched = [...after.keys()].filter((p) => !p.startsWith('clusters/gpu-b/'));
    expect(untouched.length).toBeGreaterThan(0);
    for (const p of untouched) expect(after.get(p)).toBe(before.get(p));
  });

  test('pool modules: whatever the change adds, changes or removes is under that cluster\'s folder', () => {
    const { report, after, before, differing } = resynthesize({
      'gpu-a': { release: '4.18.12', pools: { gpu: { maxUnavailable: 1, modules: ['simple-kmod', 'gpfs'] } } },
      storage: { release: '4.19.3', pools: { storage: { maxUnavailable: '10%' } } },
    });
    const inChangedClusters = (p: string): boolean => p.startsWith('clusters/gpu-a/') || p.startsWith('clusters/storage/');
    expect(differing.every(inChangedClusters)).toBe(true);
    expect([...report.added, ...report.changed, ...report.removed].sort()).toEqual(differing);
    expect(report.added.every((p) => after.has(p) && !before.has(p))).toBe(true);
    expect(report.removed.every((p) => before.has(p) && !after.has(p))).toBe(true);
    for (const p of [...after.keys()].filter((k) => !inChangedClusters(k) && k !== STATE_FILE)) expect(after.get(p)).toBe(before.get(p));
  });

  test('an unchanged fleet re-synthesized reports nothing added, changed or removed', () => {
    const { report, differing } = resynthesize({});
    expect(differing).toEqual([]);
    expect(report.added).toEqual([]);
    expect(report.changed).toEqual([]);
    expect(report.removed).toEqual([]);
    expect(report.files).toBeGreaterThan(0);
  });

  test('removing a cluster reports exactly its files as removed', () => {
    const out = path.join(tempDir(), 'dist');
    synthesizeFleet(fleetOf(), { outdir: out });
    const before = readTree(out);
    const report = synthesizeFleet(fleetOf({}, ['storage']), { outdir: out });
    const storageFiles = [...before.keys()].filter((p) => p.startsWith('clusters/storage/')).sort();
    expect(storageFiles.length).toBeGreaterThan(0);
    expect(report.removed).toEqual(storageFiles);
    expect(report.changed.every((p) => !p.startsWith('clusters/'))).toBe(true);
    expect(report.added).toEqual([]);
  });
});
