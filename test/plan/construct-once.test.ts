import * as fs from 'fs';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { Fleet } from '../../lib/fleet/fleet';
import { loadFleetFile } from '../../lib/fleet-file/fleet-file';
import { synthesizeFleet } from '../../lib/synth/synthesize-fleet';
import { REPO_ROOT, tempDir } from '../support/repo';
import { fleetOfSize, testFleet } from '../support/test-fleet';

/** Counts Cluster charts built: `Fleet` builds every one through its private `render(plan)`. */
function countRenders(): { readonly calls: string[] } {
  const calls: string[] = [];
  const original = (Fleet.prototype as any).render;
  vi.spyOn(Fleet.prototype as any, 'render').mockImplementation(function (this: Fleet, plan: any) {
    calls.push(plan.name);
    return original.call(this, plan);
  });
  return { calls };
}

afterEach(() => { vi.restoreAllMocks(); });

describe('each cluster is constructed exactly once per synthesis', () => {
  test('Cluster charts are built only by Fleet.render (so counting its calls counts constructions)', () => {
    const sources = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
    const constructing = sources(path.join(REPO_ROOT, 'lib')).filter((f) => /new Cluster\(/.test(fs.readFileSync(f, 'utf8')));
    expect(constructing.map((f) => path.relative(REPO_ROOT, f))).toEqual(['lib/fleet/fleet.ts']);
  });

  test('fleet.yaml: loading plans without constructing; synthesis constructs each cluster once', () => {
    const { calls } = countRenders();
    const fleet = loadFleetFile(path.join(REPO_ROOT, 'apps', 'fleet.yaml'));
    expect(fleet.clusterNames.length).toBeGreaterThan(2);
    expect(calls).toEqual([]);
    const report = synthesizeFleet(fleet, { outdir: path.join(tempDir(), 'dist') });
    expect(report.clusters).toBe(fleet.clusterNames.length);
    expect(calls).toEqual(fleet.clusterNames);
  });

  test('the fixture fleet the bench measures: defining 12 clusters constructs none, synthesis constructs each once', () => {
    const { calls } = countRenders();
    const fleet = fleetOfSize(12);
    expect(calls).toEqual([]);
    synthesizeFleet(fleet, { outdir: path.join(tempDir(), 'dist') });
    expect(calls).toEqual(fleet.clusterNames);
    expect(new Set(calls).size).toBe(12);
  });

  test('TypeScript API: addCluster constructs once, and synthesis writes that chart with the objects the user added', () => {
    const { calls } = countRenders();
    const fleet = testFleet();
    const lab = fleet.addCluster('lab', { release: '4.18.12', pools: { lab: { modules: ['simple-kmod'] } } });
    fleet.defineCluster('edge', { release: '4.18.12', pools: { edge: { modules: ['gpfs'] } } });
    new ApiObject(lab, 'Extra', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'user-extra', namespace: 'kmods-system' }, data: { a: 'b' } });
    expect(fleet.cluster('lab')).toBe(lab);
    const outdir = path.join(tempDir(), 'dist');
    synthesizeFleet(fleet, { outdir });
    expect([...calls].sort()).toEqual(['edge', 'lab']);
    const written = fs.readFileSync(path.join(outdir, 'clusters', 'lab', 'kmods-system_configmap_user-extra.yaml'), 'utf8');
    expect(written).toContain('name: user-extra');
    expect(fs.readFileSync(path.join(outdir, 'clusters', 'lab', 'kustomization.yaml'), 'utf8')).toContain('kmods-system_configmap_user-extra.yaml');
  });

  test('fleet.cluster(name) on a defined cluster builds its chart once and keeps it, so user objects added to it are written', () => {
    const { calls } = countRenders();
    const fleet = testFleet();
    fleet.defineCluster('edge', { release: '4.18.12', pools: { edge: { modules: ['gpfs'] } } });
    const edge = fleet.cluster('edge');
    new ApiObject(edge, 'Extra', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late', namespace: 'kmods-system' } });
    const outdir = path.join(tempDir(), 'dist');
    synthesizeFleet(fleet, { outdir });
    expect(calls).toEqual(['edge']);
    expect(fs.existsSync(path.join(outdir, 'clusters', 'edge', 'kmods-system_configmap_late.yaml'))).toBe(true);
  });
});
