import { App, Chart } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { KmmLoaders } from '../../lib/delivery/kmm/kmm-loaders';
import { ModuleLoaders } from '../../lib/delivery/daemonset/module-loaders';
import { FleetValidationError } from '../../lib/errors';
import { MANAGED_BY_LABELS } from '../../lib/fleet/cluster';
import { ModuleBuilds } from '../../lib/image/module-builds';
import { LoaderKind } from '../../lib/module/kernel-module';
import { KernelType } from '../../lib/node/kernel-type';
import { ClusterPlan, ImageOrigin } from '../../lib/plan/cluster-plan';
import { planCluster } from '../../lib/plan/plan-cluster';
import { renderClusterManifests } from '../../lib/synth/render-cluster';
import { GIT_MODULE, PREBUILT_MODULE, testFleet } from '../support/test-fleet';

const KMM_GIT = { ...GIT_MODULE, name: 'kmm-kmod', loader: LoaderKind.KMM, loadOrder: [{ name: 'kmm_kmod' }] };

/** A fleet whose cluster `mixed` upgrades, has a realtime pool, and uses all three image origins. */
function mixedFleet() {
  const fleet = testFleet({ modules: [GIT_MODULE, PREBUILT_MODULE, KMM_GIT] });
  const cluster = fleet.addCluster('mixed', {
    release: '4.18.12',
    upgradeTo: '4.19.3',
    namespace: 'kmods',
    pools: {
      gpu: { modules: ['simple-kmod', 'gpfs', 'kmm-kmod'], extensions: ['kernel-devel'] },
      rt: { kernelType: KernelType.REALTIME, modules: ['simple-kmod'], maxUnavailable: '20%' },
    },
  });
  return { fleet, cluster, plan: fleet.plan('mixed') };
}

/** Every object, array and value reachable from `value` that is not plain JSON data. */
function nonPlain(value: unknown, at = '$'): string[] {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonPlain(v, `${at}[${i}]`));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value as object).flatMap(([k, v]) => nonPlain(v, `${at}.${k}`));
  }
  return [`${at}: ${typeof value} ${(value as object)?.constructor?.name ?? ''}`];
}

