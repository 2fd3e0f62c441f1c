import { describe, expect, test } from 'vitest';
import { FleetValidationError } from '../../../lib/errors';
import { parseFleet } from '../../../lib/fleet-file/fleet-file';
import { GitOpsEngine } from '../../../lib/gitops/gitops-props';
import { ARGOCD_PRUNE_LAST, ARGOCD_SKIP_DRY_RUN, ARGOCD_SYNC_OPTIONS_ANNOTATION } from '../../../lib/gitops/argocd/argocd-engine';
import { KmmKernelMapping } from '../../../lib/delivery/kmm/kmm-kernel-mapping';
import { KernelModuleProps, LoaderKind } from '../../../lib/module/kernel-module';
import { KernelType } from '../../../lib/node/kernel-type';
import { renderClusterManifests } from '../../../lib/synth/render-cluster';
import { renderFleet } from '../../../lib/synth/render-fleet';
import { GIT_MODULE, PREBUILT_MODULE, TEST_RELEASES, testFleet } from '../../support/test-fleet';
import { sharedAvailable, validateManifest } from '../../support/validate';

/** The test git module, loaded by KMM, with its parameter on the module loaded last (KMM's moduleName). */
const KMM_GIT: KernelModuleProps = {
  ...GIT_MODULE,
  loader: LoaderKind.KMM,
  loadOrder: [{ name: 'simple-procfs-kmod' }, { name: 'simple-kmod', parameters: { greeting: 'hi' } }],
  signing: { keySecret: 'sb-key', certSecret: 'sb-cert' },
};

const KMM_KINDS = new Set(['Module', 'PreflightValidationOCP', 'OperatorGroup', 'Subscription']);

/** A cluster that runs both loaders: simple-kmod by KMM on two pools, gpfs by DaemonSet, upgrading. */
function mixedCluster(extra: { installKmmOperator?: boolean; upgradeTo?: string } = {}) {
  const fleet = testFleet({ modules: [KMM_GIT, PREBUILT_MODULE], gitops: { engine: GitOpsEngine.ARGOCD, repoURL: 'https://git.example.com/fleet.git' } });
  const cluster = fleet.addCluster('mixed', {
    release: '4.18.12',
    upgradeTo: 'upgradeTo' in extra ? extra.upgradeTo : '4.19.3',
    installKmmOperator: extra.installKmmOperator ?? true,
    pools: {
      gpu: { modules: ['simple-kmod', 'gpfs'] },
      rt: { kernelType: KernelType.REALTIME, modules: ['simple-kmod'] },
    },
  });
  return { fleet, cluster, manifests: renderClusterManifests(cluster, { gitopsEngines: fleet.gitops?.engines }) as any[] };
}

const ofKind = (manifests: any[], kind: string): any[] => manifests.filter((m) => m.kind === kind);

function errorOf(fn: () => unknown): FleetValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FleetValidationError) return e;
    throw e;
  }
  throw new Error('expected a FleetValidationError');
}

