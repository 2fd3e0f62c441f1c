import { describe, expect, test } from 'vitest';
import { FleetValidationError } from '../../../lib/errors';
import { boundedName, LOADER_CONTAINER } from '../../../lib/delivery/daemonset/loader-daemon-set';
import { NODE_LABEL_POLICY_NAME } from '../../../lib/delivery/daemonset/node-label-policy';
import { PRIVILEGED_SCC_CLUSTER_ROLE } from '../../../lib/delivery/daemonset/loader-rbac';
import { LoaderKind, LoaderRollout } from '../../../lib/module/kernel-module';
import { ModuleSource } from '../../../lib/module/module-source';
import { KernelType } from '../../../lib/node/kernel-type';
import { isDnsLabel } from '../../../lib/names';
import { NFD_KERNEL_LABEL } from '../../../lib/release/kernel-version';
import { Manifest } from '../../../lib/synth/manifest';
import { renderClusterManifests } from '../../../lib/synth/render-cluster';
import { GIT_MODULE, PREBUILT_MODULE, TEST_RELEASES, testFleet } from '../../support/test-fleet';

const daemonSets = (ms: Manifest[]): any[] => ms.filter((m) => m.kind === 'DaemonSet');
const podSpec = (ds: any): any => ds.spec.template.spec;
const container = (ds: any): any => podSpec(ds).containers[0];
const initImages = (ds: any): string[] => podSpec(ds).initContainers.map((c: any) => c.image);

const SHARED = {
  name: 'shared-drv',
  version: '3.0',
  source: ModuleSource.git({ url: 'https://example.com/shared.git', ref: 'v3' }),
  loadOrder: [{ name: 'shared-core' }, { name: 'shared_net' }],
};

/** An upgrading cluster: two kernels per pool type, a module in three pools, one in two. */
function upgradingCluster() {
  const fleet = testFleet({ modules: [GIT_MODULE, PREBUILT_MODULE, SHARED] });
  return fleet.addCluster('upgrading', {
    release: '4.18.12',
    upgradeTo: '4.19.3',
    pools: {
      gpu: { modules: ['simple-kmod', 'shared-drv'] },
      rt: { kernelType: KernelType.REALTIME, nodeSelector: { 'node-role.kubernetes.io/rt': '', zone: 'a' }, modules: ['shared-drv', 'gpfs'] },
      storage: { modules: ['gpfs', 'shared-drv'] },
    },
  });
}

describe('one DaemonSet per (module, pool)', () => {
  const cluster = upgradingCluster();
  const manifests = renderClusterManifests(cluster);

  test('one per module of each pool, selecting the pool by its labels only (no NFD label)', () => {
    const actual = daemonSets(manifests).map((ds) => ds.metadata.name).sort();
    expect(actual).toEqual(['gpfs-rt', 'gpfs-storage', 'shared-drv-gpu', 'shared-drv-rt', 'shared-drv-storage', 'simple-kmod-gpu']);
    for (const pool of cluster.pools) {
      for (const module of pool.modules) {
        const ds = daemonSets(manifests).find((d) => d.metadata.name === `${module.name}-${pool.name}`)!;
        expect(podSpec(ds).nodeSelector).toEqual(pool.nodeSelector);
        expect(podSpec(ds).affinity).toBeUndefined();
        expect(JSON.stringify(ds)).not.toContain(NFD_KERNEL_LABEL);
      }
    }
  });

  test('the pod carries one init container per kernel of its pool (and one more per kernel for firmware)', () => {
    const rt = daemonSets(manifests).find((d) => d.metadata.name === 'gpfs-rt')!;
    const kernels = cluster.pools.find((p) => p.name === 'rt')!.kernels.map((k) => k.full);
    expect(kernels.every((k) => k.endsWith('+rt'))).toBe(true);
    expect(podSpec(rt).initContainers.map((c: any) => c.volumeMounts[0].subPath)).toEqual(kernels.map((k) => `${k}/lib/modules`));
    expect(initImages(rt)).toEqual(kernels.map((k) => `registry.example.com/gpfs/kmods:5.2.3.1-${k}`));
  });
});

