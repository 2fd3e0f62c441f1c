import { Fleet } from '../../lib/fleet/fleet';
import { GitOpsEngine, GitOpsProps } from '../../lib/gitops/gitops-props';
import { LoaderKind } from '../../lib/module/kernel-module';
import { ModuleSource } from '../../lib/module/module-source';
import { KIND_POLICIES, policyFor } from '../../lib/gitops/sync-policy';
import { moduleImage } from '../../lib/build/module-image';

const DTK = (n: string) => `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${n.repeat(64)}`;

/**
 * A fleet with two clusters: gpu-prod (two pools, a DaemonSet-loaded module, an upgrade under
 * way, a hub destination) and edge-1 (one pool, a KMM-loaded module).
 */
export function testFleet(gitops: Partial<GitOpsProps> = {}): Fleet {
  const fleet = new Fleet({
    releases: [
      { version: '4.18.12', kernel: '5.14.0-427.50.1.el9_4.x86_64', realtimeKernel: '5.14.0-427.50.1.el9_4.x86_64+rt', driverToolkitImage: DTK('a') },
      { version: '4.19.3', kernel: '5.14.0-570.12.1.el9_6.x86_64', driverToolkitImage: DTK('b') },
    ],
    modules: [
      { name: 'nvidia', version: '570.86', loadOrder: [{ name: 'nvidia' }], source: ModuleSource.git({ url: 'https://example.com/nvidia.git', ref: 'v570' }) },
      { name: 'acme-nic', version: '1.2.3', loadOrder: [{ name: 'acme' }], source: ModuleSource.git({ url: 'https://example.com/acme.git', ref: 'v1' }), loader: LoaderKind.KMM },
    ],
    gitops: { engine: GitOpsEngine.BOTH, repoURL: 'https://git.example.com/platform/fleet.git', ...gitops },
  });
  fleet.addCluster('gpu-prod', {
    release: '4.18.12',
    upgradeTo: '4.19.3',
    destinationServer: 'https://api.gpu-prod.example.com:6443',
    pools: {
      gpu: { nodeSelector: { 'kmods.example.com/pool': 'gpu' }, modules: ['nvidia'], extensions: ['kernel-devel'] },
      storage: { nodeSelector: { 'kmods.example.com/pool': 'storage' } },
    },
  });
  fleet.addCluster('edge-1', { release: '4.18.12', pools: { nic: { modules: ['acme-nic'] } } });
  return fleet;
}

/**
 * The rendered objects of every cluster of the fleet: the cluster Chart's real objects, plus
 * stand-ins shaped like what the build, loader and KMM constructs generate for the kinds the
 * Chart does not (yet) produce. Stand-ins are only added for kinds absent from the Chart.
 */
export function renderedManifests(fleet: Fleet): Map<string, any[]> {
  const out = new Map<string, any[]>();
  for (const cluster of fleet.clusters) {
    const real = cluster.toJson() as any[];
    const present = new Set(real.map((o) => `${o.apiVersion}/${o.kind}`.replace(/\/v[^/]*\//, '/')));
    const kindsPresent = new Set(real.map((o) => o.kind));
    const ns = cluster.namespace;
    const standIns: any[] = [];
    const add = (obj: any) => { if (!kindsPresent.has(obj.kind)) standIns.push(obj); };
    for (const pool of cluster.pools) {
      add({ apiVersion: 'machineconfiguration.openshift.io/v1', kind: 'MachineConfig', metadata: { name: `50-${pool.name}-kmods`, labels: { 'machineconfiguration.openshift.io/role': pool.name } }, spec: {} });
    }
    add({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'kmods-loader', namespace: ns } });
    add({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'kmods-loader-scc', namespace: ns },
      rules: [{ apiGroups: ['security.openshift.io'], resources: ['securitycontextconstraints'], resourceNames: ['privileged'], verbs: ['use'] }] });
    add({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'kmods-loader-scc', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kmods-loader-scc' }, subjects: [{ kind: 'ServiceAccount', name: 'kmods-loader', namespace: ns }] });
    add({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'kmods-builder-pull', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:image-puller' }, subjects: [{ kind: 'ServiceAccount', name: 'kmods-loader', namespace: ns }] });
    add({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kmods-loader-script', namespace: ns }, data: { 'load.sh': '#!/bin/sh\n' } });
    for (const d of cluster.moduleDeployments) {
      add({ apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name: d.module.name, namespace: ns } });
      for (const kernel of d.kernels) {
        const image = moduleImage(d.module, kernel, ns);
        add({ apiVersion: 'build.openshift.io/v1', kind: 'BuildConfig', metadata: { name: `${d.module.name}-${kernel.nameToken}`, namespace: ns },
          spec: { triggers: [{ type: 'ConfigChange' }], output: { to: { kind: 'ImageStreamTag', name: `${d.module.name}:${image.tag}` } } } });
        if (d.loader === LoaderKind.DAEMONSET) {
          add({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: `${d.module.name}-${kernel.nameToken}`, namespace: ns }, spec: {} });
        }
      }
      if (d.loader === LoaderKind.KMM) {
        add({ apiVersion: 'kmm.sigs.x-k8s.io/v1beta1', kind: 'Module', metadata: { name: d.module.name, namespace: ns }, spec: {} });
        if (cluster.upgradeTo) {
          add({ apiVersion: 'kmm.sigs.x-k8s.io/v1beta2', kind: 'PreflightValidationOCP', metadata: { name: 'kmods-preflight' }, spec: {} });
        }
      }
    }
    void present;
    out.set(cluster.name, [...real, ...standIns]);
  }
  return out;
}

/** Every kind in the sync-policy table is one the test fleet exercises or a documented extra. */
export const KINDS = KIND_POLICIES.map((p) => p.kind);
export { policyFor };
