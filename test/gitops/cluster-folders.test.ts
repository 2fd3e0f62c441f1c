import { describe, expect, it } from 'vitest';
import { GitOpsEngine } from '../../lib/gitops/gitops-props';
import {
  applyGitOpsPolicy, ARGOCD_SYNC_OPTIONS_ANNOTATION, ARGOCD_SYNC_WAVE_ANNOTATION, FLUX_PRUNE_ANNOTATION,
} from '../../lib/gitops/sync-policy';
import { gitopsTestFleet } from '../support/test-fleet';
import { renderedManifests } from './rendered-manifests';

/** Every cluster folder of the test fleet, as the pipeline writes it (policy applied to each object). */
function clusterFolders(engine: GitOpsEngine): Map<string, any[]> {
  const fleet = gitopsTestFleet({ engine });
  const out = new Map<string, any[]>();
  for (const [cluster, objects] of renderedManifests(fleet)) out.set(cluster, objects.map((o) => applyGitOpsPolicy(o, engine)));
  return out;
}

const wave = (o: any): number => Number(o.metadata.annotations[ARGOCD_SYNC_WAVE_ANNOTATION]);
const RBAC = new Set(['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);
/** The required apply order, as groups of kinds. */
const STAGES: ReadonlyArray<(o: any) => boolean> = [
  (o) => o.kind === 'Namespace',
  (o) => RBAC.has(o.kind),
  (o) => o.kind === 'MachineConfigPool',
  (o) => o.kind === 'MachineConfig',
  (o) => o.kind === 'ImageStream' || o.kind === 'BuildConfig',
  (o) => o.kind === 'DaemonSet' || o.kind === 'Module',
];

describe('cluster folders', () => {
  const folders = clusterFolders(GitOpsEngine.BOTH);

  it('cover pools, MachineConfigs, builds, DaemonSet loaders and KMM Modules', () => {
    const kinds = new Set([...folders.values()].flat().map((o) => o.kind));
    for (const k of ['Namespace', 'MachineConfigPool', 'MachineConfig', 'ImageStream', 'BuildConfig', 'DaemonSet', 'Module', 'PreflightValidationOCP']) {
      expect(kinds, k).toContain(k);
    }
  });

  for (const [cluster, objects] of folders) {
    it(`${cluster}: every object has a sync wave, and the waves keep the apply order`, () => {
      for (const o of objects) expect(Number.isInteger(wave(o)), `${o.kind} ${o.metadata.name}`).toBe(true);
      for (let i = 1; i < STAGES.length; i++) {
        const earlier = objects.filter(STAGES[i - 1]);
        const later = objects.filter(STAGES[i]);
        if (earlier.length === 0 || later.length === 0) continue;
        expect(Math.max(...earlier.map(wave)), `stage ${i - 1} before stage ${i}`).toBeLessThan(Math.min(...later.map(wave)));
      }
      // Each MachineConfig lands after the pool of its role exists.
      for (const mc of objects.filter((o) => o.kind === 'MachineConfig')) {
        const role = mc.metadata.labels?.['machineconfiguration.openshift.io/role'];
        const pool = objects.find((o) => o.kind === 'MachineConfigPool' && o.metadata.name === role);
        if (pool) expect(wave(pool)).toBeLessThan(wave(mc));
      }
    });

    it(`${cluster}: every MachineConfig and MachineConfigPool is protected from prune and delete`, () => {
      const nodeObjects = objects.filter((o) => o.kind === 'MachineConfig' || o.kind === 'MachineConfigPool');
      expect(nodeObjects.length).toBeGreaterThanOrEqual(2);
      for (const o of nodeObjects) {
        const options = o.metadata.annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION].split(',');
        expect(options, `${o.kind} ${o.metadata.name}`).toEqual(expect.arrayContaining(['Prune=false', 'Delete=false']));
        expect(o.metadata.annotations[FLUX_PRUNE_ANNOTATION]).toBe('disabled');
      }
      for (const o of objects.filter((x) => !['MachineConfig', 'MachineConfigPool', 'MachineConfiguration'].includes(x.kind))) {
        expect(o.metadata.annotations[FLUX_PRUNE_ANNOTATION], `${o.kind} ${o.metadata.name}`).toBeUndefined();
        expect(o.metadata.annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION] ?? '').not.toContain('Prune=false');
      }
    });

    it(`${cluster}: operator-installed kinds skip the dry run`, () => {
      for (const o of objects.filter((x) => x.kind === 'Module' || x.kind === 'PreflightValidationOCP' || x.kind === 'NodeFeatureDiscovery')) {
        expect(o.metadata.annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION]).toContain('SkipDryRunOnMissingResource=true');
      }
    });
  }

  it('the Flux-only output carries no Argo CD annotations, and the reverse', () => {
    for (const o of [...clusterFolders(GitOpsEngine.FLUX).values()].flat()) {
      expect(Object.keys(o.metadata.annotations ?? {}).filter((k) => k.startsWith('argocd.argoproj.io/'))).toEqual([]);
    }
    for (const o of [...clusterFolders(GitOpsEngine.ARGOCD).values()].flat()) {
      expect(o.metadata.annotations?.[FLUX_PRUNE_ANNOTATION]).toBeUndefined();
    }
  });
});
