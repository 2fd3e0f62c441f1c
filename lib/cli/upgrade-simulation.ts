import type { Fleet } from '../fleet/fleet';
import { ClusterFacts, kernelOf, PoolFacts } from './fleet-facts';
import { coverageOf } from './node-coverage';
import { InventoryNode, matchesSelector } from './node-inventory';

/**
 * A model of the Machine Config Operator's rolling update of a cluster to a new release,
 * checked against the cluster's synthesized output.
 *
 * What the MCO does (machine-config-operator pkg/controller/node/node_controller.go): per pool,
 * it picks update candidates among the nodes not yet on the new rendered config, at most
 * `maxUnavailable` at a time minus nodes already unavailable (a percentage is scaled to the
 * pool's node count and rounded down, and 0 becomes 1: `intstr.GetScaledValueFromIntOrPercent`
 * then `if maxunavail == 0 { maxunavail = 1 }`), ordered by zone (`topology.kubernetes.io/zone`)
 * then name. Each candidate is cordoned and drained (DaemonSet pods stay), rebooted into the new
 * release's RHCOS and kernel, and uncordoned. Pools update independently of each other; the model
 * walks them one after the other, which finds the same first hole per pool, because a node's
 * coverage depends only on its own pool and kernel.
 *
 * The property checked after every step: every schedulable node of the pool has, for each module
 * of its pool, a loader and an image for the kernel it runs right then.
 */
export interface UpgradeStep {
  /** 1-based across the whole walk; each pool starts with a step without nodes: its state before the update. */
  readonly index: number;
  readonly pool: string;
  /** Nodes drained, rebooted into `kernel` and uncordoned in this step (none for step 0). */
  readonly nodes: ReadonlyArray<string>;
  readonly kernel?: string;
  /** What the step is, when it is neither the state before the update nor an update of nodes. */
  readonly note?: string;
  /** Every node left without a module after this step: `node: module: why`. */
  readonly holes: ReadonlyArray<string>;
}

export interface UpgradeSimulation {
  readonly cluster: string;
  readonly from: string;
  readonly to: string;
  readonly steps: ReadonlyArray<UpgradeStep>;
  /** The first step with a hole, when there is one. */
  readonly firstFailure?: UpgradeStep;
}

/** A node as the simulation tracks it. */
interface SimNode {
  readonly name: string;
  readonly zone: string;
  kernel: string;
  schedulable: boolean;
}

/**
 * Walks the upgrade of `facts`'s cluster to release `to` over `nodes` (an inventory, or made-up
 * nodes from `syntheticNodes`), pool by pool in name order, and reports every step.
 */
export function simulateUpgrade(facts: ClusterFacts, fleet: Fleet, to: string, nodes: ReadonlyArray<InventoryNode>): UpgradeSimulation {
  const target = fleet.releases.tryGet(to);
  if (!target) throw new Error(`release ${to} is not in the fleet's release catalog`);
  const steps: UpgradeStep[] = [];
  let index = 0;
  for (const pool of facts.pools) {
    const members: SimNode[] = nodes.filter((n) => matchesSelector(n.labels, pool.nodeSelector)).map((n) => ({
      name: n.name, zone: n.labels['topology.kubernetes.io/zone'] ?? '', kernel: n.kernel, schedulable: !n.unschedulable,
    }));
    const targetKernel = kernelOf(target, pool.kernelType);
    steps.push({ index: ++index, pool: pool.name, nodes: [], holes: holes(facts, fleet, pool, members) });
    if (!targetKernel) {
      steps.push({ index: ++index, pool: pool.name, nodes: [], note: `no ${pool.kernelType} kernel of ${to} to reboot into`,
        holes: [`release ${to} has no ${pool.kernelType} kernel in the catalog: the pool's nodes would boot a kernel nothing is built for`] });
      continue;
    }
    // Nodes the MCO is already working on (cordoned, not yet on the new kernel) finish first.
    const pending = members.filter((n) => n.kernel !== targetKernel)
      .sort((a, b) => Number(a.schedulable) - Number(b.schedulable) || cmp(a.zone, b.zone) || cmp(a.name, b.name));
    const batch = Math.max(1, scaledMaxUnavailable(pool.maxUnavailable, members.length));
    while (pending.length > 0) {
      const group = pending.splice(0, batch);
      for (const n of group) { n.schedulable = false; }
      for (const n of group) { n.kernel = targetKernel; n.schedulable = true; }
      steps.push({ index: ++index, pool: pool.name, nodes: group.map((n) => n.name), kernel: targetKernel, holes: holes(facts, fleet, pool, members) });
    }
  }
  const from = facts.releases[0];
  const firstFailure = steps.find((s) => s.holes.length > 0);
  return { cluster: facts.name, from, to, steps, ...(firstFailure ? { firstFailure } : {}) };
}

/** `maxUnavailable` as the MCO scales it: an integer, or a percentage of the pool rounded down. */
export function scaledMaxUnavailable(value: number | string, total: number): number {
  if (typeof value === 'number') return value;
  const percent = /^(\d+)%$/.exec(value);
  if (percent) return Math.floor((Number(percent[1]) * total) / 100);
  return Number(value);
}

/** `count` nodes per pool, named `<pool>-<n>`, on the pool's current kernel, for a walk without an inventory. */
export function syntheticNodes(facts: ClusterFacts, count: number): InventoryNode[] {
  return facts.pools.flatMap((p) => Array.from({ length: count }, (_, i) => ({
    name: `${p.name}-${i + 1}`,
    labels: { ...p.nodeSelector, 'node-role.kubernetes.io/worker': '' },
    kernel: p.kernels[0],
    osImage: '',
    unschedulable: false,
    taints: [],
    ready: true,
  })));
}

function holes(facts: ClusterFacts, fleet: Fleet, pool: PoolFacts, members: ReadonlyArray<SimNode>): string[] {
  return members.filter((n) => n.schedulable).flatMap((n) => pool.modules
    .map((m) => coverageOf(facts, fleet, pool, m, n.kernel))
    .filter((c) => !c.covered)
    .map((c) => `node ${n.name} (kernel ${n.kernel}): ${c.module}: ${c.detail}`));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The walk as text: one line per step, then the verdict. */
export function formatSimulation(sim: UpgradeSimulation): string {
  const lines = [`upgrade ${sim.cluster} ${sim.from} → ${sim.to}: ${sim.steps.filter((s) => s.nodes.length > 0).length} update steps`];
  for (const s of sim.steps) {
    const what = s.note !== undefined ? `pool ${s.pool}: ${s.note}`
      : s.nodes.length === 0 ? `pool ${s.pool}: before its update`
      : `pool ${s.pool}: ${s.nodes.join(', ')} drained, rebooted into ${s.kernel}, uncordoned`;
    lines.push(`  ${s.holes.length > 0 ? 'FAIL' : 'ok  '} step ${s.index}: ${what}`);
    for (const h of s.holes) lines.push(`         ${h}`);
  }
  lines.push(sim.firstFailure
    ? `  first failing step: ${sim.firstFailure.index} (pool ${sim.firstFailure.pool})`
    : '  every schedulable node keeps its modules at every step');
  return `${lines.join('\n')}\n`;
}
