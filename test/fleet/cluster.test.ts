import { describe, expect, test } from 'vitest';
import { FleetValidationError } from '../../lib/errors';
import { LoaderKind } from '../../lib/module/kernel-module';
import { ModuleSource } from '../../lib/module/module-source';
import { KernelType } from '../../lib/node/kernel-type';
import { renderClusterManifests } from '../../lib/synth/render-cluster';
import { TEST_RELEASES, testFleet } from '../support/test-fleet';

function problemsOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof FleetValidationError) return e.message;
    throw e;
  }
  throw new Error('expected a FleetValidationError');
}

describe('Cluster', () => {
  test('needs the kernels of its release and of upgradeTo', () => {
    const fleet = testFleet();
    const steady = fleet.addCluster('steady', { release: '4.18.12', pools: { gpu: { modules: ['simple-kmod'] } } });
    expect(steady.kernels.map((k) => k.full)).toEqual([TEST_RELEASES[0].kernel]);
    const upgrading = fleet.addCluster('upgrading', {
      release: '4.18.12', upgradeTo: '4.19.3',
      pools: { gpu: { modules: ['simple-kmod'] }, rt: { kernelType: KernelType.REALTIME, modules: ['simple-kmod', 'gpfs'] } },
    });
    expect(upgrading.kernels.map((k) => k.full)).toEqual([
      TEST_RELEASES[0].kernel, TEST_RELEASES[1].kernel, TEST_RELEASES[0].realtimeKernel, TEST_RELEASES[1].realtimeKernel,
    ]);
    const deployments = upgrading.moduleDeployments;
    expect(deployments.map((d) => d.module.name)).toEqual(['gpfs', 'simple-kmod']);
    const simple = deployments.find((d) => d.module.name === 'simple-kmod')!;
    expect(simple.pools.map((p) => p.name)).toEqual(['gpu', 'rt']);
    expect(simple.kernels).toHaveLength(4);
    expect(simple.loader).toBe(LoaderKind.DAEMONSET);
    expect(deployments.find((d) => d.module.name === 'gpfs')!.kernels.map((k) => k.isRealtime)).toEqual([true, true]);
  });

  test('renders a Namespace and one worker-inheriting MachineConfigPool per pool, without a paused field', () => {
    const cluster = testFleet().addCluster('c1', { release: '4.18.12', namespace: 'drivers', pools: { gpu: {}, storage: { maxUnavailable: '25%' } } });
    const objects = renderClusterManifests(cluster);
    const ns = objects.find((o) => o.kind === 'Namespace')!;
    expect(ns.metadata.name).toBe('drivers');
    expect(ns.metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('privileged');
    const pools = objects.filter((o) => o.kind === 'MachineConfigPool');
    expect(pools.map((p) => p.metadata.name)).toEqual(['gpu', 'storage']);
    for (const pool of pools as any[]) {
      expect(pool.metadata.namespace).toBeUndefined();
      expect(pool.spec).not.toHaveProperty('paused');
      expect(pool.spec.machineConfigSelector.matchExpressions).toEqual([
        { key: 'machineconfiguration.openshift.io/role', operator: 'In', values: ['worker', pool.metadata.name] },
      ]);
      expect(pool.spec.nodeSelector.matchLabels).toEqual({ [`node-role.kubernetes.io/${pool.metadata.name}`]: '' });
    }
    expect((pools[1] as any).spec.maxUnavailable).toBe('25%');
  });

  test('fails naming cluster and field for an unknown release, a bad upgrade and a reserved pool name', () => {
    const fleet = testFleet();
    expect(problemsOf(() => fleet.addCluster('a', { release: '4.20.0', pools: { gpu: {} } })))
      .toMatch(/clusters\.a\.release: cluster "a": release is not in the fleet's release catalog; given "4\.20\.0"; allowed: 4\.18\.12, 4\.19\.3/);
    expect(problemsOf(() => fleet.addCluster('b', { release: '4.19.3', upgradeTo: '4.18.12', pools: { gpu: {} } })))
      .toMatch(/clusters\.b\.upgradeTo: .*newer release than 4\.19\.3/);
    expect(problemsOf(() => fleet.addCluster('c', { release: '4.19.3', pools: { worker: {} } })))
      .toMatch(/clusters\.c\.pools\.worker: cluster "c", pool "worker": pool name is taken/);
    expect(problemsOf(() => fleet.addCluster('d', { release: '4.19.3', pools: { gpu: { maxUnavailable: 0 } } })))
      .toMatch(/pool "gpu": value does not have an allowed form; given 0; allowed: a whole number ≥ 1/);
    expect(problemsOf(() => fleet.addCluster('e', { release: '4.19.3', pools: { gpu: { modules: ['nvidia'] } } })))
      .toMatch(/clusters\.e\.pools\.gpu\.modules\[0\]: .*no such module.*given "nvidia"/);
  });

  test('fails when two pools can select the same node', () => {
    const fleet = testFleet();
    const message = problemsOf(() => fleet.addCluster('x', {
      release: '4.18.12', pools: { gpu: { nodeSelector: { 'acme.com/gpu': 'true' } }, zone: { nodeSelector: { 'topology.kubernetes.io/zone': 'a' } } },
    }));
    expect(message).toMatch(/pool "zone": a node could match both pool "gpu" and pool "zone"/);
    // Disjoint: different values for one key, or different custom node roles (the MCO allows one custom role per node).
    expect(() => fleet.addCluster('y', {
      release: '4.18.12', pools: { a: { nodeSelector: { 'acme.com/tier': 'a' } }, b: { nodeSelector: { 'acme.com/tier': 'b' } } },
    })).not.toThrow();
    expect(() => fleet.addCluster('z', { release: '4.18.12', pools: { gpu: {}, storage: {} } })).not.toThrow();
  });

  test('a prebuilt module must cover every kernel, naming cluster, module and kernel', () => {
    const fleet = testFleet({
      modules: [{
        name: 'vendor', version: '1', loadOrder: [{ name: 'vendor' }],
        source: ModuleSource.prebuilt({ images: { [TEST_RELEASES[0].kernel]: 'quay.io/acme/vendor@sha256:' + 'c'.repeat(64) } }),
      }],
    });
    expect(() => fleet.addCluster('ok', { release: '4.18.12', pools: { p: { modules: ['vendor'] } } })).not.toThrow();
    const message = problemsOf(() => fleet.addCluster('up', { release: '4.18.12', upgradeTo: '4.19.3', pools: { p: { modules: ['vendor'] } } }));
    expect(message).toContain('cluster "up", pool "p": module "vendor" has no prebuilt image for kernel 5.14.0-570.22.1.el9_6.x86_64');
  });

  test('a realtime pool needs a release with a realtime kernel', () => {
    const fleet = testFleet({ releases: [{ ...TEST_RELEASES[0], realtimeKernel: undefined }] });
    expect(problemsOf(() => fleet.addCluster('rt', { release: '4.18.12', pools: { rt: { kernelType: KernelType.REALTIME } } })))
      .toMatch(/pool "rt": release 4\.18\.12 has no realtime kernel/);
  });
});
