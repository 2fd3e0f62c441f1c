/**
 * A second program in the consumer app: the TypeScript API, as a library user writes it, with
 * only the package's public entry point. It adds the user's own objects (an NVIDIA ClusterPolicy,
 * a KubeletConfig and a kind of its own, registered) to the cluster's chart.
 */
export const TYPED_APP_TS = `import { ApiObject } from 'cdk8s';
import { Fleet, GitOpsEngine, ModuleSource, registerKind, synthesizeFleet, SyncWave } from 'cdk8s-kmods';

registerKind({ group: 'example.com', kind: 'GpuBudget', namespaced: true, syncPolicy: { wave: SyncWave.LOADERS } });

const fleet = new Fleet({
  releases: [{
    version: '4.19.3',
    kernel: '5.14.0-570.22.1.el9_6.x86_64',
    realtimeKernel: '5.14.0-570.22.1.el9_6.x86_64+rt',
    driverToolkitImage: 'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:411cf741d0e26e2c93dc96522b3cb8c6542138d34ad2f961450c538385f214fa',
    example: true,
  }],
  modules: [{
    name: 'simple-kmod',
    version: '1.0.0',
    source: ModuleSource.git({ url: 'https://github.com/kmods-via-containers/simple-kmod.git', ref: 'main' }),
    loadOrder: [{ name: 'simple-kmod' }],
  }],
  gitops: { engine: GitOpsEngine.ARGOCD, repoURL: 'https://git.example.com/platform/fleet.git' },
});
const cluster = fleet.addCluster('gpu-lab', { release: '4.19.3', pools: { gpu: { modules: ['simple-kmod'] } } });
new ApiObject(cluster, 'cluster-policy', {
  apiVersion: 'nvidia.com/v1',
  kind: 'ClusterPolicy',
  metadata: { name: 'gpu-cluster-policy' },
  spec: {
    operator: { defaultRuntime: 'crio' }, daemonsets: {}, driver: { enabled: false }, toolkit: { enabled: true },
    devicePlugin: {}, dcgm: {}, dcgmExporter: {}, gfd: {}, nodeStatusExporter: {},
  },
});
new ApiObject(cluster, 'kubelet-config', {
  apiVersion: 'machineconfiguration.openshift.io/v1',
  kind: 'KubeletConfig',
  metadata: { name: 'gpu-max-pods' },
  spec: {
    machineConfigPoolSelector: { matchLabels: { 'pools.operator.machineconfiguration.openshift.io/gpu': '' } },
    kubeletConfig: { maxPods: 250 },
  },
});
new ApiObject(cluster, 'budget', { apiVersion: 'example.com/v1', kind: 'GpuBudget', metadata: { name: 'lab', namespace: 'kmods-system' } });
const report = synthesizeFleet(fleet, { outdir: 'dist-typed' });
console.log(\`typed: \${report.clusters} cluster, \${report.objects} objects\`);
`;

/** The same entry point from an ES module (Node's CommonJS interop). */
export const ESM_CHECK_MJS = `import { Fleet, synthesizeFleet, registerKind } from 'cdk8s-kmods';
import schema from 'cdk8s-kmods/fleet.schema.json' with { type: 'json' };
if (typeof Fleet !== 'function' || typeof synthesizeFleet !== 'function' || typeof registerKind !== 'function') process.exit(3);
console.log(schema.title ?? schema.$id ?? 'schema');
`;
