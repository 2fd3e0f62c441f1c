/**
 * Incremental synthesis (issue 16): a cluster whose inputs are unchanged is carried over from the
 * previous output instead of rendered, and the result is byte-identical to a full synthesis.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import * as fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Fleet } from '../../lib/fleet/fleet';
import { GitOpsEngine } from '../../lib/gitops/gitops-props';
import { KernelModuleProps } from '../../lib/module/kernel-module';
import { ClusterProps } from '../../lib/plan/cluster-props';
import { readTree, synthesizeFleet, SynthesizeFleetOptions } from '../../lib/synth/synthesize-fleet';
import { STATE_FILE } from '../../lib/synth/synthesis-state';
import { tempDir } from '../support/repo';
import { NVIDIA_MODULE, PREBUILT_MODULE, TEST_RELEASES, VENDOR_NIC_MODULE } from '../support/test-fleet';

/** A fleet as plain data, so random edits are easy to make and to print when a case fails. */
interface FleetSpec {
  readonly nvidiaVersion: string;
  readonly gpfsVersion: string;
  readonly engine: GitOpsEngine | 'none';
  readonly repoURL: string;
  readonly clusters: Readonly<Record<string, ClusterProps>>;
}

const MODULES = ['nvidia', 'gpfs', 'vendor-nic'] as const;

function cluster(i: number, modules: ReadonlyArray<string> = ['nvidia', 'vendor-nic']): ClusterProps {
  return {
    release: '4.18.12',
    ...(i % 2 === 0 ? { upgradeTo: '4.19.3' } : {}),
    pools: { gpu: { maxUnavailable: 1 + (i % 3), modules }, storage: { modules: ['gpfs'] } },
  };
}

const START: FleetSpec = {
  nvidiaVersion: '570.148.08',
  gpfsVersion: '5.2.3.1',
  engine: GitOpsEngine.BOTH,
  repoURL: 'https://git.example.com/platform/fleet.git',
  clusters: { 'c-0': cluster(0), 'c-1': cluster(1), 'c-2': cluster(2, ['vendor-nic']), 'c-3': cluster(3, []) },
};

function fleetOf(spec: FleetSpec): Fleet {
  const modules: KernelModuleProps[] = [
    { ...NVIDIA_MODULE, version: spec.nvidiaVersion },
    { ...PREBUILT_MODULE, version: spec.gpfsVersion },
    VENDOR_NIC_MODULE,
  ];
  const fleet = new Fleet({
    releases: TEST_RELEASES,
    modules,
    ...(spec.engine === 'none' ? {} : { gitops: { engine: spec.engine, repoURL: spec.repoURL } }),
  });
  for (const [name, props] of Object.entries(spec.clusters)) fleet.defineCluster(name, props);
  return fleet;
}

/**
 * Each file's inode, with a hard link to every file kept in another folder so no inode is freed
 * and reused by a file the next run writes: a file with the same inode afterwards was carried
 * over, one with another inode was written anew.
 */
function pinInodes(out: string): Map<string, number> {
  const pins = tempDir();
  const inodes = new Map<string, number>();
  for (const p of readTree(out).keys()) {
    const pin = path.join(pins, p);
    fs.mkdirSync(path.dirname(pin), { recursive: true });
    fs.linkSync(path.join(out, p), pin);
    inodes.set(p, fs.statSync(pin).ino);
  }
  return inodes;
}

type Edit = (spec: FleetSpec) => FleetSpec;

const clusterName = fc.constantFrom('c-0', 'c-1', 'c-2', 'c-3', 'c-4');
const withCluster = (spec: FleetSpec, name: string, props: ClusterProps | undefined): FleetSpec => {
  const clusters = { ...spec.clusters };
  if (props) clusters[name] = props;
  else delete clusters[name];
  return { ...spec, clusters: Object.keys(clusters).length > 0 ? clusters : spec.clusters };
};