describe('names', () => {
  test('DaemonSet names are <module>-<pool>, DNS labels of at most 63 characters, truncated with a stable hash', () => {
    const long = 'a-very-long-module-name-of-forty-chars-x';
    const pool = 'a-pool-name-that-is-long-enough-to-overflow';
    const build = () => testFleet({ modules: [{ ...GIT_MODULE, name: long }] })
      .addCluster('c', { release: '4.18.12', upgradeTo: '4.19.3', pools: { [pool]: { modules: [long] } } });
    const names = daemonSets(renderClusterManifests(build())).map((ds) => ds.metadata.name);
    expect(names).toHaveLength(1);
    expect(isDnsLabel(names[0]), names[0]).toBe(true);
    expect(names[0]).toMatch(/-[0-9a-f]{8}$/);
    expect(daemonSets(renderClusterManifests(build())).map((ds) => ds.metadata.name)).toEqual(names);
    const short = daemonSets(renderClusterManifests(testFleet().addCluster('c', { release: '4.18.12', pools: { p: { modules: ['gpfs'] } } })));
    expect(short.map((ds) => ds.metadata.name)).toEqual(['gpfs-p']);
  });

  test('boundedName keeps short names and never ends a truncated part with "-"', () => {
    expect(boundedName(['a', 'b'])).toBe('a-b');
    const truncated = boundedName(['x'.repeat(53), 'y'.repeat(20)]);
    expect(truncated.length).toBeLessThanOrEqual(63);
    expect(truncated).toMatch(/^x+-[0-9a-f]{8}$/);
    expect(boundedName(['x'.repeat(53), 'y'.repeat(20)])).toBe(truncated);
    expect(boundedName(['x'.repeat(53), 'z'.repeat(20)])).not.toBe(truncated);
  });

  test('selectors use explicit labels, identical across syntheses', () => {
    const a = daemonSets(renderClusterManifests(upgradingCluster()));
    const b = daemonSets(renderClusterManifests(upgradingCluster()));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    for (const ds of a) {
      expect(ds.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'kmods-loader', 'app.kubernetes.io/instance': ds.metadata.name });
      for (const [k, v] of Object.entries(ds.spec.selector.matchLabels)) expect(ds.spec.template.metadata.labels[k]).toBe(v);
    }
  });
});

describe('image', () => {
  const fleet = testFleet({
    modules: [GIT_MODULE, PREBUILT_MODULE, { ...SHARED, imageRepository: 'quay.io/acme/shared', imagePullSecret: 'acme-pull' }],
  });
  const ms = renderClusterManifests(fleet.addCluster('c', { release: '4.18.12', pools: { p: { modules: ['simple-kmod', 'gpfs', 'shared-drv'] } } }));
  const ds = (prefix: string) => daemonSets(ms).find((d) => d.metadata.name.startsWith(prefix))!;
  const tag = TEST_RELEASES[0].kernel;

  test('a module built into the internal registry reaches its init container through its version\'s ImageStreamTag, with no image trigger', () => {
    const simple = ds('simple-kmod-');
    expect(initImages(simple)).toEqual([`image-registry.openshift-image-registry.svc:5000/kmods-system/simple-kmod:1.0.0-${tag}`]);
    expect(simple.metadata.annotations?.['image.openshift.io/triggers']).toBeUndefined();
  });

  test('the loader container runs the release\'s Driver Toolkit (sh and kmod), pinned by digest, never the module image', () => {
    for (const d of daemonSets(ms)) {
      expect(container(d).name).toBe(LOADER_CONTAINER);
      expect(container(d).image).toBe(TEST_RELEASES[0].driverToolkitImage);
      expect(container(d).image).toMatch(/@sha256:[0-9a-f]{64}$/);
    }
  });

  test('prebuilt and external-repository images are used as they are, with the pull secret', () => {
    const gpfs = ds('gpfs-');
    expect(initImages(gpfs)).toEqual([`registry.example.com/gpfs/kmods:5.2.3.1-${tag}`]);
    expect(gpfs.metadata.annotations?.['image.openshift.io/triggers']).toBeUndefined();
    const shared = ds('shared-drv-');
    expect(initImages(shared)).toEqual([`quay.io/acme/shared:3.0-${tag}`]);
    expect(podSpec(shared).imagePullSecrets).toEqual([{ name: 'acme-pull' }]);
    expect(podSpec(gpfs).imagePullSecrets).toBeUndefined();
  });
});

