/**
 * Which loader pods run where, and which build each one loads, on a cluster in the middle of an
 * OpenShift upgrade with no Node Feature Discovery (no `feature.node.kubernetes.io/*` label on any
 * node), a cordoned node, a tainted GPU node and a realtime pool.
 *
 * The model follows what the upstream controllers do with a DaemonSet pod:
 * - the DaemonSet controller adds tolerations of its own to every pod it creates
 *   (kubernetes pkg/controller/daemon/util/daemonset_util.go, AddOrUpdateDaemonPodTolerations:
 *   not-ready and unreachable NoExecute; disk-, memory- and pid-pressure and unschedulable
 *   NoSchedule; network-unavailable NoSchedule with hostNetwork), then decides whether a node
 *   should run the pod (pkg/controller/daemon/daemon_controller.go, NodeShouldRunDaemonPod →
 *   predicates): the required node affinity and nodeSelector must match the node's labels
 *   (component-helpers nodeaffinity.GetRequiredNodeAffinity(pod).Match) and no NoSchedule or
 *   NoExecute taint may be left untolerated (v1helper.FindMatchingUntoleratedTaint);
 * - the scheduler's NodeUnschedulable plugin lets a pod on a cordoned node only when it tolerates
 *   `node.kubernetes.io/unschedulable:NoSchedule`
 *   (pkg/scheduler/framework/plugins/nodeunschedulable);
 * - toleration matching is core/v1 Toleration.ToleratesTaint: an empty key with `Exists` matches
 *   every key, an empty effect every effect, `Equal` compares the value.
 * Then the kernel choice: the loader takes the folder of `uname -r` (the node's
 * status.nodeInfo.kernelVersion) from the module-images volume, which only the init container
 * whose subPath names that kernel fills.
 */
import { describe, expect, test } from 'vitest';
import { LOADER_CONTAINER } from '../../../lib/delivery/daemonset/loader-daemon-set';
import { LOADER_PATHS } from '../../../lib/delivery/daemonset/loader-script';
import { moduleImage } from '../../../lib/image/module-image';
import { KernelModule } from '../../../lib/module/kernel-module';
import { ModuleSource } from '../../../lib/module/module-source';
import { KernelType } from '../../../lib/node/kernel-type';
import { Manifest } from '../../../lib/synth/manifest';
import { renderClusterManifests } from '../../../lib/synth/render-cluster';
import { GIT_MODULE, PREBUILT_MODULE, testFleet } from '../../support/test-fleet';

interface Taint { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }
interface Toleration { key?: string; operator?: 'Exists' | 'Equal'; value?: string; effect?: string }
interface Node {
  name: string;
  labels: Record<string, string>;
  taints: Taint[];
  unschedulable: boolean;
  /** status.nodeInfo.kernelVersion: what `uname -r` prints on the node. */
  kernel: string;
}

/** kubernetes pkg/controller/daemon/util AddOrUpdateDaemonPodTolerations (no hostNetwork here). */
const DAEMONSET_CONTROLLER_TOLERATIONS: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

/** core/v1 Toleration.ToleratesTaint. */
function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if ((t.operator ?? 'Equal') === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

/** nodeaffinity.GetRequiredNodeAffinity(pod).Match(node): nodeSelector AND (any term of the required affinity). */
function matchesNodeSelection(spec: any, node: Node): boolean {
  for (const [k, v] of Object.entries<string>(spec.nodeSelector ?? {})) if (node.labels[k] !== v) return false;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms) return true;
  return terms.some((term: any) => (term.matchExpressions ?? []).every((e: any) => {
    const has = Object.prototype.hasOwnProperty.call(node.labels, e.key);
    switch (e.operator) {
      case 'In': return has && e.values.includes(node.labels[e.key]);
      case 'NotIn': return !has || !e.values.includes(node.labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: throw new Error(`operator ${e.operator} is not modelled`);
    }
  }) && (term.matchFields ?? []).length === 0);
}

/** Does the DaemonSet controller create a pod of this DaemonSet for this node, and does the scheduler accept it there? */
function runsOn(ds: any, node: Node): boolean {
  const spec = ds.spec.template.spec;
  const tolerations: Toleration[] = [...(spec.tolerations ?? []), ...DAEMONSET_CONTROLLER_TOLERATIONS];
  if (!matchesNodeSelection(spec, node)) return false;
  const untolerated = node.taints.filter((t) => t.effect !== 'PreferNoSchedule' && !tolerations.some((tol) => tolerates(tol, t)));
  if (untolerated.length > 0) return false;
  if (node.unschedulable && !tolerations.some((tol) => tolerates(tol, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }))) return false;
  return true;
}