/** Edits of one cluster, of a module many clusters use, of the GitOps settings, adding and removing clusters. */
const edit: fc.Arbitrary<{ label: string; apply: Edit }> = fc.oneof(
  fc.tuple(clusterName, fc.integer({ min: 1, max: 5 })).map(([name, n]) => ({
    label: `${name}: gpu maxUnavailable ${n}`,
    apply: (s: FleetSpec) => (s.clusters[name]
      ? withCluster(s, name, { ...s.clusters[name], pools: { ...s.clusters[name].pools, gpu: { ...s.clusters[name].pools.gpu, maxUnavailable: n } } })
      : s),
  })),
  fc.tuple(clusterName, fc.subarray([...MODULES])).map(([name, modules]) => ({
    label: `${name}: gpu modules ${modules.join(',')}`,
    apply: (s: FleetSpec) => (s.clusters[name]
      ? withCluster(s, name, { ...s.clusters[name], pools: { ...s.clusters[name].pools, gpu: { ...s.clusters[name].pools.gpu, modules } } })
      : s),
  })),
  fc.tuple(clusterName, fc.boolean()).map(([name, upgrading]) => ({
    label: `${name}: ${upgrading ? 'upgrading' : 'not upgrading'}`,
    apply: (s: FleetSpec) => (s.clusters[name]
      ? withCluster(s, name, { ...s.clusters[name], upgradeTo: upgrading ? '4.19.3' : undefined })
      : s),
  })),
  fc.tuple(clusterName, fc.constantFrom('kmods-system', 'edge-kmods')).map(([name, namespace]) => ({
    label: `${name}: namespace ${namespace}`,
    apply: (s: FleetSpec) => (s.clusters[name] ? withCluster(s, name, { ...s.clusters[name], namespace }) : s),
  })),
  fc.tuple(clusterName, fc.nat(5)).map(([name, i]) => ({ label: `add/replace ${name}`, apply: (s: FleetSpec) => withCluster(s, name, cluster(i)) })),
  clusterName.map((name) => ({ label: `remove ${name}`, apply: (s: FleetSpec) => withCluster(s, name, undefined) })),
  fc.constantFrom('570.148.08', '570.172.08', '575.51.02').map((v) => ({ label: `nvidia ${v}`, apply: (s: FleetSpec) => ({ ...s, nvidiaVersion: v }) })),
  fc.constantFrom('5.2.3.1', '5.2.3.2').map((v) => ({ label: `gpfs ${v}`, apply: (s: FleetSpec) => ({ ...s, gpfsVersion: v }) })),
  fc.constantFrom<GitOpsEngine | 'none'>(GitOpsEngine.BOTH, GitOpsEngine.ARGOCD, GitOpsEngine.FLUX, 'none')
    .map((engine) => ({ label: `engine ${engine}`, apply: (s: FleetSpec) => ({ ...s, engine }) })),
  fc.constantFrom('https://git.example.com/platform/fleet.git', 'https://git.example.com/other/fleet.git')
    .map((repoURL) => ({ label: `repo ${repoURL}`, apply: (s: FleetSpec) => ({ ...s, repoURL }) })),
);

const ANY: SynthesizeFleetOptions = { allowRemoval: true };

