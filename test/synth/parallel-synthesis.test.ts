import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { Fleet } from '../../lib/fleet/fleet';
import { fleetDefinitionOf, fleetPropsOfDefinition, isPlainData } from '../../lib/fleet/fleet-definition';
import { KernelModule } from '../../lib/module/kernel-module';
import { GitSource, moduleSourceFromData } from '../../lib/module/module-source';
import { GitOpsEngine } from '../../lib/gitops/gitops-props';
import { STATE_FILE } from '../../lib/synth/synthesis-state';
import { RenderPool, WAIT_FOR_WORKERS_ENV } from '../../lib/synth/render-pool';
import { readTree, SynthesisReport, synthesizeFleet } from '../../lib/synth/synthesize-fleet';
import { tempDir } from '../support/repo';
import { fleetOfSize, fleetOfSizeClusterName, NVIDIA_MODULE, SIZED_FLEET_MODULES, TEST_RELEASES } from '../support/test-fleet';

const SIZE = 64;
const LIBRARY = 'parallel-test';

/** The report without its folder (the two runs write to different folders). */
function comparable(report: SynthesisReport): Omit<SynthesisReport, 'outdir'> {
  const { outdir: _outdir, ...rest } = report;
  return rest;
}

/** Names beside `dir` in its parent folder (staging or previous leftovers would show here). */
function siblings(dir: string): string[] {
  return fs.readdirSync(path.dirname(dir)).sort();
}

// Every unit goes to a worker (the main thread renders none while they start), so these tests
// exercise the worker path whatever the machine's speed.
beforeAll(() => { process.env[WAIT_FOR_WORKERS_ENV] = '1'; });
afterAll(() => { delete process.env[WAIT_FOR_WORKERS_ENV]; });

describe('the fleet definition', () => {
  test('is plain data that rebuilds equal catalogs and GitOps settings', () => {
    const fleet = fleetOfSize(2);
    const definition = fleet.definition;
    expect(definition).toBeDefined();
    expect(isPlainData(definition)).toBe(true);
    expect(structuredClone(definition)).toEqual(definition);
    const rebuilt = new Fleet(fleetPropsOfDefinition(structuredClone(definition!)));
    expect(rebuilt.gitops).toEqual(fleet.gitops);
    expect(rebuilt.releases.tryGet('4.18.12')).toEqual(fleet.releases.tryGet('4.18.12'));
    for (const name of fleet.modules.names) expect(rebuilt.modules.tryGet(name)).toEqual(fleet.modules.tryGet(name));
  });

  test('maps KernelModule instances back to their props, and sources to data and back', () => {
    const module = new KernelModule(NVIDIA_MODULE);
    const definition = fleetDefinitionOf({ releases: TEST_RELEASES, modules: [module] });
    expect(definition?.modules[0]).toEqual({ ...NVIDIA_MODULE, source: { git: (NVIDIA_MODULE.source as GitSource).props } });
    for (const m of SIZED_FLEET_MODULES) expect(moduleSourceFromData(m.source.toData()!)).toEqual(m.source);
  });

  test('is undefined for a subclass of a source or module, or a function in the props', () => {
    class MyGit extends GitSource {}
    class MyModule extends KernelModule {}
    const mySource = { ...NVIDIA_MODULE, source: new MyGit({ url: 'https://git.example.com/x.git', ref: 'v1' }) };
    expect(fleetDefinitionOf({ releases: TEST_RELEASES, modules: [mySource] })).toBeUndefined();
    expect(fleetDefinitionOf({ releases: TEST_RELEASES, modules: [new MyModule(NVIDIA_MODULE)] })).toBeUndefined();
    const withFunction = { ...NVIDIA_MODULE, loadOrder: [{ name: 'nvidia', get parameters() { return {}; } }] };
    expect(fleetDefinitionOf({ releases: TEST_RELEASES, modules: [withFunction] })).toBeUndefined();
    expect(fleetDefinitionOf({ releases: TEST_RELEASES, modules: [NVIDIA_MODULE] })).toBeDefined();
  });
});