/** The init container that fills the running kernel's folder, as the loader reads it (`$IMAGES_DIR/$(uname -r)/lib/modules/$(uname -r)`). */
function buildFor(ds: any, kernel: string): { image: string; source: string } | undefined {
  const spec = ds.spec.template.spec;
  const fillers = (spec.initContainers ?? []).filter((c: any) => c.volumeMounts.some((m: any) => m.name === 'module-images' && m.subPath === `${kernel}/lib/modules`));
  expect(fillers.length, `${ds.metadata.name}: init containers filling ${kernel}`).toBeLessThanOrEqual(1);
  return fillers[0] && { image: fillers[0].image, source: fillers[0].command[2] };
}

const NIC = {
  name: 'nic-drv',
  version: '3.0',
  source: ModuleSource.git({ url: 'https://example.com/nic.git', ref: 'v3' }),
  loadOrder: [{ name: 'nic_core' }, { name: 'nic_net' }],
};

function upgradingCluster() {
  const fleet = testFleet({ modules: [GIT_MODULE, PREBUILT_MODULE, NIC] });
  const cluster = fleet.addCluster('mid-upgrade', {
    release: '4.18.12',
    upgradeTo: '4.19.3',
    pools: {
      gpu: { modules: ['simple-kmod', 'nic-drv'] },
      rt: { kernelType: KernelType.REALTIME, nodeSelector: { 'node-role.kubernetes.io/rt': '', zone: 'a' }, modules: ['nic-drv', 'gpfs'] },
      storage: { modules: ['gpfs', 'nic-drv'] },
    },
  });
  return { fleet, cluster };
}

