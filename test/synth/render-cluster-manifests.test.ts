import * as path from 'path';
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { loadFleetFile } from '../../lib/fleet-file/fleet-file';
import { Manifest, manifestFileName } from '../../lib/synth/manifest';
import { applyGitOpsPolicy } from '../../lib/gitops/annotate';
import { annotatePoolMachineConfigs } from '../../lib/gitops/pool-rollout';
import { renderClusterManifests } from '../../lib/synth/render-cluster';
import { REPO_ROOT } from '../support/repo';
import { testFleet } from '../support/test-fleet';

const byFile = (manifests: ReadonlyArray<Manifest>): Array<[string, Manifest]> =>
  manifests.map((m) => [manifestFileName(m), m] as [string, Manifest]).sort(([a], [b]) => a.localeCompare(b));

describe('renderClusterManifests (cluster.toJson() without the per-chart dependency graph)', () => {
  test('gives exactly the objects cdk8s\'s Chart.toJson() gives (plus the GitOps annotations), for every cluster of the example fleet', () => {
    const fleet = loadFleetFile(path.join(REPO_ROOT, 'apps', 'fleet.yaml'));
    expect(fleet.clusters.length).toBeGreaterThan(1);
    for (const cluster of fleet.clusters) {
      const engines = fleet.gitops!.engines;
      const ours = renderClusterManifests(cluster, { gitopsEngines: engines });
      expect(ours.length).toBeGreaterThan(0);
      const cdk8s = annotatePoolMachineConfigs((cluster.toJson() as Manifest[]).map((m) => applyGitOpsPolicy(m, engines) as Manifest));
      expect(byFile(ours)).toEqual(byFile(cdk8s));
    }
  });

  test('applies JSON patches and leaves out objects of a nested chart, as cdk8s does', () => {
    const fleet = testFleet();
    const cluster = fleet.addCluster('patched', { release: '4.18.12', pools: { gpu: {} } });
    const obj = new ApiObject(cluster, 'Extra', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra', namespace: 'kmods-system' } });
    obj.addJsonPatch(JsonPatch.add('/data', { patched: 'yes' }));
    const nested = new Chart(cluster, 'Nested');
    new ApiObject(nested, 'Inner', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inner', namespace: 'kmods-system' } });
    const ours = renderClusterManifests(cluster);
    expect(ours.find((m) => m.metadata.name === 'extra')).toMatchObject({ data: { patched: 'yes' } });
    expect(ours.some((m) => m.metadata.name === 'inner')).toBe(false);
    expect(byFile(ours)).toEqual(byFile(cluster.toJson() as Manifest[]));
  });

  test('runs construct validations and fails like cdk8s, naming the construct path', () => {
    const fleet = testFleet();
    const cluster = fleet.addCluster('invalid', { release: '4.18.12', pools: { gpu: {} } });
    cluster.pools[0].node.addValidation({ validate: () => ['pool says no'] });
    expect(() => renderClusterManifests(cluster)).toThrow(/Validation failed with the following errors:\n {2}\[invalid\/gpu\] pool says no/);
    expect(() => cluster.toJson()).toThrow(/\[invalid\/gpu\] pool says no/);
  });
});
