import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, Include } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Fleet } from '../../lib/fleet/fleet';
import { GitOpsEngine } from '../../lib/gitops/gitops-props';
import { registerKind } from '../../lib/gitops/kind-registration';
import { ARGOCD_SYNC_OPTIONS_ANNOTATION, ARGOCD_SYNC_WAVE_ANNOTATION } from '../../lib/gitops/argocd/argocd-engine';
import { FLUX_PRUNE_ANNOTATION } from '../../lib/gitops/flux/flux-engine';
import { SyncWave } from '../../lib/gitops/sync-policy';
import { renderFleet } from '../../lib/synth/render-fleet';
import { tempDir } from '../support/repo';
import { GIT_MODULE, TEST_RELEASES } from '../support/test-fleet';
import { lookupKind, sharedAvailable, validateManifest } from '../support/validate';
import { CLUSTER_POLICY, KUBELET_CONFIG_YAML } from './user-objects';

/** A one-cluster fleet whose chart gets the user's objects through `addObjects`. */
function fleetWith(addObjects: (cluster: ReturnType<Fleet['addCluster']>) => void, engine?: GitOpsEngine): Fleet {
  const fleet = new Fleet({
    releases: TEST_RELEASES,
    modules: [GIT_MODULE],
    ...(engine ? { gitops: { engine, repoURL: 'https://git.example.com/platform/fleet.git' } } : {}),
  });
  const cluster = fleet.addCluster('gpu-prod', { release: '4.19.3', pools: { gpu: { modules: ['simple-kmod'] } } });
  addObjects(cluster);
  return fleet;
}

/** ClusterPolicy as an ApiObject; KubeletConfig through cdk8s `Include` of a YAML file, as users bring existing manifests. */
function addGpuObjects(cluster: ReturnType<Fleet['addCluster']>): void {
  new ApiObject(cluster, 'cluster-policy', CLUSTER_POLICY);
  const file = path.join(tempDir('kmods-include-'), 'kubelet-config.yaml');
  fs.writeFileSync(file, KUBELET_CONFIG_YAML);
  new Include(cluster, 'kubelet', { url: file });
}

