import { NODE_LABEL_POLICY_NAME } from '../../lib/delivery/daemonset/node-label-policy';
import { describe, expect, it } from 'vitest';
import { ARGOCD_SYNC_OPTIONS_ANNOTATION, ARGOCD_SYNC_WAVE_ANNOTATION } from '../../lib/gitops/argocd/argocd-engine';
import { FLUX_PRUNE_ANNOTATION } from '../../lib/gitops/flux/flux-engine';
import { GitOpsEngine } from '../../lib/gitops/gitops-props';
import { renderTestFleet } from './test-fleet';

// The cluster folders exactly as the pipeline writes them (renderFleet, GitOps annotations applied there).
const wave = (o: any): number => Number(o.metadata.annotations[ARGOCD_SYNC_WAVE_ANNOTATION]);
const RBAC = new Set(['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);
const OPERATOR_KINDS = new Set(['Module', 'PreflightValidationOCP', 'NodeFeatureDiscovery']);
/** The required apply order, as groups of kinds. */
const STAGES: ReadonlyArray<[string, (o: any) => boolean]> = [
  ['identity guard', (o) => o.kind.startsWith('ValidatingAdmissionPolicy')],
  ['namespaces', (o) => o.kind === 'Namespace'],
  ['RBAC', (o) => RBAC.has(o.kind)],
  ['MachineConfigs', (o) => o.kind === 'MachineConfig'],
  ['pools', (o) => o.kind === 'MachineConfigPool'],
  ['builds', (o) => o.kind === 'ImageStream' || o.kind === 'BuildConfig'],
  ['loaders', (o) => o.kind === 'DaemonSet' || o.kind === 'Module'],
];

describe('cluster folders', () => {
  const { files, clusters } = renderTestFleet();

  it('cover the guard, operators, pools, MachineConfigs, builds, DaemonSet loaders and KMM Modules', () => {
    const kinds = new Set([...clusters.values()].flat().map((o) => o.kind));
    for (const k of ['ValidatingAdmissionPolicy', 'Subscription', 'Namespace', 'MachineConfigPool', 'MachineConfig', 'MachineConfiguration',
      'ImageStream', 'BuildConfig', 'DaemonSet', 'Module', 'PreflightValidationOCP', 'NodeFeatureDiscovery']) {
      expect(kinds, k).toContain(k);
    }
  });

  for (const [cluster, objects] of clusters) {
    it(`${cluster}: every object has a sync wave, and the waves keep the apply order`, () => {
      for (const o of objects) expect(Number.isInteger(wave(o)), `${o.kind} ${o.metadata.name}`).toBe(true);
      const present = STAGES.filter(([, f]) => objects.some(f));
      expect(present.map(([name]) => name)).toEqual(STAGES.map(([name]) => name).filter((n) => n !== 'builds' || cluster === 'gpu-prod'));
      for (let i = 1; i < present.length; i++) {
        const earlier = objects.filter(present[i - 1][1]);
        const later = objects.filter(present[i][1]);
        expect(Math.max(...earlier.map(wave)), `${present[i - 1][0]} before ${present[i][0]}`).toBeLessThan(Math.min(...later.map(wave)));
      }
    });

    it(`${cluster}: each pool's health is judged after its MachineConfigs, before the loaders of its nodes`, () => {
      const pools = objects.filter((o) => o.kind === 'MachineConfigPool');
      const mcs = objects.filter((o) => o.kind === 'MachineConfig');
      expect(mcs.length).toBeGreaterThan(0);
      for (const mc of mcs) {
        const role = mc.metadata.labels['machineconfiguration.openshift.io/role'];
        const pool = pools.find((p) => p.metadata.name === role);
        expect(pool, `pool of ${mc.metadata.name}`).toBeDefined();
        expect(wave(mc)).toBeLessThan(wave(pool));
      }
      const loaders = objects.filter((o) => o.kind === 'DaemonSet' || o.kind === 'Module');
      expect(loaders.length).toBeGreaterThan(0);
      for (const l of loaders) expect(Math.max(...pools.map(wave))).toBeLessThan(wave(l));
    });

    it(`${cluster}: every node-level object is protected from prune and delete, nothing else is`, () => {
      const nodeObjects = objects.filter((o) => ['MachineConfig', 'MachineConfigPool', 'MachineConfiguration'].includes(o.kind));
      expect(nodeObjects.length).toBeGreaterThanOrEqual(2);
      for (const o of nodeObjects) {
        const options = o.metadata.annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION].split(',');
        expect(options, `${o.kind} ${o.metadata.name}`).toEqual(expect.arrayContaining(['Prune=false', 'Delete=false']));
        expect(o.metadata.annotations[FLUX_PRUNE_ANNOTATION]).toBe('disabled');
      }
      for (const o of objects.filter((x) => !nodeObjects.includes(x))) {
        expect(o.metadata.annotations[FLUX_PRUNE_ANNOTATION], `${o.kind} ${o.metadata.name}`).toBeUndefined();
        expect(o.metadata.annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION] ?? '').not.toContain('Prune=false');
      }
    });

    it(`${cluster}: operator-installed kinds skip Argo CD's dry run and sit in the main folder, their operator in setup/`, () => {
      const custom = objects.filter((o) => OPERATOR_KINDS.has(o.kind));
      expect(custom.length).toBeGreaterThan(0);
      for (const o of custom) {
        expect(o.metadata.annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION]).toContain('SkipDryRunOnMissingResource=true');
      }
      const setupFiles = [...files.keys()].filter((p) => p.startsWith(`clusters/${cluster}/setup/`) && !p.endsWith('kustomization.yaml'));
      const setupKinds = setupFiles.map((p) => files.get(p).kind).sort();
      // The identity guard, and, with DaemonSet loaders, the policy that lets a loader change only its own node label.
      const loaders = objects.some((o) => o.kind === 'DaemonSet');
      expect(setupKinds).toEqual(['Namespace', 'OperatorGroup', 'Subscription',
        ...(loaders ? ['ValidatingAdmissionPolicy'] : []), 'ValidatingAdmissionPolicy', ...(loaders ? ['ValidatingAdmissionPolicyBinding'] : []), 'ValidatingAdmissionPolicyBinding']);
      const policies = setupFiles.map((p) => files.get(p)).filter((o) => o.kind === 'ValidatingAdmissionPolicy').map((o) => o.metadata.name);
      expect(policies.includes(NODE_LABEL_POLICY_NAME)).toBe(loaders);
      const mainFiles = [...files.keys()].filter((p) => p.startsWith(`clusters/${cluster}/`) && p.split('/').length === 3 && !p.endsWith('kustomization.yaml'));
      expect(mainFiles.map((p) => files.get(p).kind)).toEqual(expect.arrayContaining([...new Set(custom.map((o) => o.kind))]));
      expect(files.get(`clusters/${cluster}/kustomization.yaml`).resources).not.toContain('setup');
    });

    it(`${cluster}: every object carries its cluster label (what the identity guard selects)`, () => {
      for (const o of objects) expect(o.metadata.labels?.['cdk8s-kmods.io/cluster'], `${o.kind} ${o.metadata.name}`).toBe(cluster);
    });
  }

  it('the Flux-only output carries no Argo CD annotations, and the reverse', () => {
    const flux = [...renderTestFleet({ engines: [GitOpsEngine.FLUX] }).clusters.values()].flat();
    const argo = [...renderTestFleet({ engines: [GitOpsEngine.ARGOCD] }).clusters.values()].flat();
    expect(flux.length).toBeGreaterThan(10);
    expect(argo.length).toBe(flux.length);
    for (const o of flux) expect(Object.keys(o.metadata.annotations ?? {}).filter((k) => k.startsWith('argocd.argoproj.io/'))).toEqual([]);
    for (const o of argo) expect(Object.keys(o.metadata.annotations ?? {}).filter((k) => k.startsWith('kustomize.toolkit.fluxcd.io/'))).toEqual([]);
  });
});