describe('privileges', () => {
  const fleet = testFleet({
    modules: [GIT_MODULE, PREBUILT_MODULE, { ...SHARED, firmwarePath: '/firmware' }],
  });
  const cluster = fleet.addCluster('c', { release: '4.18.12', namespace: 'drivers', pools: { p: { modules: ['simple-kmod', 'gpfs', 'shared-drv'] } } });
  const ms = renderClusterManifests(cluster);
  const ds = (prefix: string) => daemonSets(ms).find((d) => d.metadata.name.startsWith(prefix))!;

  test('SYS_MODULE, root, spc_t; fully privileged only when the module ships firmware', () => {
    const plain = container(ds('simple-kmod-')).securityContext;
    expect(plain).toMatchObject({ privileged: false, runAsUser: 0, allowPrivilegeEscalation: false, seLinuxOptions: { type: 'spc_t' } });
    expect(plain.capabilities).toEqual({ drop: ['ALL'], add: ['SYS_MODULE'] });
    const fw = container(ds('shared-drv-')).securityContext;
    expect(fw).toMatchObject({ privileged: true, runAsUser: 0, seLinuxOptions: { type: 'spc_t' } });
  });

  test('host mounts: /lib/modules read-only always, the firmware folder only with firmware', () => {
    const hostPaths = (d: any) => podSpec(d).volumes.filter((v: any) => v.hostPath).map((v: any) => v.hostPath.path).sort();
    expect(hostPaths(ds('simple-kmod-'))).toEqual(['/lib/modules']);
    expect(hostPaths(ds('shared-drv-'))).toEqual(['/lib/modules', '/var/lib/firmware']);
    const libModules = container(ds('simple-kmod-')).volumeMounts.find((m: any) => m.mountPath === '/lib/modules');
    expect(libModules.readOnly).toBe(true);
    for (const d of daemonSets(ms)) {
      expect(podSpec(d).hostPID).toBeUndefined();
      expect(podSpec(d).hostNetwork).toBeUndefined();
      expect(podSpec(d).priorityClassName).toBe('system-node-critical');
    }
  });

  test('a ServiceAccount per module, bound to the privileged SCC in the loader namespace only, and to the node-label role', () => {
    // The build retry job's own RBAC (lib/image/build-retry.ts) is tested with it.
    const loaderObjects = ms.filter((m) => m.metadata.labels?.['app.kubernetes.io/component'] !== 'kmod-build-retry');
    const sas = loaderObjects.filter((m) => m.kind === 'ServiceAccount').map((m) => `${m.metadata.namespace}/${m.metadata.name}`).sort();
    expect(sas).toEqual(['drivers/gpfs-loader', 'drivers/shared-drv-loader', 'drivers/simple-kmod-loader']);
    expect(loaderObjects.filter((m) => m.kind === 'Role')).toEqual([]);
    const bindings = loaderObjects.filter((m) => m.kind === 'RoleBinding') as any[];
    expect(bindings).toHaveLength(3);
    for (const rb of bindings) {
      expect(rb.metadata.namespace).toBe('drivers');
      expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: PRIVILEGED_SCC_CLUSTER_ROLE });
      expect(rb.subjects).toHaveLength(1);
      expect(rb.subjects[0]).toMatchObject({ kind: 'ServiceAccount', namespace: 'drivers' });
    }
    const roles = loaderObjects.filter((m) => m.kind === 'ClusterRole') as any[];
    expect(roles.map((r) => r.metadata.name)).toEqual([NODE_LABEL_POLICY_NAME]);
    expect(roles[0].rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch'] }]);
    const crbs = loaderObjects.filter((m) => m.kind === 'ClusterRoleBinding') as any[];
    expect(crbs.map((b) => b.subjects[0].name).sort()).toEqual(['gpfs-loader', 'shared-drv-loader', 'simple-kmod-loader']);
    for (const b of crbs) expect(b.roleRef.name).toBe(NODE_LABEL_POLICY_NAME);
    expect(ms.filter((m) => m.kind.startsWith('ValidatingAdmissionPolicy')).map((m) => m.kind).sort()).toEqual(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);
    for (const d of daemonSets(ms)) {
      expect(d.metadata.namespace).toBe('drivers');
      expect(sas).toContain(`drivers/${podSpec(d).serviceAccountName}`);
      expect(bindings.map((b) => b.subjects[0].name)).toContain(podSpec(d).serviceAccountName);
    }
  });

  test('the readiness probe checks every module under its /sys/module name', () => {
    const probe = container(ds('shared-drv-')).readinessProbe.exec.command;
    expect(probe[2]).toContain('test -d /sys/module/shared_core');
    expect(probe[2]).toContain('test -d /sys/module/shared_net');
    expect(probe[2]).not.toContain('shared-core');
  });
});

