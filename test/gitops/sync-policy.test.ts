import { describe, expect, it } from 'vitest';
import { applyGitOpsPolicy as apply } from '../../lib/gitops/annotate';
import { ARGOCD_SYNC_OPTIONS_ANNOTATION, ARGOCD_SYNC_WAVE_ANNOTATION } from '../../lib/gitops/argocd/argocd-engine';
import { FLUX_PRUNE_ANNOTATION } from '../../lib/gitops/flux/flux-engine';
import { GitOpsEngine } from '../../lib/gitops/gitops-props';
import { groupOf, KIND_POLICIES, policyFor, SyncWave } from '../../lib/gitops/sync-policy';
import { isClusterScoped } from '../../lib/synth/object-scope';
import { loadCrds, sharedAvailable } from './shared-crds';

const mc = { apiVersion: 'machineconfiguration.openshift.io/v1', kind: 'MachineConfig', metadata: { name: '50-gpu-kmods', labels: { a: 'b' } }, spec: {} };
const module = { apiVersion: 'kmm.sigs.x-k8s.io/v1beta1', kind: 'Module', metadata: { name: 'gpfs', namespace: 'kmods-system' }, spec: {} };
const ds = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'x', namespace: 'kmods-system', annotations: { keep: 'me' } }, spec: {} };

/** One engine, or `both` (Argo CD and Flux). */
const applyGitOpsPolicy = (m: any, engine: GitOpsEngine) => apply(m, [engine]);

describe('applyGitOpsPolicy', () => {
  it('protects MachineConfigs from pruning and deletion in both engines', () => {
    const out = applyGitOpsPolicy(mc, GitOpsEngine.BOTH);
    expect(out.metadata.annotations[ARGOCD_SYNC_WAVE_ANNOTATION]).toBe(String(SyncWave.MACHINE_CONFIGS));
    expect(out.metadata.annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION]).toBe('Prune=false,Delete=false');
    expect(out.metadata.annotations[FLUX_PRUNE_ANNOTATION]).toBe('disabled');
    expect(out.metadata.labels).toEqual({ a: 'b' });
  });

  it('skips the dry run for kinds whose CRD an operator installs', () => {
    const out = applyGitOpsPolicy(module, GitOpsEngine.ARGOCD);
    expect(out.metadata.annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION]).toBe('SkipDryRunOnMissingResource=true');
    expect(out.metadata.annotations[FLUX_PRUNE_ANNOTATION]).toBeUndefined();
  });

  it('adds only the chosen engine\'s annotations', () => {
    const flux = applyGitOpsPolicy(mc, GitOpsEngine.FLUX).metadata.annotations;
    expect(Object.keys(flux)).toEqual([FLUX_PRUNE_ANNOTATION]);
    const argo = applyGitOpsPolicy(mc, GitOpsEngine.ARGOCD).metadata.annotations;
    expect(Object.keys(argo).sort()).toEqual([ARGOCD_SYNC_OPTIONS_ANNOTATION, ARGOCD_SYNC_WAVE_ANNOTATION]);
  });

  it('keeps existing annotations and merges sync options without repeats', () => {
    const withOptions = { ...mc, metadata: { ...mc.metadata, annotations: { [ARGOCD_SYNC_OPTIONS_ANNOTATION]: 'ServerSideApply=true, Prune=false' } } };
    expect(applyGitOpsPolicy(withOptions, GitOpsEngine.ARGOCD).metadata.annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION])
      .toBe('ServerSideApply=true,Prune=false,Delete=false');
    const out = applyGitOpsPolicy(ds, GitOpsEngine.ARGOCD);
    expect(out.metadata.annotations).toEqual({ keep: 'me', [ARGOCD_SYNC_WAVE_ANNOTATION]: String(SyncWave.LOADERS) });
    expect(out.metadata.annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION]).toBeUndefined();
  });

  it('does not change its input', () => {
    const before = JSON.stringify(ds);
    applyGitOpsPolicy(ds, GitOpsEngine.BOTH);
    expect(JSON.stringify(ds)).toBe(before);
  });

  it('refuses a kind whose scope nothing knows, naming registerKind', () => {
    expect(() => applyGitOpsPolicy({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 's', namespace: 'n' } }, GitOpsEngine.ARGOCD))
      .toThrow(/no GitOps sync policy for Widget \(example.com\/v1\).*registerKind\(\{ group: "example.com", kind: "Widget"/);
    expect(() => applyGitOpsPolicy({ kind: 'X' }, GitOpsEngine.ARGOCD)).toThrow(/not a Kubernetes object/);
  });

  it('matches kinds by group, not by name alone', () => {
    expect(groupOf('v1')).toBe('');
    expect(groupOf('apps/v1')).toBe('apps');
    expect(() => policyFor('example.com/v1', 'Module')).toThrow(/no GitOps sync policy/);
  });
});

describe('the kind table', () => {
  it('lists every kind once', () => {
    const keys = KIND_POLICIES.map((p) => `${p.group}/${p.kind}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('orders the waves guard → Namespace/RBAC → MachineConfig → MachineConfigPool → ImageStream/BuildConfig → loaders', () => {
    const wave = (kind: string) => KIND_POLICIES.find((p) => p.kind === kind)!.wave;
    const order = [['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'], ['Namespace'], ['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'], ['MachineConfig'], ['MachineConfigPool'],
      ['ImageStream', 'BuildConfig'], ['DaemonSet', 'Module']];
    for (let i = 1; i < order.length; i++) {
      for (const later of order[i]) for (const earlier of order[i - 1]) expect(wave(earlier), `${earlier} before ${later}`).toBeLessThan(wave(later));
    }
    expect(wave('ImageStream')).toBe(wave('BuildConfig'));
  });

  it('protects exactly the kinds whose change or removal reboots nodes', () => {
    const protectedKinds = KIND_POLICIES.filter((p) => p.rebootProtected).map((p) => p.kind).sort();
    expect(protectedKinds).toEqual(['MachineConfig', 'MachineConfigPool', 'MachineConfiguration']);
  });

  it('agrees with the output checks on which kinds are cluster-scoped', () => {
    for (const p of KIND_POLICIES) expect(isClusterScoped(p.kind, p.group ? `${p.group}/v1` : 'v1'), p.kind).toBe(!p.namespaced);
  });

  it.skipIf(!sharedAvailable)('agrees with the upstream CRDs on scope and resource name', () => {
    const crds = loadCrds();
    let checked = 0;
    for (const p of KIND_POLICIES) {
      const crd = crds.find((c) => c?.spec?.group === p.group && c?.spec?.names?.kind === p.kind);
      if (!crd) continue;
      checked++;
      expect(crd.spec.scope, p.kind).toBe(p.namespaced ? 'Namespaced' : 'Cluster');
      expect(crd.spec.names.plural, p.kind).toBe(p.resource);
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });
});
