import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { loadFleetFile } from '../../lib/fleet-file/fleet-file';
import { synthesizeFleet } from '../../lib/synth/synthesize-fleet';
import { REPO_ROOT, tempDir } from '../support/repo';
import { gitopsTestFleet } from './test-fleet';
import { buildFolder, ModelCluster, objectKey, reconcile } from './flux-model';

const DIST = path.join(REPO_ROOT, 'dist');

/** The Flux Kustomizations a cluster's bootstrap folder applies (kubectl kustomize, as `kubectl apply -k` would). */
function fluxKustomizations(dist: string, cluster: string): any[] {
  return buildFolder(path.join(dist, 'bootstrap', cluster, 'flux'))
    .filter((o) => o.kind === 'Kustomization' && String(o.apiVersion).startsWith('kustomize.toolkit.fluxcd.io/'));
}

/** Every object of a Kustomization's folder. */
function folderObjects(root: string, k: any): any[] {
  return buildFolder(path.resolve(root, k.spec.path));
}

/** A cluster that uses KMM or NFD kinds without installing the operator has it installed already (the fleet says so). */
function preinstalled(root: string, ks: ReadonlyArray<any>): string[] {
  const objects = ks.flatMap((k) => folderObjects(root, k));
  const subscribed = new Set(objects.filter((o) => o.kind === 'Subscription').map((o) => o.spec.name));
  const out: string[] = [];
  if (objects.some((o) => String(o.apiVersion).startsWith('kmm.sigs.x-k8s.io/')) && !subscribed.has('kernel-module-management')) out.push('kernel-module-management');
  if (objects.some((o) => String(o.apiVersion).startsWith('nfd.')) && !subscribed.has('nfd')) out.push('nfd');
  return out;
}

/** The synthesized GitOps test fleet (NFD installed on gpu-prod, KMM installed on edge-1), as a repository root. */
function testFleetRepo(): string {
  const root = tempDir();
  synthesizeFleet(gitopsTestFleet(), { outdir: path.join(root, 'dist') });
  return root;
}

describe('Flux staged apply (kustomize-controller + fluxcd/pkg ssa ApplyAllStaged model) over every generated Kustomization', () => {
  const example = loadFleetFile(path.join(REPO_ROOT, 'apps', 'fleet.yaml')).clusterNames;
  const testRoot = testFleetRepo();
  const cases = [
    ...example.map((c) => ({ name: `example ${c}`, root: REPO_ROOT, dist: DIST, cluster: c })),
    ...['gpu-prod', 'edge-1'].map((c) => ({ name: `test fleet ${c}`, root: testRoot, dist: path.join(testRoot, 'dist'), cluster: c })),
  ];

  for (const { name, root, dist, cluster } of cases) {
    it(`${name}: every Kustomization converges, and every object of its folders is applied`, () => {
      const ks = fluxKustomizations(dist, cluster);
      expect(ks.length).toBe(2);
      const api = new ModelCluster();
      for (const pkg of preinstalled(root, ks)) api.preinstall(pkg);
      const status = reconcile(api, ks, root);
      for (const [k, s] of status) expect(s, k).toEqual({ ready: true, message: 'applied' });
      const objects = ks.flatMap((k) => folderObjects(root, k));
      expect(objects.length).toBeGreaterThan(5);
      for (const o of objects) expect(api.objects.has(objectKey(o)), objectKey(o)).toBe(true);
    });
  }

  it('the operator installs converge only because they have their own Kustomization: the old one-folder layout deadlocks', () => {
    // What dist/flux used to apply for a cluster that installs KMM: setup and main folder in one Kustomization.
    const combined = tempDir();
    const rel = (p: string) => path.relative(combined, p);
    fs.writeFileSync(path.join(combined, 'kustomization.yaml'), `resources:\n  - ${rel(path.join(DIST, 'clusters/storage-prod'))}\n  - ${rel(path.join(DIST, 'clusters/storage-prod/setup'))}\n`);
    const k = { metadata: { name: 'kmods-storage-prod' }, spec: { path: combined, wait: true } };
    const api = new ModelCluster();
    const status = reconcile(api, [k], REPO_ROOT, 20).get('kmods-storage-prod')!;
    expect(status.ready).toBe(false);
    expect(status.message).toMatch(/no matches for kind "Module"/);
    // Nothing of the last stage applied: not the Subscription that would bring the CRD, not the MachineConfigs.
    const kinds = new Set([...api.objects.values()].map((o) => o.kind));
    expect(kinds.has('Subscription')).toBe(false);
    expect(kinds.has('MachineConfigPool')).toBe(false);
    expect(kinds.has('Namespace')).toBe(true);
  });

  it('a cluster that uses KMM without installing it waits, visibly, until the CRDs exist', () => {
    const ks = fluxKustomizations(DIST, 'gpu-staging');
    const api = new ModelCluster();
    const status = reconcile(api, ks, REPO_ROOT, 5);
    expect(status.get('kmods-gpu-staging-setup')).toEqual({ ready: false, message: 'health check failed: CustomResourceDefinition modules.kmm.sigs.x-k8s.io not found' });
    expect(status.get('kmods-gpu-staging')).toEqual({ ready: false, message: "dependency 'kmods-gpu-staging-setup' is not ready" });
    expect([...api.objects.values()].some((o) => o.kind === 'MachineConfig' || o.kind === 'MachineConfigPool')).toBe(false);
    api.preinstall('kernel-module-management');
    const after = reconcile(api, ks, REPO_ROOT, 5);
    expect([...after.values()].every((s) => s.ready)).toBe(true);
  });
});
