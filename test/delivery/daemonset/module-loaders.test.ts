import { describe, expect, test } from 'vitest';
import { FleetValidationError } from '../../../lib/errors';
import { boundedName, LOADER_CONTAINER } from '../../../lib/delivery/daemonset/loader-daemon-set';
import { PRIVILEGED_SCC_CLUSTER_ROLE } from '../../../lib/delivery/daemonset/loader-rbac';
import { LoaderKind, LoaderRollout } from '../../../lib/module/kernel-module';
import { ModuleSource } from '../../../lib/module/module-source';
import { KernelType } from '../../../lib/node/kernel-type';
import { isDnsLabel } from '../../../lib/names';
import { KernelVersion, NFD_KERNEL_LABEL } from '../../../lib/release/kernel-version';
import { Manifest } from '../../../lib/synth/manifest';
import { renderClusterManifests } from '../../../lib/synth/render-fleet';
import { GIT_MODULE, PREBUILT_MODULE, TEST_RELEASES, testFleet } from '../../support/test-fleet';

type Labels = Record<string, string>;

/**
 * Does a pod with this spec schedule onto a node with these labels? `nodeSelector` (all labels
 * equal) AND the required node affinity (any term; within a term every expression).
 */
function selects(podSpec: any, node: Labels): boolean {
  for (const [key, value] of Object.entries<string>(podSpec.nodeSelector ?? {})) if (node[key] !== value) return false;
  const terms = podSpec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms === undefined) return true;
  return terms.some((term: any) => (term.matchExpressions ?? []).every((e: any) => {
    const has = Object.prototype.hasOwnProperty.call(node, e.key);
    switch (e.operator) {
      case 'In': return has && e.values.includes(node[e.key]);
      case 'NotIn': return !has || !e.values.includes(node[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: throw new Error(`operator ${e.operator} not handled`);
    }
  }) && (term.matchFields ?? []).length === 0);
}

const daemonSets = (ms: Manifest[]): any[] => ms.filter((m) => m.kind === 'DaemonSet');
const podSpec = (ds: any): any => ds.spec.template.spec;
const container = (ds: any): any => podSpec(ds).containers[0];

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

describe('node selection', () => {
  const cluster = upgradingCluster();
  const manifests = renderClusterManifests(cluster);
  const kernels = cluster.kernels;
  // Every kind of node: each pool (and no pool) × each kernel (and no NFD label yet).
  const nodes: Array<{ pool?: string; kernel?: KernelVersion; labels: Labels }> = [];
  for (const pool of [...cluster.pools, undefined]) {
    for (const kernel of [...kernels, undefined]) {
      nodes.push({
        pool: pool?.name,
        kernel,
        labels: {
          'kubernetes.io/os': 'linux',
          ...(pool ? pool.nodeSelector : { 'node-role.kubernetes.io/worker': '' }),
          ...(kernel ? { [NFD_KERNEL_LABEL]: kernel.nfdLabelValue } : {}),
        },
      });
    }
  }

  test('one DaemonSet per (module, kernel) the pools run', () => {
    const expected = cluster.moduleDeployments.flatMap((d) => d.kernels.map((k) => `${d.module.name}@${k.full}`)).sort();
    const actual = daemonSets(manifests).map((ds) => `${ds.spec.template.metadata.labels['app.kubernetes.io/part-of']}@${container(ds).env[0].value}`).sort();
    expect(actual).toEqual(expected);
    expect(actual).toHaveLength(2 /* simple-kmod */ + 4 /* gpfs: default + rt, two releases */ + 4 /* shared-drv */);
  });

  test('a node on kernel A never selects the DaemonSet for kernel B, and gets exactly one loader per module of its pool', () => {
    for (const node of nodes) {
      const selected = daemonSets(manifests).filter((ds) => selects(podSpec(ds), node.labels));
      for (const ds of selected) {
        expect(container(ds).env.find((e: any) => e.name === 'KMODS_KERNEL').value, `${ds.metadata.name} on ${JSON.stringify(node.labels)}`).toBe(node.kernel?.full);
      }
      const pool = cluster.pools.find((p) => p.name === node.pool);
      const expected = pool && node.kernel && pool.kernels.some((k) => k.full === node.kernel!.full) ? pool.modules.map((m) => m.name).sort() : [];
      expect(selected.map((ds) => ds.spec.template.metadata.labels['app.kubernetes.io/part-of']).sort(), JSON.stringify(node)).toEqual(expected);
    }
  });

  test('a module in one pool uses a nodeSelector; in several pools one affinity term per pool', () => {
    const simple = daemonSets(manifests).find((ds) => ds.metadata.name.startsWith('simple-kmod-'))!;
    expect(podSpec(simple).nodeSelector).toEqual({ 'node-role.kubernetes.io/gpu': '', [NFD_KERNEL_LABEL]: TEST_RELEASES[0].kernel });
    expect(podSpec(simple).affinity).toBeUndefined();
    const shared = daemonSets(manifests).find((ds) => ds.metadata.name === `shared-drv-${KernelVersion.parse(TEST_RELEASES[1].kernel).nameToken}`)!;
    const terms = podSpec(shared).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms).toHaveLength(2); // gpu and storage; the rt pool runs the realtime kernel
    expect(podSpec(shared).nodeSelector).toBeUndefined();
  });
});