describe('KmmLoaders', () => {
  test('a KMM module gets one Module per pool, selecting that pool and mapping every kernel the pool runs or will run', () => {
    const { cluster, manifests } = mixedCluster();
    const modules = ofKind(manifests, 'Module');
    expect(modules.map((m) => m.metadata.name).sort()).toEqual(['simple-kmod-gpu', 'simple-kmod-rt']);
    for (const pool of cluster.pools) {
      const module = modules.find((m) => m.metadata.name === `simple-kmod-${pool.name}`);
      expect(module.metadata.namespace).toBe(cluster.loaderNamespace);
      expect(module.spec.selector).toEqual(pool.nodeSelector);
      expect(module.spec.moduleLoader.container.kernelMappings.map((k: any) => k.literal)).toEqual(pool.kernels.map((k) => k.full));
      expect(module.spec.moduleLoader.serviceAccountName).toBe('simple-kmod-loader');
      expect(module.metadata.annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION].split(',')).toContain(ARGOCD_SKIP_DRY_RUN);
      expect(`${module.metadata.name}${module.metadata.namespace}`.length).toBeLessThanOrEqual(39);
    }
  });

  test('the two loaders split the modules: no DaemonSet for a KMM module, no Module for a DaemonSet module', () => {
    const { manifests } = mixedCluster();
    const daemonSets = ofKind(manifests, 'DaemonSet');
    expect(daemonSets.length).toBeGreaterThan(0);
    expect(daemonSets.every((d) => d.metadata.name.startsWith('gpfs'))).toBe(true);
    expect(ofKind(manifests, 'Module').every((m) => m.metadata.name.startsWith('simple-kmod-'))).toBe(true);
  });

  test('ServiceAccount, SCC RoleBinding and Dockerfile ConfigMap exist once per module and are pruned last', () => {
    const { manifests } = mixedCluster();
    const sa = manifests.find((m) => m.kind === 'ServiceAccount' && m.metadata.name === 'simple-kmod-loader');
    const rb = manifests.find((m) => m.kind === 'RoleBinding' && m.metadata.name === 'simple-kmod-loader-privileged-scc');
    const cm = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'simple-kmod-kmm-dockerfile');
    for (const o of [sa, rb, cm]) expect(o.metadata.annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION].split(',')).toContain(ARGOCD_PRUNE_LAST);
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:openshift:scc:privileged' });
    expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'simple-kmod-loader', namespace: 'kmods-system' }]);
    // KMM injects DTK_AUTO only when the Dockerfile mentions it.
    expect(cm.data.dockerfile).toMatch(/^ARG DTK_AUTO$/m);
    expect(cm.data.dockerfile).toMatch(/^FROM \$\{DTK_AUTO\} AS builder$/m);
    for (const m of ofKind(manifests, 'Module')) {
      expect(m.spec.moduleLoader.container.build.dockerfileConfigMap.name).toBe(cm.metadata.name);
    }
  });

  test('an upgrade gets one PreflightValidationOCP per target kernel, with the target Driver Toolkit', () => {
    const { manifests } = mixedCluster();
    const preflights = ofKind(manifests, 'PreflightValidationOCP');
    expect(preflights.map((p) => p.spec.kernelVersion).sort()).toEqual([TEST_RELEASES[1].kernel, TEST_RELEASES[1].realtimeKernel].sort());
    for (const p of preflights) {
      expect(p.apiVersion).toBe('kmm.sigs.x-k8s.io/v1beta2');
      expect(p.metadata.namespace).toBeUndefined();
      expect(p.spec).toEqual({ kernelVersion: p.spec.kernelVersion, dtkImage: TEST_RELEASES[1].driverToolkitImage, pushBuiltImage: true });
    }
    expect(ofKind(mixedCluster({ upgradeTo: undefined }).manifests, 'PreflightValidationOCP')).toEqual([]);
  });

  test('a preflight for prebuilt modules only carries no Driver Toolkit image; no KMM module, no preflight', () => {
    const fleet = testFleet({ modules: [GIT_MODULE, { ...PREBUILT_MODULE, loader: LoaderKind.KMM }] });
    const prebuilt = renderClusterManifests(fleet.addCluster('pre', { release: '4.18.12', upgradeTo: '4.19.3', pools: { s: { modules: ['gpfs'] } } })) as any[];
    expect(ofKind(prebuilt, 'PreflightValidationOCP').map((p) => p.spec)).toEqual([{ kernelVersion: TEST_RELEASES[1].kernel, pushBuiltImage: true }]);
    expect(prebuilt.filter((m) => m.kind === 'ConfigMap' && m.metadata.name.endsWith('-kmm-dockerfile'))).toEqual([]);
    const none = renderClusterManifests(fleet.addCluster('none', { release: '4.18.12', upgradeTo: '4.19.3', pools: { s: { modules: ['simple-kmod'] } } })) as any[];
    expect(none.filter((m) => KMM_KINDS.has(m.kind))).toEqual([]);
  });

  test('installKmmOperator adds the OLM Namespace, OperatorGroup and Subscription; off by default', () => {
    const { manifests } = mixedCluster();
    const sub = ofKind(manifests, 'Subscription')[0];
    expect(sub.metadata).toMatchObject({ name: 'kernel-module-management', namespace: 'openshift-kmm' });
    expect(sub.spec).toEqual({
      channel: 'stable', installPlanApproval: 'Automatic', name: 'kernel-module-management',
      source: 'redhat-operators', sourceNamespace: 'openshift-marketplace',
    });
    expect(ofKind(manifests, 'OperatorGroup').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['openshift-kmm/kernel-module-management']);
    expect(ofKind(manifests, 'Namespace').map((n) => n.metadata.name)).toContain('openshift-kmm');
    const without = mixedCluster({ installKmmOperator: false }).manifests;
    expect(without.filter((m) => m.kind === 'Subscription' || m.kind === 'OperatorGroup' || m.metadata.name === 'openshift-kmm')).toEqual([]);
  });

  test('the cluster default and the module choice select regexp mappings', () => {
    const fleet = testFleet({ modules: [KMM_GIT, { ...PREBUILT_MODULE, loader: LoaderKind.KMM, kmmKernelMapping: KmmKernelMapping.LITERAL }] });
    const cluster = fleet.addCluster('re', { release: '4.18.12', kmmKernelMapping: KmmKernelMapping.REGEXP, pools: { gpu: { modules: ['simple-kmod', 'gpfs'] } } });
    const modules = ofKind(renderClusterManifests(cluster) as any[], 'Module');
    const mappingsOf = (name: string) => modules.find((m) => m.metadata.name === name).spec.moduleLoader.container.kernelMappings;
    expect(mappingsOf('simple-kmod-gpu').map((k: any) => k.regexp)).toEqual([expect.stringMatching(/^\^.*\$$/)]);
    expect(mappingsOf('gpfs-gpu').map((k: any) => k.literal)).toEqual([TEST_RELEASES[0].kernel]);
  });

  test('output is stable: the same fleet renders byte-identical files', () => {
    const a = renderFleet(mixedCluster().fleet).files;
    const b = renderFleet(mixedCluster().fleet).files;
    expect([...a.entries()]).toEqual([...b.entries()]);
    expect([...a.keys()].filter((f) => /module|preflight/i.test(f)).length).toBeGreaterThanOrEqual(4);
  });

  test('a Module name too long for KMM fails at synth, naming cluster, pool and module', () => {
    const fleet = testFleet({ modules: [KMM_GIT] });
    const error = errorOf(() => fleet.addCluster('long', {
      release: '4.18.12', namespace: 'kmods-system', pools: { 'accelerators-a100': { modules: ['simple-kmod'] } },
    }));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0].path).toEqual(['clusters', 'long', 'pools', 'accelerators-a100', 'modules', 0]);
    expect(error.message).toMatch(/clusters\.long\.pools\.accelerators-a100\.modules\[0\]: cluster "long", pool "accelerators-a100": KMM Module "kmods-system\/simple-kmod-accelerators-a100": metadata\.name: name and namespace together are 41 characters; KMM allows at most 39/);
  });

  test('parameters KMM cannot pass fail at synth with the module\'s place in the pool', () => {
    const fleet = testFleet({ modules: [{ ...GIT_MODULE, loader: LoaderKind.KMM }] });
    const error = errorOf(() => fleet.addCluster('c', { release: '4.18.12', pools: { gpu: { modules: ['simple-kmod'] } } }));
    expect(error.problems.map((p) => p.path)).toEqual([['clusters', 'c', 'pools', 'gpu', 'modules', 0]]);
    expect(error.message).toMatch(/KMM passes parameters only to its moduleName/);
  });

  test('fleet.yaml: installKmmOperator and kmmKernelMapping on clusters and modules', () => {
    const release = (r: (typeof TEST_RELEASES)[number]) => `  "${r.version}":\n    kernel: "${r.kernel}"\n    realtimeKernel: "${r.realtimeKernel}"\n    driverToolkitImage: "${r.driverToolkitImage}"\n`;
    const text = `releases:\n${TEST_RELEASES.map(release).join('')}modules:
  kmod:
    version: "1.0"
    loader: kmm
    kmmKernelMapping: literal
    loadOrder: [{ name: kmod }]
    source: { git: { url: "https://example.com/kmod.git", ref: v1 } }
  other:
    version: "1.0"
    loader: kmm
    loadOrder: [{ name: other }]
    source: { git: { url: "https://example.com/other.git", ref: v1 } }
clusters:
  c:
    release: "4.18.12"
    installKmmOperator: true
    kmmKernelMapping: regexp
    pools:
      gpu: { modules: [kmod, other] }
`;
    const manifests = renderClusterManifests(parseFleet(text).clusters[0]) as any[];
    const modules = ofKind(manifests, 'Module');
    const first = (name: string) => modules.find((m) => m.metadata.name === name).spec.moduleLoader.container.kernelMappings[0];
    expect(first('kmod-gpu').literal).toBe(TEST_RELEASES[0].kernel);
    expect(first('other-gpu').regexp).toMatch(/^\^/);
    expect(ofKind(manifests, 'Subscription')).toHaveLength(1);
    const bad = errorOf(() => parseFleet(text.replace('kmmKernelMapping: regexp', 'kmmKernelMapping: glob')));
    expect(bad.message).toMatch(/clusters\.c\.kmmKernelMapping: .*given "glob"/);
  });
});