describe('incremental synthesis is byte-identical to a full synthesis', () => {
  test('after any sequence of random edits, every file (state file included) equals a full synthesis into an empty folder', () => {
    let cases = 0;
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
      const out = path.join(tempDir(), 'dist');
      let spec = START;
      synthesizeFleet(fleetOf(spec), { ...ANY, outdir: out });
      for (const e of edits) {
        spec = e.apply(spec);
        synthesizeFleet(fleetOf(spec), { ...ANY, outdir: out });
        const full = path.join(tempDir(), 'dist');
        synthesizeFleet(fleetOf(spec), { ...ANY, outdir: full, full: true });
        const incremental = readTree(out);
        expect(incremental.has(STATE_FILE)).toBe(true);
        expect(incremental).toEqual(readTree(full));
      }
      cases += 1;
    }), { numRuns: 10, seed: 16 });
    expect(cases).toBe(10);
  }, 240_000);

  test('only what changed is rendered: nothing, one cluster, every cluster using a changed module', () => {
    const out = path.join(tempDir(), 'dist');
    expect(synthesizeFleet(fleetOf(START), { outdir: out }).rendered).toBe(4);
    const same = synthesizeFleet(fleetOf(START), { outdir: out });
    expect(same.rendered).toBe(0);
    expect([same.added, same.changed, same.removed]).toEqual([[], [], []]);
    expect(same.clusters).toBe(4);

    const one = { ...START, clusters: { ...START.clusters, 'c-1': { ...START.clusters['c-1'], namespace: 'edge-kmods' } } };
    const oneReport = synthesizeFleet(fleetOf(one), { outdir: out });
    expect(oneReport.rendered).toBe(1);
    expect(oneReport.changed.length + oneReport.added.length).toBeGreaterThan(0);

    // nvidia is loaded by c-0 and c-1 only.
    const moduleReport = synthesizeFleet(fleetOf({ ...one, nvidiaVersion: '570.172.08' }), { outdir: out });
    expect(moduleReport.rendered).toBe(2);
    expect(moduleReport.changed.filter((p) => p.startsWith('clusters/')).every((p) => /^clusters\/c-[01]\//.test(p))).toBe(true);
  }, 60_000);

  test('carried-over files are the previous files themselves (the same inode): neither read, written nor moved', () => {
    const out = path.join(tempDir(), 'dist');
    synthesizeFleet(fleetOf(START), { outdir: out });
    const inodes = pinInodes(out);
    synthesizeFleet(fleetOf({ ...START, clusters: { ...START.clusters, 'c-0': cluster(1) } }), { outdir: out });
    const carried = [...readTree(out).keys()].filter((p) => fs.statSync(path.join(out, p)).ino === inodes.get(p)).sort();
    const otherClusters = [...inodes.keys()].filter((p) => /^clusters\/c-[123]\//.test(p)).sort();
    expect(otherClusters.length).toBeGreaterThan(10);
    // c-1..c-3 are carried over; c-0 changed, and its files are written anew.
    expect(carried.filter((p) => p.startsWith('clusters/'))).toEqual(otherClusters);
  }, 60_000);

  test('a missing or corrupt state file, or a cluster folder removed by hand, only means more is rendered', () => {
    const out = path.join(tempDir(), 'dist');
    const expected = path.join(tempDir(), 'dist');
    synthesizeFleet(fleetOf(START), { outdir: expected });
    synthesizeFleet(fleetOf(START), { outdir: out });
    fs.writeFileSync(path.join(out, STATE_FILE), '{ not json');
    expect(synthesizeFleet(fleetOf(START), { outdir: out }).rendered).toBe(4);
    expect(readTree(out)).toEqual(readTree(expected));
    fs.rmSync(path.join(out, 'clusters', 'c-3'), { recursive: true });
    fs.rmSync(path.join(out, 'clusters', 'c-2', 'kustomization.yaml'));
    expect(synthesizeFleet(fleetOf(START), { outdir: out }).rendered).toBe(2);
    expect(readTree(out)).toEqual(readTree(expected));
  }, 60_000);

  test('a carried folder is trusted, not re-read: a file added by hand stays until a full run (`full`) removes it', () => {
    const out = path.join(tempDir(), 'dist');
    const expected = path.join(tempDir(), 'dist');
    synthesizeFleet(fleetOf(START), { outdir: expected });
    synthesizeFleet(fleetOf(START), { outdir: out });
    fs.writeFileSync(path.join(out, 'clusters', 'c-3', 'stray.yaml'), 'kind: Stray\n');
    expect(synthesizeFleet(fleetOf(START), { outdir: out }).rendered).toBe(0);
    expect(readTree(out).get('clusters/c-3/stray.yaml')).toBe('kind: Stray\n');
    const full = synthesizeFleet(fleetOf(START), { outdir: out, full: true });
    expect(full.rendered).toBe(4);
    expect(full.removed).toEqual(['clusters/c-3/stray.yaml']);
    expect(readTree(out)).toEqual(readTree(expected));
  }, 60_000);
});

describe('what forces a full rendering', () => {
  test('a library-version change re-renders every cluster and the GitOps wiring, with the same output', () => {
    const out = path.join(tempDir(), 'dist');
    synthesizeFleet(fleetOf(START), { outdir: out, libraryVersion: 'v1' });
    const before = readTree(out);
    expect(synthesizeFleet(fleetOf(START), { outdir: out, libraryVersion: 'v1' }).rendered).toBe(0);

    const inodes = pinInodes(out);
    const upgraded = synthesizeFleet(fleetOf(START), { outdir: out, libraryVersion: 'v2' });
    expect(upgraded.rendered).toBe(4);
    const after = readTree(out);
    // Every file was written anew (a new inode), the GitOps wiring included; only the recorded version differs.
    const rewritten = [...after.keys()].filter((p) => fs.statSync(path.join(out, p)).ino !== inodes.get(p));
    expect(rewritten.sort()).toEqual([...after.keys()].sort());
    expect(rewritten.some((p) => p.startsWith('bootstrap/') && p.includes('/argocd/')) && rewritten.some((p) => p.startsWith('bootstrap/') && p.includes('/flux/'))).toBe(true);
    for (const p of after.keys()) if (p !== STATE_FILE) expect(after.get(p)).toBe(before.get(p));
    expect(after.get(STATE_FILE)).toContain('"library": "v2"');
  }, 60_000);

  test('the default library version is a fingerprint of the library\'s sources: it is recorded and stable within a process', () => {
    const out = path.join(tempDir(), 'dist');
    synthesizeFleet(fleetOf(START), { outdir: out });
    const state = JSON.parse(fs.readFileSync(path.join(out, STATE_FILE), 'utf8')) as { library: string };
    expect(state.library).toMatch(/^[0-9a-f]{32}$/);
    expect(synthesizeFleet(fleetOf(START), { outdir: out }).rendered).toBe(0);
  }, 60_000);

  test('full: true renders everything and writes the same bytes', () => {
    const out = path.join(tempDir(), 'dist');
    synthesizeFleet(fleetOf(START), { outdir: out });
    const before = readTree(out);
    expect(synthesizeFleet(fleetOf(START), { outdir: out, full: true }).rendered).toBe(4);
    expect(readTree(out)).toEqual(before);
  }, 60_000);

  test('a cluster whose chart is kept for user-added objects is always rendered, so what the user adds is never stale', () => {
    const out = path.join(tempDir(), 'dist');
    const withUserObject = (data: string): Fleet => {
      const fleet = fleetOf(START);
      new ApiObject(fleet.cluster('c-1'), 'extra', {
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra', namespace: 'kmods-system' }, data: { value: data },
      });
      return fleet;
    };
    synthesizeFleet(withUserObject('one'), { outdir: out });
    const report = synthesizeFleet(withUserObject('two'), { outdir: out });
    expect(report.rendered).toBe(1);
    expect(report.changed).toEqual(['clusters/c-1/kmods-system_configmap_extra.yaml']);
    expect(fs.readFileSync(path.join(out, 'clusters', 'c-1', 'kmods-system_configmap_extra.yaml'), 'utf8')).toContain('value: two');
  }, 60_000);
});
