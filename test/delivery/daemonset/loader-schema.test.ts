import { describe, expect, test } from 'vitest';
import { LoaderRollout } from '../../../lib/module/kernel-module';
import { ModuleSource } from '../../../lib/module/module-source';
import { KernelType } from '../../../lib/node/kernel-type';
import { Manifest } from '../../../lib/synth/manifest';
import { renderClusterManifests } from '../../../lib/synth/render-cluster';
import { validateManifest } from '../../support/validate';
import { GIT_MODULE, PREBUILT_MODULE, testFleet } from '../../support/test-fleet';

/** A cluster that uses every loader variant: one pool and two pools, firmware, rolling update, pull secret, NFD install. */
function loaderManifests(): Manifest[] {
  const fleet = testFleet({
    modules: [
      GIT_MODULE,
      PREBUILT_MODULE,
      {
        name: 'fw-driver',
        version: '2.1',
        source: ModuleSource.git({ url: 'https://example.com/fw-driver.git', ref: 'v2.1' }),
        loadOrder: [{ name: 'fw_core', parameters: { mode: 'a b; c' } }, { name: 'fw-net' }],
        firmwarePath: '/firmware',
        inTreeModulesToRemove: ['old_net'],
        imageRepository: 'quay.io/acme/fw-driver',
        imagePullSecret: 'acme-pull',
        rollout: LoaderRollout.ROLLING_UPDATE,
        rolloutMaxUnavailable: '25%',
      },
    ],
  });
  const cluster = fleet.addCluster('schema', {
    release: '4.18.12',
    upgradeTo: '4.19.3',
    installNodeFeatureDiscovery: true,
    pools: {
      gpu: { modules: ['simple-kmod', 'fw-driver'] },
      rt: { kernelType: KernelType.REALTIME, modules: ['simple-kmod', 'gpfs'] },
      storage: { modules: ['gpfs', 'simple-kmod'] },
    },
  });
  return renderClusterManifests(cluster);
}

const LOADER_KINDS = new Set([
  'DaemonSet', 'ServiceAccount', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'ConfigMap', 'Namespace', 'OperatorGroup', 'Subscription',
]);

describe('loader objects against the Kubernetes, OpenShift and OLM schemas', () => {
  const manifests = loaderManifests();

  test('every DaemonSet, ServiceAccount, RBAC object, admission policy, ConfigMap and OLM object validates', () => {
    const checked = manifests.filter((m) => LOADER_KINDS.has(m.kind));
    const kinds = new Set(checked.map((m) => m.kind));
    expect([...kinds].sort()).toEqual([...LOADER_KINDS].sort());
    expect(checked.filter((m) => m.kind === 'DaemonSet').length).toBeGreaterThanOrEqual(6);
    const errors = checked.flatMap((m) => validateManifest(m));
    expect(errors).toEqual([]);
  });

  test('the NodeFeatureDiscovery instance (no CRD in ../shared) has the operator\'s documented shape', () => {
    const nfd = manifests.filter((m) => m.kind === 'NodeFeatureDiscovery');
    expect(nfd).toHaveLength(1);
    expect(nfd[0].apiVersion).toBe('nfd.openshift.io/v1');
    expect(nfd[0].metadata.namespace).toBe('openshift-nfd');
    // Fields of NodeFeatureDiscoverySpec in openshift/cluster-nfd-operator api/v1.
    const allowed = new Set(['operand', 'workerConfig', 'customConfig', 'instance', 'topologyUpdater', 'extraLabelNs', 'labelWhiteList', 'resourceLabels', 'enableTaints', 'prunerOnDelete']);
    for (const key of Object.keys((nfd[0] as any).spec)) expect(allowed.has(key), key).toBe(true);
  });
});