describe.skipIf(!sharedAvailable())('objects a user adds to a cluster chart', () => {
  const rendered = renderFleet(fleetWith(addGpuObjects, GitOpsEngine.BOTH));
  const objects = rendered.clusters.get('gpu-prod')!;
  const find = (kind: string): any => objects.find((o) => o.kind === kind)!;

  it('come out as cluster-scoped files, without a namespace, in the cluster folder and its kustomization', () => {
    expect(find('ClusterPolicy').metadata.namespace).toBeUndefined();
    expect(find('KubeletConfig').metadata.namespace).toBeUndefined();
    expect(rendered.files.has('clusters/gpu-prod/clusterpolicy_gpu-cluster-policy.yaml')).toBe(true);
    expect(rendered.files.has('clusters/gpu-prod/kubeletconfig_gpu-max-pods.yaml')).toBe(true);
    const kustomization = rendered.files.get('clusters/gpu-prod/kustomization.yaml')!;
    expect(kustomization).toContain('- clusterpolicy_gpu-cluster-policy.yaml');
    expect(kustomization).toContain('- kubeletconfig_gpu-max-pods.yaml');
  });

  it('are valid against their upstream schemas (the NVIDIA CRD, the vendored OpenShift CRD), scope included', () => {
    // The harness takes the scope from the CRDs' spec.scope, not from the library's table.
    expect(lookupKind('nvidia.com/v1', 'ClusterPolicy')?.scope).toBe('Cluster');
    expect(lookupKind('machineconfiguration.openshift.io/v1', 'KubeletConfig')?.scope).toBe('Cluster');
    expect(validateManifest(find('ClusterPolicy'))).toEqual([]);
    expect(validateManifest(find('KubeletConfig'))).toEqual([]);
    // and the checks bite: the same objects with a namespace are rejected
    expect(validateManifest({ ...find('KubeletConfig'), metadata: { ...find('KubeletConfig').metadata, namespace: 'x' } }).join()).toMatch(/namespace/);
  });

  it('get the default sync policy (after everything the library generates) unless the library generates the kind; dry run skipped only for the operator-installed CRD', () => {
    const policy = find('ClusterPolicy').metadata.annotations;
    const kubelet = find('KubeletConfig').metadata.annotations;
    // ClusterPolicy is a kind the GPU Operator preset generates: a user's one gets the library's wave for it.
    expect(policy[ARGOCD_SYNC_WAVE_ANNOTATION]).toBe(String(SyncWave.OPERATOR_CONFIG));
    expect(kubelet[ARGOCD_SYNC_WAVE_ANNOTATION]).toBe(String(SyncWave.OTHER));
    const waves = objects.filter((o) => o.kind !== 'KubeletConfig').map((o) => Number(o.metadata.annotations?.[ARGOCD_SYNC_WAVE_ANNOTATION]));
    expect(waves.length).toBeGreaterThan(0);
    expect(Math.max(...waves)).toBeLessThan(SyncWave.OTHER);
    // nvidia.com comes from the GPU Operator, which may be installed in the same sync; KubeletConfig is served by OpenShift.
    expect(policy[ARGOCD_SYNC_OPTIONS_ANNOTATION]).toBe('SkipDryRunOnMissingResource=true');
    expect(kubelet[ARGOCD_SYNC_OPTIONS_ANNOTATION]).toBeUndefined();
    expect(policy[FLUX_PRUNE_ANNOTATION]).toBeUndefined();
  });

  it('are whitelisted in the AppProject and granted to the Argo CD controller under their API resource names', () => {
    const project = [...rendered.files].find(([f]) => /appproject/.test(f))![1];
    expect(project).toMatch(/clusterResourceWhitelist:[\s\S]*- group: nvidia.com\n\s+kind: ClusterPolicy/);
    expect(project).toMatch(/- group: machineconfiguration.openshift.io\n\s+kind: KubeletConfig/);
    const role = [...rendered.files].find(([f]) => /argocd\/clusterrole_/.test(f))![1];
    expect(role).toMatch(/apiGroups:\n\s+- nvidia.com\n\s+resources:\n\s+- clusterpolicies/);
    expect(role).toContain('- kubeletconfigs');
  });
});

describe('kinds the library does not know', () => {
  const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: {} };

  it('fail synth naming the cluster, the object and registerKind, with or without GitOps', () => {
    expect(() => renderFleet(fleetWith((c) => { new ApiObject(c, 'w', widget); }, GitOpsEngine.ARGOCD)))
      .toThrow(/cluster "gpu-prod": Widget w: .*registerKind\(\{ group: "example.com", kind: "Widget", namespaced: true \| false \}\)/);
    expect(() => renderFleet(fleetWith((c) => { new ApiObject(c, 'w', widget); })))
      .toThrow(/cluster "gpu-prod": Widget w: kind Widget \(example.com\/v1\) is in no API the library knows.*registerKind/);
  });

  it('come out with the scope and policy the user registers', () => {
    registerKind({ group: 'example.com', kind: 'Widget', namespaced: false, resource: 'widgets', syncPolicy: { wave: SyncWave.POOLS, rebootProtected: true } });
    const rendered = renderFleet(fleetWith((c) => { new ApiObject(c, 'w', widget); }, GitOpsEngine.BOTH));
    const w: any = rendered.clusters.get('gpu-prod')!.find((o) => o.kind === 'Widget')!;
    expect(w.metadata.annotations[ARGOCD_SYNC_WAVE_ANNOTATION]).toBe(String(SyncWave.POOLS));
    expect(w.metadata.annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION]).toBe('Prune=false,Delete=false,SkipDryRunOnMissingResource=true');
    expect(w.metadata.annotations[FLUX_PRUNE_ANNOTATION]).toBe('disabled');
    expect(rendered.files.has('clusters/gpu-prod/widget_w.yaml')).toBe(true);
  });

  it('a namespaced kind without a namespace is refused, naming the cluster', () => {
    const route = { apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'r' }, spec: { to: { kind: 'Service', name: 's' } } };
    expect(() => renderFleet(fleetWith((c) => { new ApiObject(c, 'r', route); })))
      .toThrow(/cluster "gpu-prod": Route r: Route is namespaced but has no metadata.namespace/);
  });
});