describe('ClusterPlan', () => {
  test('is plain JSON data: no class instances, survives a JSON round trip unchanged', () => {
    const { plan } = mixedFleet();
    expect(nonPlain(plan)).toEqual([]);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  test('is frozen all the way down', () => {
    const { plan } = mixedFleet();
    expect(Object.isFrozen(plan)).toBe(true);
    expect(Object.isFrozen(plan.pools[0].nodeSelector)).toBe(true);
    expect(Object.isFrozen(plan.images)).toBe(true);
    expect(() => { (plan as { name: string }).name = 'x'; }).toThrow(TypeError);
    expect(() => { (plan.pools[0].modules as string[]).push('x'); }).toThrow(TypeError);
  });

  test('says what the cluster gets: releases, pools with their kernels, deployments, node settings, destination', () => {
    const { plan } = mixedFleet();
    expect(plan.releases).toEqual(['4.18.12', '4.19.3']);
    expect(plan.upgradeTo).toBe('4.19.3');
    expect(plan.loaderNamespace).toBe('kmods');
    expect(plan.pools.map((p) => [p.name, p.kernelType, p.maxUnavailable, p.kernels])).toEqual([
      ['gpu', KernelType.DEFAULT, 1, ['5.14.0-427.50.1.el9_4.x86_64', '5.14.0-570.22.1.el9_6.x86_64']],
      ['rt', KernelType.REALTIME, '20%', ['5.14.0-427.50.1.el9_4.x86_64+rt', '5.14.0-570.22.1.el9_6.x86_64+rt']],
    ]);
    expect(plan.pools[0].nodeSelector).toEqual({ 'node-role.kubernetes.io/gpu': '' });
    expect(plan.kernels.map((k) => `${k.full}@${k.release}`)).toEqual([
      '5.14.0-427.50.1.el9_4.x86_64@4.18.12', '5.14.0-570.22.1.el9_6.x86_64@4.19.3',
      '5.14.0-427.50.1.el9_4.x86_64+rt@4.18.12', '5.14.0-570.22.1.el9_6.x86_64+rt@4.19.3',
    ]);
    expect(plan.modules.map((d) => [d.module, d.pools, d.kernels.length, d.loader])).toEqual([
      ['gpfs', ['gpu'], 2, LoaderKind.DAEMONSET],
      ['kmm-kmod', ['gpu'], 2, LoaderKind.KMM],
      ['simple-kmod', ['gpu', 'rt'], 4, LoaderKind.DAEMONSET],
    ]);
    expect(plan.node).toEqual({ ignitionVersion: '3.4.0', rebootlessModuleFiles: false });
    expect(plan.destination).toEqual({ cluster: 'mixed', argocd: { server: 'https://kubernetes.default.svc' }, namespace: 'kmods' });
  });

  test('names the image of every (module, kernel), and the rendered objects use exactly those images', () => {
    const { cluster, plan } = mixedFleet();
    expect(plan.images).toHaveLength(plan.modules.reduce((n, d) => n + d.kernels.length, 0));
    const origins = new Map(plan.images.map((i) => [i.module, i.origin]));
    expect(Object.fromEntries(origins)).toEqual({ 'gpfs': ImageOrigin.PREBUILT, 'kmm-kmod': ImageOrigin.BUILT_BY_KMM, 'simple-kmod': ImageOrigin.BUILT_HERE });
    const objects = renderClusterManifests(cluster) as any[];
    for (const image of plan.images) {
      if (image.origin === ImageOrigin.BUILT_BY_KMM) {
        const mappings = objects.filter((o) => o.kind === 'Module').flatMap((m) => m.spec.moduleLoader.container.kernelMappings);
        expect(mappings.find((k: any) => k.literal === image.kernel)?.containerImage).toBe(image.image);
        continue;
      }
      // A loader DaemonSet of this module copies this kernel's build out of the planned image.
      const copier = objects.filter((o) => o.kind === 'DaemonSet' && o.metadata.labels?.['app.kubernetes.io/part-of'] === image.module)
        .flatMap((o) => o.spec.template.spec.initContainers)
        .find((c: any) => c.volumeMounts.some((m: any) => m.subPath === `${image.kernel}/lib/modules`));
      expect(copier, `${image.module}@${image.kernel}`).toBeDefined();
      expect(copier.image).toBe(image.image);
      const builds = objects.filter((o) => o.kind === 'BuildConfig' && o.metadata.annotations?.['cdk8s-kmods.io/kernel-full-version'] === image.kernel
        && o.metadata.labels?.['cdk8s-kmods.io/module'] === image.module);
      expect(builds).toHaveLength(image.origin === ImageOrigin.BUILT_HERE ? 1 : 0);
    }
  });

  test('reports every problem of a cluster and its pools at once, with paths', () => {
    const fleet = testFleet();
    let error: unknown;
    try {
      planCluster('bad', {
        release: '4.18.12',
        pools: {
          a: { maxUnavailable: 0, modules: ['nope'] },
          b: { nodeSelector: { 'Not A Key!': 'x' } },
        },
      }, { releases: fleet.releases, modules: fleet.modules });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FleetValidationError);
    const paths = (error as FleetValidationError).problems.map((p) => p.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['clusters.bad.pools.a.maxUnavailable', 'clusters.bad.pools.a.modules.0', 'clusters.bad.pools.b.nodeSelector.Not A Key!']));
  });

  test('reports what KMM would refuse when the cluster is defined, before anything is rendered', () => {
    const fleet = testFleet({ modules: [{ ...GIT_MODULE, loader: LoaderKind.KMM }] });
    expect(() => fleet.defineCluster('k', { release: '4.18.12', pools: { gpu: { modules: ['simple-kmod'] } } }))
      .toThrow(/clusters\.k\.pools\.gpu\.modules\[0\]: .*KMM passes parameters only to its moduleName/);
    expect(fleet.clusterNames).toEqual([]);
  });

  test('is the same for the same input, and adding a cluster does not change another cluster\'s plan', () => {
    const a = mixedFleet();
    const b = mixedFleet();
    b.fleet.defineCluster('other', { release: '4.19.3', pools: { gpu: { modules: ['gpfs'] } } });
    expect(b.plan).toEqual(a.plan);
  });
});

describe('renderers take the plan, not a parent construct', () => {
  test('builds, loaders and KMM render the same objects in a bare Chart as inside the Cluster', () => {
    const { fleet, cluster, plan } = mixedFleet();
    const catalogs = { releases: fleet.releases, modules: fleet.modules };
    const bare = new Chart(new App({ outdir: '.cdk8s-unused' }), 'bare', { labels: { ...MANAGED_BY_LABELS, 'cdk8s-kmods.io/cluster': 'mixed' } });
    new ModuleBuilds(bare, 'Builds', { plan, catalogs });
    new ModuleLoaders(bare, 'Loaders', { plan, catalogs, labels: MANAGED_BY_LABELS });
    new KmmLoaders(bare, 'Kmm', { plan, catalogs, labels: MANAGED_BY_LABELS });
    const key = (o: any) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const inBare = (bare.toJson() as any[]);
    const kinds = new Set(['BuildConfig', 'ImageStream', 'DaemonSet', 'ConfigMap', 'ServiceAccount', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'Module', 'PreflightValidationOCP', 'CronJob', 'Role']);
    const inCluster = (cluster.toJson() as any[]).filter((o) => kinds.has(o.kind));
    expect(inBare.length).toBeGreaterThan(10);
    expect(new Set(inBare.map((o) => o.kind))).toEqual(new Set(inCluster.map((o) => o.kind)));
    expect([...inBare].sort((x, y) => key(x).localeCompare(key(y)))).toEqual([...inCluster].sort((x, y) => key(x).localeCompare(key(y))));
  });

  test('a plan is data the renderers only read: rendering leaves it unchanged', () => {
    const { fleet, plan } = mixedFleet();
    const before: ClusterPlan = JSON.parse(JSON.stringify(plan));
    fleet.chartForSynthesis('mixed');
    expect(JSON.parse(JSON.stringify(plan))).toEqual(before);
  });
});