describe('synthesis in worker threads', () => {
  test('writes byte for byte what in-process synthesis writes, with the same report and state, cold and over a changed fleet', () => {
    const inProcess = path.join(tempDir(), 'dist');
    const parallel = path.join(tempDir(), 'dist');
    const cold0 = synthesizeFleet(fleetOfSize(SIZE), { outdir: inProcess, workers: 0, libraryVersion: LIBRARY });
    const next = vi.spyOn(RenderPool.prototype, 'next');
    let cold2: SynthesisReport;
    try {
      cold2 = synthesizeFleet(fleetOfSize(SIZE), { outdir: parallel, workers: 2, libraryVersion: LIBRARY });
      // Every unit came from a worker thread.
      expect(next.mock.results.filter((r) => r.value !== undefined).length).toBe(SIZE);
    } finally {
      next.mockRestore();
    }
    const tree = readTree(inProcess);
    expect(tree.size).toBeGreaterThan(SIZE * 40);
    expect(tree.has(`bootstrap/${fleetOfSizeClusterName(0)}/argocd/kustomization.yaml`)).toBe(true);
    expect(readTree(parallel)).toEqual(tree);
    expect(comparable(cold2)).toEqual(comparable(cold0));
    expect(cold0.rendered).toBe(SIZE);
    expect(cold0.added.length).toBe(cold0.files);

    // A module every cluster loads changes: every unit is rendered again and compared with the
    // previous output (changed files, unchanged ones); the state file records the same.
    const edited0 = synthesizeFleet(fleetOfSize(SIZE, { edit: 'module' }), { outdir: inProcess, workers: 0, libraryVersion: LIBRARY });
    const edited2 = synthesizeFleet(fleetOfSize(SIZE, { edit: 'module' }), { outdir: parallel, workers: 2, libraryVersion: LIBRARY });
    expect(edited0.changed.length).toBeGreaterThan(SIZE);
    expect(edited0.added.length + edited0.changed.length).toBeLessThan(edited0.files);
    expect(comparable(edited2)).toEqual(comparable(edited0));
    expect(readTree(parallel)).toEqual(readTree(inProcess));
    expect(siblings(parallel)).toEqual(['dist']);
  });

  test('an incremental run renders its changed clusters in workers into the update folder, with the same result as in-process', () => {
    const inProcess = path.join(tempDir(), 'dist');
    const parallel = path.join(tempDir(), 'dist');
    for (const out of [inProcess, parallel]) synthesizeFleet(fleetOfSize(SIZE), { outdir: out, workers: 0, libraryVersion: LIBRARY });
    const oldUnit = readTree(parallel);
    // The first cluster's pool changes; everything else is carried over.
    const one0 = synthesizeFleet(fleetOfSize(SIZE, { edit: 'cluster' }), { outdir: inProcess, workers: 0, libraryVersion: LIBRARY });
    // The changed cluster's unit really comes from a worker (not the in-process fallback).
    const next = vi.spyOn(RenderPool.prototype, 'next');
    let one2: SynthesisReport;
    try {
      one2 = synthesizeFleet(fleetOfSize(SIZE, { edit: 'cluster' }), { outdir: parallel, workers: 2, libraryVersion: LIBRARY });
      expect(next.mock.results.map((r) => (r.value as { name?: string } | undefined)?.name)).toEqual([fleetOfSizeClusterName(0)]);
    } finally {
      next.mockRestore();
    }
    expect(one2.rendered).toBe(1);
    expect(one2.changed.length).toBeGreaterThan(0);
    expect(one2.changed.every((f) => f.includes(fleetOfSizeClusterName(0)))).toBe(true);
    expect(comparable(one2)).toEqual(comparable(one0));
    const tree = readTree(parallel);
    expect(tree).toEqual(readTree(inProcess));
    expect(tree).not.toEqual(oldUnit);
    expect(siblings(parallel)).toEqual(['dist']);
  });

  test('an exception in a worker fails the run and leaves the output folder byte-identical, with nothing beside it', () => {
    const out = path.join(tempDir(), 'dist');
    synthesizeFleet(fleetOfSize(SIZE), { outdir: out, workers: 0, libraryVersion: LIBRARY });
    const before = readTree(out);
    const fleet = fleetOfSize(SIZE);
    // A plan naming a release the catalogs lack: rendering it throws (in a worker here).
    const broken = fleetOfSizeClusterName(SIZE - 20);
    const plan = fleet.plan.bind(fleet);
    vi.spyOn(fleet, 'plan').mockImplementation((name) => (name === broken ? { ...plan(name), releases: ['9.9.9'] } : plan(name)));
    expect(() => synthesizeFleet(fleet, { outdir: out, workers: 2, full: true, libraryVersion: LIBRARY })).toThrow(/release 9\.9\.9 is not in the fleet's catalog/);
    expect(readTree(out)).toEqual(before);
    expect(siblings(out)).toEqual(['dist']);
  });

  test('a fleet whose definition is not plain data renders in-process, with the same output', () => {
    class PinnedGit extends GitSource {}
    const fleetWith = (subclass: boolean): Fleet => {
      const modules = SIZED_FLEET_MODULES.map((m) => (subclass && m.name === 'nvidia' ? { ...m, source: new PinnedGit((m.source as GitSource).props) } : m));
      const fleet = new Fleet({ releases: TEST_RELEASES, modules, gitops: { engine: GitOpsEngine.BOTH, repoURL: 'https://git.example.com/platform/fleet.git' } });
      const sized = fleetOfSize(SIZE);
      for (const name of sized.clusterNames) {
        const p = sized.plan(name);
        fleet.defineCluster(name, {
          release: p.release,
          upgradeTo: p.upgradeTo,
          pools: Object.fromEntries(p.pools.map((pool) => [pool.name, { maxUnavailable: pool.maxUnavailable, modules: [...pool.modules] }])),
        });
      }
      return fleet;
    };
    const subclassed = fleetWith(true);
    expect(subclassed.definition).toBeUndefined();
    expect(fleetWith(false).definition).toBeDefined();
    const a = path.join(tempDir(), 'dist');
    const b = path.join(tempDir(), 'dist');
    const plain = synthesizeFleet(fleetWith(false), { outdir: a, workers: 0, libraryVersion: LIBRARY });
    // With the test variable set, a pool would render every unit in a worker (and a worker
    // cannot rebuild PinnedGit); this fleet starts none, and its output is the same.
    const fallback = synthesizeFleet(subclassed, { outdir: b, workers: 2, libraryVersion: LIBRARY });
    expect(comparable(fallback)).toEqual(comparable(plain));
    // The state file differs only in the input hashes (they name the source's class).
    const withoutState = (tree: Map<string, string>) => new Map([...tree].filter(([f]) => f !== STATE_FILE));
    expect(withoutState(readTree(b))).toEqual(withoutState(readTree(a)));
    expect(readTree(a).size).toBeGreaterThan(SIZE * 40);
  });
});