describe('names', () => {
  test('DaemonSet names are <module>-<kernel token>, DNS labels of at most 63 characters, truncated with a stable hash', () => {
    const long = 'a-very-long-module-name-of-forty-chars-x';
    expect(long).toHaveLength(40);
    const build = () => testFleet({ modules: [{ ...GIT_MODULE, name: long }] })
      .addCluster('c', { release: '4.18.12', upgradeTo: '4.19.3', pools: { p: { modules: [long] } } });
    const names = daemonSets(renderClusterManifests(build())).map((ds) => ds.metadata.name);
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(2);
    for (const name of names) {
      expect(isDnsLabel(name), name).toBe(true);
      expect(name.startsWith(`${long}-5-14-0-`)).toBe(true);
      expect(name).toMatch(/-[0-9a-f]{8}$/);
    }
    expect(daemonSets(renderClusterManifests(build())).map((ds) => ds.metadata.name)).toEqual(names);
    const short = daemonSets(renderClusterManifests(testFleet().addCluster('c', { release: '4.18.12', pools: { p: { modules: ['gpfs'] } } })));
    expect(short.map((ds) => ds.metadata.name)).toEqual(['gpfs-5-14-0-427-50-1-el9-4-x86-64']);
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

  test('a module built into the internal registry runs its version\'s ImageStreamTag, with no image trigger', () => {
    const simple = ds('simple-kmod-');
    expect(container(simple).image).toBe(`image-registry.openshift-image-registry.svc:5000/kmods-system/simple-kmod:1.0.0-${tag}`);
    expect(simple.metadata.annotations?.['image.openshift.io/triggers']).toBeUndefined();
    expect(container(simple).name).toBe(LOADER_CONTAINER);
  });

  test('prebuilt and external-repository images are used as they are, with the pull secret', () => {
    const gpfs = ds('gpfs-');
    expect(container(gpfs).image).toBe(`registry.example.com/gpfs/kmods:5.2.3.1-${tag}`);
    expect(gpfs.metadata.annotations?.['image.openshift.io/triggers']).toBeUndefined();
    const shared = ds('shared-drv-');
    expect(container(shared).image).toBe(`quay.io/acme/shared:3.0-${tag}`);
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

  test('a ServiceAccount per module, bound to the privileged SCC in the loader namespace only', () => {
    const sas = ms.filter((m) => m.kind === 'ServiceAccount').map((m) => `${m.metadata.namespace}/${m.metadata.name}`).sort();
    expect(sas).toEqual(['drivers/gpfs-loader', 'drivers/shared-drv-loader', 'drivers/simple-kmod-loader']);
    expect(ms.filter((m) => m.kind === 'ClusterRoleBinding' || m.kind === 'ClusterRole' || m.kind === 'Role')).toEqual([]);
    const bindings = ms.filter((m) => m.kind === 'RoleBinding') as any[];
    expect(bindings).toHaveLength(3);
    for (const rb of bindings) {
      expect(rb.metadata.namespace).toBe('drivers');
      expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: PRIVILEGED_SCC_CLUSTER_ROLE });
      expect(rb.subjects).toHaveLength(1);
      expect(rb.subjects[0]).toMatchObject({ kind: 'ServiceAccount', namespace: 'drivers' });
    }
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
  test('OnDelete by default; RollingUpdate with the module\'s maxUnavailable and no surge', () => {
    const fleet = testFleet({ modules: [GIT_MODULE, { ...PREBUILT_MODULE, rollout: LoaderRollout.ROLLING_UPDATE, rolloutMaxUnavailable: '20%' }] });
    const ms = renderClusterManifests(fleet.addCluster('c', { release: '4.18.12', pools: { p: { modules: ['simple-kmod', 'gpfs'] } } }));
    const strategy = (prefix: string) => daemonSets(ms).find((d) => d.metadata.name.startsWith(prefix))!.spec.updateStrategy;
    expect(strategy('simple-kmod-')).toEqual({ type: 'OnDelete' });
    expect(strategy('gpfs-')).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '20%', maxSurge: 0 } });
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

describe('kernels NFD cannot label', () => {
  test('a kernel whose NFD label value is over 63 characters fails synth', () => {
    const longKernel = `5.14.0-${'1'.repeat(60)}.el9.x86_64`;
    const fleet = testFleet({
      releases: [...TEST_RELEASES, { version: '4.20.1', kernel: longKernel, driverToolkitImage: `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'c'.repeat(64)}` }],
    });
    expect(() => fleet.addCluster('c', { release: '4.20.1', pools: { p: { modules: ['gpfs'] } } })).toThrow(/clusters\.c\.pools\.p\.kernelType.*not a label value/);
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
