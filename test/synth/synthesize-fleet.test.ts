import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Lazy } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { loadFleetFile } from '../../lib/fleet-file/fleet-file';
import { synthesizeFleet, readTree } from '../../lib/synth/synthesize-fleet';
import { copyTree, REPO_ROOT, runCdk8sSynth, runMainApp, tempDir } from '../support/repo';
import { testFleet } from '../support/test-fleet';

const EXAMPLE = path.join(REPO_ROOT, 'apps', 'fleet.yaml');
const DIST = path.join(REPO_ROOT, 'dist');

/** The example fleet with one cluster broken (a release that does not exist). */
function brokenFleetFile(): string {
  const file = path.join(tempDir(), 'fleet.yaml');
  const text = fs.readFileSync(EXAMPLE, 'utf8').replace('  lab:\n    release: "4.19.3"', '  lab:\n    release: "9.9.9"');
  expect(text).toContain('"9.9.9"');
  fs.writeFileSync(file, text);
  return file;
}

describe('synthesizeFleet', () => {
  test('is deterministic: two runs give byte-identical trees', () => {
    const a = path.join(tempDir(), 'dist');
    const b = path.join(tempDir(), 'dist');
    synthesizeFleet(loadFleetFile(EXAMPLE), { outdir: a });
    synthesizeFleet(loadFleetFile(EXAMPLE), { outdir: b });
    const treeA = readTree(a);
    expect(treeA.size).toBeGreaterThan(4);
    expect(readTree(b)).toEqual(treeA);
  });

  test('lays out one folder per cluster, one file per object, and a kustomization listing exactly those files', () => {
    const out = path.join(tempDir(), 'dist');
    const report = synthesizeFleet(loadFleetFile(EXAMPLE), { outdir: out });
    const clusters = fs.readdirSync(path.join(out, 'clusters')).sort();
    expect(clusters.length).toBe(report.clusters);
    let objects = 0;
    for (const cluster of clusters) {
      // The cluster folder and, when it has one, its setup/ folder (applied first).
      const dirs = [path.join(out, 'clusters', cluster), path.join(out, 'clusters', cluster, 'setup')].filter((d) => fs.existsSync(d));
      for (const dir of dirs) {
        const files = fs.readdirSync(dir).filter((f) => f !== 'kustomization.yaml' && fs.statSync(path.join(dir, f)).isFile()).sort();
        const kustomization = fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8');
        expect(kustomization).toContain('kind: Kustomization');
        const listed = kustomization.split('\n').filter((l) => l.startsWith('  - ')).map((l) => l.slice(4));
        expect(listed).toEqual(files);
        for (const f of files) expect(f).toMatch(/^([a-z0-9.-]+_)?[a-z]+_[a-z0-9.-]+\.yaml$/);
        objects += files.length;
      }
    }
    expect(objects).toBe(report.objects);
  });

  test('an exception inside the last cluster, after the others were staged, fails the run and leaves the output untouched', () => {
    const parent = tempDir();
    const out = path.join(parent, 'dist');
    const fleetWith = (broken: boolean) => {
      const fleet = testFleet();
      fleet.addCluster('fine', { release: '4.18.12', pools: { gpu: {} } });
      const last = fleet.addCluster('zz-boom', { release: '4.18.12', pools: { gpu: {} } });
      if (broken) {
        new ApiObject(last, 'Broken', {
          apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'kmods-system' },
          data: { value: Lazy.any({ produce: () => { throw new Error('generator failed in cluster zz-boom'); } }) },
        } as any);
      }
      return fleet;
    };
    synthesizeFleet(fleetWith(false), { outdir: out });
    const before = readTree(out);
    const beside = fs.readdirSync(parent);
    let staged = 0;
    // 'fine' sorts first, so its files are staged before 'zz-boom' throws.
    const fleet = fleetWith(true);
    expect(fleet.clusterNames).toEqual(['fine', 'zz-boom']);
    expect(() => synthesizeFleet(fleet, {
      outdir: out, onProgress: (p) => { staged = Math.max(staged, p.clustersDone); },
    })).toThrow(/generator failed in cluster zz-boom/);
    expect(staged).toBe(1);
    expect(readTree(out)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(beside);
    expect(beside).toEqual(['dist']);
  });
});

describe('the default app', () => {
  test('a fleet with one broken cluster exits non-zero, says why, and leaves dist/ byte-for-byte unchanged', () => {
    const out = path.join(tempDir(), 'dist');
    copyTree(DIST, out);
    const before = readTree(out);
    const result = runMainApp({ KMODS_FLEET_FILE: brokenFleetFile(), KMODS_OUTDIR: out });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/clusters\.lab\.release: cluster "lab": release is not in the fleet's release catalog; given "9\.9\.9"/);
    expect(result.stderr).toContain('left unchanged');
    expect(readTree(out)).toEqual(before);
  });

  test('`cdk8s synth` cannot wipe dist/: the CLI only cleans .cdk8s.out, and a failing run changes nothing', () => {
    const out = path.join(tempDir(), 'dist');
    copyTree(DIST, out);
    const before = readTree(out);
    const committed = readTree(DIST);
    const failed = runCdk8sSynth({ KMODS_FLEET_FILE: brokenFleetFile(), KMODS_OUTDIR: out });
    expect(failed.status).not.toBe(0);
    expect(readTree(out)).toEqual(before);
    expect(readTree(DIST)).toEqual(committed);

    const ok = runCdk8sSynth({ KMODS_OUTDIR: out });
    expect(ok.status, ok.stderr).toBe(0);
    expect(readTree(out)).toEqual(committed);
    expect(fs.readFileSync(path.join(REPO_ROOT, '.cdk8s.out', 'synth-report.yaml'), 'utf8')).toMatch(/clusters: \d+/);
  });
});