describe('loader scheduling and kernel choice on a mid-upgrade cluster without NFD', () => {
  const { fleet, cluster } = upgradingCluster();
  const manifests = renderClusterManifests(cluster);
  const daemonSets = manifests.filter((m): m is Manifest & Record<string, any> => m.kind === 'DaemonSet') as any[];
  const moduleOf = (ds: any): string => ds.spec.template.metadata.labels['app.kubernetes.io/part-of'];

  // Two nodes per pool and kernel (half the pool upgraded), one of them cordoned by the MCO's
  // drain, the GPU nodes tainted for GPU workloads; a plain worker and a control-plane node.
  const nodes: Node[] = [];
  for (const pool of cluster.pools) {
    for (const kernel of pool.kernels) {
      for (const cordoned of [false, true]) {
        nodes.push({
          name: `${pool.name}-${kernel.nameToken}${cordoned ? '-cordoned' : ''}`,
          labels: { 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/worker': '', ...pool.nodeSelector },
          taints: [
            ...(pool.name === 'gpu' ? [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' as const }] : []),
            ...(cordoned ? [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' as const }] : []),
          ],
          unschedulable: cordoned,
          kernel: kernel.full,
        });
      }
    }
  }
  nodes.push({ name: 'worker', labels: { 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/worker': '' }, taints: [], unschedulable: false, kernel: cluster.release.kernel.full });
  nodes.push({
    name: 'master', labels: { 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/master': '' },
    taints: [{ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }], unschedulable: false, kernel: cluster.release.kernel.full,
  });

  test('the fixture is what the test claims: no NFD label anywhere, two kernels per pool, a realtime pool, cordoned nodes', () => {
    expect(nodes.every((n) => Object.keys(n.labels).every((k) => !k.startsWith('feature.node.kubernetes.io/')))).toBe(true);
    for (const pool of cluster.pools) expect(pool.kernels).toHaveLength(2);
    expect(cluster.pools.find((p) => p.name === 'rt')!.kernels.every((k) => k.isRealtime)).toBe(true);
    expect(nodes.filter((n) => n.unschedulable)).toHaveLength(6);
    expect(daemonSets.length).toBeGreaterThan(0);
    expect(manifests.some((m) => m.kind === 'NodeFeatureDiscovery')).toBe(false);
  });

  test('every node of a pool runs exactly one loader per module of its pool (cordoned and tainted nodes included); other nodes none', () => {
    expect(nodes.length).toBe(14);
    for (const node of nodes) {
      const pool = cluster.pools.find((p) => Object.entries(p.nodeSelector).every(([k, v]) => node.labels[k] === v));
      const running = daemonSets.filter((ds) => runsOn(ds, node)).map(moduleOf).sort();
      expect(running, node.name).toEqual((pool?.modules ?? []).map((m) => m.name).sort());
    }
  });

  test('on every node each loader finds the build of the node\'s own kernel, from that kernel\'s image, and no other kernel\'s build', () => {
    let checked = 0;
    for (const node of nodes) {
      for (const ds of daemonSets.filter((d) => runsOn(d, node))) {
        const module = fleet.modules.tryGet(moduleOf(ds)) as KernelModule;
        const build = buildFor(ds, node.kernel);
        expect(build, `${ds.metadata.name} on ${node.name}`).toBeDefined();
        const kernel = cluster.kernels.find((k) => k.full === node.kernel)!;
        expect(build!.image).toBe(moduleImage(module, kernel, cluster.loaderNamespace).image);
        expect(build!.source).toBe(`${LOADER_PATHS.moduleDir}/lib/modules/${node.kernel}`);
        checked += 1;
      }
    }
    expect(checked).toBe(3 /* pools */ * 4 /* nodes each */ * 2 /* modules each */);
  });

  test('no init container copies one kernel\'s modules into another kernel\'s folder, and no two kernels share an image', () => {
    let containers = 0;
    for (const ds of daemonSets) {
      const module = fleet.modules.tryGet(moduleOf(ds)) as KernelModule;
      const images = new Map<string, string>();
      for (const c of ds.spec.template.spec.initContainers) {
        const mount = c.volumeMounts.find((m: any) => m.name === 'module-images');
        const kernel = mount.subPath.split('/')[0];
        if (c.name.startsWith('modules-')) {
          expect(c.command).toEqual(['cp', '-R', `${LOADER_PATHS.moduleDir}/lib/modules/${kernel}`, `${mount.mountPath}/`]);
          expect(mount.subPath).toBe(`${kernel}/lib/modules`);
        }
        const k = cluster.kernels.find((x) => x.full === kernel)!;
        expect(c.image).toBe(moduleImage(module, k, cluster.loaderNamespace).image);
        images.set(kernel, c.image);
        containers += 1;
      }
      expect(new Set(images.values()).size, ds.metadata.name).toBe(images.size);
    }
    expect(containers).toBeGreaterThanOrEqual(daemonSets.length * 2);
  });

  test('the loader takes the folder of `uname -r` from the volume the init containers fill', () => {
    const ds = daemonSets[0];
    const loader = ds.spec.template.spec.containers.find((c: any) => c.name === LOADER_CONTAINER);
    expect(loader.volumeMounts.find((m: any) => m.name === 'module-images').mountPath).toBe(LOADER_PATHS.imagesDir);
    const script = (manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === `${moduleOf(ds)}-loader`) as any).data[LOADER_PATHS.scriptFile];
    expect(script).toContain(`IMAGES_DIR=${LOADER_PATHS.imagesDir}`);
    expect(script).toContain('kver=$(uname -r)');
    expect(script).toContain('base="$IMAGES_DIR/$kver"');
  });

  test('folding upgradeTo into release keeps every DaemonSet (no pod is deleted under a running node); only the template changes', () => {
    const { cluster: after } = (() => {
      const f = testFleet({ modules: [GIT_MODULE, PREBUILT_MODULE, NIC] });
      return {
        cluster: f.addCluster('mid-upgrade', {
          release: '4.19.3',
          pools: {
            gpu: { modules: ['simple-kmod', 'nic-drv'] },
            rt: { kernelType: KernelType.REALTIME, nodeSelector: { 'node-role.kubernetes.io/rt': '', zone: 'a' }, modules: ['nic-drv', 'gpfs'] },
            storage: { modules: ['gpfs', 'nic-drv'] },
          },
        }),
      };
    })();
    const names = (ms: Manifest[]) => ms.filter((m) => m.kind === 'DaemonSet').map((m) => m.metadata.name).sort();
    const folded = renderClusterManifests(after);
    expect(names(folded)).toEqual(names(manifests));
    const one = folded.find((m) => m.kind === 'DaemonSet') as any;
    expect(one.spec.template.spec.initContainers.every((c: any) => !c.volumeMounts[0].subPath.startsWith(cluster.release.kernel.full))).toBe(true);
  });
});