describe('rollout and cordon', () => {
  test('RollingUpdate by default, one node at a time, no surge; the module\'s maxUnavailable; OnDelete on request', () => {
    const fleet = testFleet({ modules: [GIT_MODULE, { ...PREBUILT_MODULE, rolloutMaxUnavailable: '20%' }, { ...SHARED, rollout: LoaderRollout.ON_DELETE }] });
    const ms = renderClusterManifests(fleet.addCluster('c', { release: '4.18.12', pools: { p: { modules: ['simple-kmod', 'gpfs', 'shared-drv'] } } }));
    const strategy = (prefix: string) => daemonSets(ms).find((d) => d.metadata.name.startsWith(prefix))!.spec.updateStrategy;
    expect(strategy('simple-kmod-')).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(strategy('gpfs-')).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '20%', maxSurge: 0 } });
    expect(strategy('shared-drv-')).toEqual({ type: 'OnDelete' });
  });

  test('loaders tolerate every taint, cordon included', () => {
    const ms = renderClusterManifests(testFleet().addCluster('c', { release: '4.18.12', pools: { p: { modules: ['gpfs'] } } }));
    expect(podSpec(daemonSets(ms)[0]).tolerations).toEqual([{ operator: 'Exists' }]);
  });

  test('toleratesCordon: false cannot be honoured by a DaemonSet and fails synth; KMM-loaded modules get no DaemonSet', () => {
    const fleet = testFleet({ modules: [GIT_MODULE, { ...PREBUILT_MODULE, toleratesCordon: false }] });
    let error: unknown;
    try {
      fleet.addCluster('c', { release: '4.18.12', pools: { p: { modules: ['gpfs'] } } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FleetValidationError);
    expect((error as FleetValidationError).problems[0].path).toEqual(['modules', 'gpfs', 'toleratesCordon']);
    expect((error as FleetValidationError).message).toMatch(/cluster "c" loads this module with a DaemonSet.*allowed: true, or loader: kmm/);
    const kmm = fleet.addCluster('k', { release: '4.18.12', defaultLoader: LoaderKind.KMM, pools: { p: { modules: ['gpfs'] } } });
    const ms = renderClusterManifests(kmm);
    expect(daemonSets(ms)).toEqual([]);
    expect(ms.filter((m) => m.kind === 'ConfigMap' && m.metadata.name === 'gpfs-loader')).toEqual([]);
    expect(ms.filter((m) => m.kind === 'Module').map((m) => m.metadata.name)).toEqual(['gpfs-p']);
  });
});

describe('releases', () => {
  test('before OpenShift 4.17 (no admission policy v1, no node-bound tokens) loaders get no API access and set no node label', () => {
    const fleet = testFleet({
      releases: [...TEST_RELEASES, { version: '4.16.9', kernel: '5.14.0-427.1.1.el9_4.x86_64', driverToolkitImage: `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'c'.repeat(64)}` }],
    });
    const ms = renderClusterManifests(fleet.addCluster('old', { release: '4.16.9', upgradeTo: '4.18.12', pools: { p: { modules: ['gpfs'] } } }));
    expect(ms.filter((m) => ['ClusterRole', 'ClusterRoleBinding', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'].includes(m.kind))).toEqual([]);
    expect(podSpec(daemonSets(ms)[0]).automountServiceAccountToken).toBe(false);
    expect((ms.find((m) => m.kind === 'ServiceAccount') as any).automountServiceAccountToken).toBe(false);
    const script = (ms.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'gpfs-loader') as any).data['load.sh'];
    expect(script).toContain("LABEL_SET=''");
    expect(script).not.toContain('node.cdk8s-kmods.io');
  });
});

describe('Node Feature Discovery', () => {
  test('not installed by default; installNodeFeatureDiscovery adds the OLM subscription and an instance', () => {
    const fleet = testFleet();
    const plain = renderClusterManifests(fleet.addCluster('a', { release: '4.18.12', pools: { p: { modules: ['gpfs'] } } }));
    expect(plain.filter((m) => m.metadata.namespace === 'openshift-nfd' || m.metadata.name === 'openshift-nfd')).toEqual([]);
    const withNfd = renderClusterManifests(fleet.addCluster('b', { release: '4.18.12', installNodeFeatureDiscovery: true, pools: { p: { modules: ['gpfs'] } } }));
    const nfd = withNfd.filter((m) => m.metadata.namespace === 'openshift-nfd' || m.metadata.name === 'openshift-nfd') as any[];
    expect(nfd.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual(['Namespace/openshift-nfd', 'NodeFeatureDiscovery/nfd-instance', 'OperatorGroup/openshift-nfd', 'Subscription/nfd']);
    const sub = nfd.find((m) => m.kind === 'Subscription');
    expect(sub.spec).toEqual({ channel: 'stable', installPlanApproval: 'Automatic', name: 'nfd', source: 'redhat-operators', sourceNamespace: 'openshift-marketplace' });
    expect(nfd.find((m) => m.kind === 'OperatorGroup').spec).toEqual({ targetNamespaces: ['openshift-nfd'] });
  });
});