describe.skipIf(!sharedAvailable())('KMM objects against the upstream CRDs', () => {
  test('a fleet mixing both loaders in one cluster validates strictly, every object', () => {
    const { manifests } = mixedCluster();
    expect(manifests.filter((m) => KMM_KINDS.has(m.kind)).length).toBeGreaterThanOrEqual(6);
    const errors = manifests.flatMap((m) => validateManifest(m));
    expect(errors).toEqual([]);
  });

  test('regexp mappings, prebuilt modules and per-mapping builds validate too', () => {
    const fleet = testFleet({
      modules: [
        { ...KMM_GIT, kmmKernelMapping: KmmKernelMapping.REGEXP, imageRepository: 'quay.io/acme/kmods', imagePullSecret: 'acme', inTreeModulesToRemove: ['old_kmod'], firmwarePath: '/firmware' },
        { ...PREBUILT_MODULE, loader: LoaderKind.KMM, toleratesCordon: false },
      ],
    });
    const cluster = fleet.addCluster('v', { release: '4.18.12', upgradeTo: '4.19.3', pools: { gpu: { modules: ['simple-kmod', 'gpfs'] } } });
    const kmm = (renderClusterManifests(cluster) as any[]).filter((m) => KMM_KINDS.has(m.kind));
    expect(kmm.length).toBeGreaterThanOrEqual(3);
    expect(kmm.flatMap((m) => validateManifest(m))).toEqual([]);
  });

  test('the strict validation catches a field the CRD does not have', () => {
    const module = ofKind(mixedCluster().manifests, 'Module')[0];
    module.spec.moduleLoader.container.modprobe.unknownField = true;
    expect(validateManifest(module).join('\n')).toMatch(/unknownField/);
  });
});
