import type { Fleet } from '../fleet/fleet';
import { ClusterFacts, PoolFacts } from './fleet-facts';
import { InventoryNode, matchesSelector } from './node-inventory';

/** How one module reaches one node, or why it does not. */
export interface ModuleCoverage {
  readonly module: string;
  /** True when the cluster's output has a loader and an image for the node's kernel. */
  readonly covered: boolean;
  /** For covered modules: build, image and loader; otherwise the exact problem. */
  readonly detail: string;
}

/** One node of the inventory, judged against its cluster's output. */
export interface NodeReport {
  readonly node: InventoryNode;
  /** The fleet pools whose selector matches the node (the MCO accepts exactly one custom pool). */
  readonly pools: ReadonlyArray<string>;
  /** The release whose kernel the node runs, when the cluster runs that kernel. */
  readonly release?: string;
  readonly modules: ReadonlyArray<ModuleCoverage>;
  /** Problems with the node itself (two pools). */
  readonly problems: ReadonlyArray<string>;
}

/** Everything `check --nodes` says about one cluster. */
export interface ClusterNodeReport {
  readonly cluster: string;
  readonly nodes: ReadonlyArray<NodeReport>;
  /** Pools whose selector matches no node of the inventory. */
  readonly emptyPools: ReadonlyArray<string>;
}

/** Looks a (module, kernel) up in the cluster's output: the build/prebuilt image and the loader. */
export function coverageOf(facts: ClusterFacts, fleet: Fleet, pool: PoolFacts, module: string, kernel: string): ModuleCoverage {
  const entry = facts.images.find((i) => i.module === module && i.kernel === kernel);
  if (entry && pool.kernels.includes(kernel)) {
    const build = entry.source === 'BuildConfig' ? `BuildConfig ${entry.buildConfig}` : entry.source;
    return { module, covered: true, detail: `${build} → ${entry.image} (loader: ${entry.loader})` };
  }
  const kmm = kmmMappingFor(facts, module, kernel);
  if (kmm?.regexp !== undefined) {
    const image = kmm.containerImage.split('${KERNEL_FULL_VERSION}').join(kernel);
    if (kmm.builds) return { module, covered: true, detail: `KMM Module ${kmm.kmmModule}: regexp ${kmm.regexp} → ${image}, built by KMM when a node runs this kernel (loader: kmm)` };
    return { module, covered: false, detail: `KMM Module ${kmm.kmmModule} maps kernel ${kernel} by regexp ${kmm.regexp} to ${image}, a prebuilt image `
      + `no catalog entry vouches for (add it to modules.${module}.source.prebuilt.images or import the release)` };
  }
  return { module, covered: false, detail: whyUncovered(facts, fleet, pool, module, kernel) };
}

/**
 * The KMM kernel mapping that applies to `kernel`: the first entry whose literal equals it or
 * whose regexp matches it (KMM `internal/module` kernel mapper; Go RE2 regexps, which the
 * anchored `^…$` patterns we emit read the same in JavaScript).
 */
function kmmMappingFor(facts: ClusterFacts, module: string, kernel: string) {
  return facts.kmmMappings.filter((m) => m.module === module).find((m) => {
    if (m.literal !== undefined) return m.literal === kernel;
    try {
      return m.regexp !== undefined && new RegExp(m.regexp).test(kernel);
    } catch {
      return false;
    }
  });
}

function whyUncovered(facts: ClusterFacts, fleet: Fleet, pool: PoolFacts, module: string, kernel: string): string {
  const owner = fleet.releases.versions.find((v) => {
    const r = fleet.releases.tryGet(v)!;
    return [r.kernel, r.realtimeKernel, r.kernel64k].some((k) => k?.full === kernel);
  });
  if (!owner) {
    return `kernel ${kernel} is not in the release catalog: no build or loader exists for it `
      + `(pool ${pool.name} has ${pool.kernels.join(', ')}; import the release with "kmods release import")`;
  }
  if (!facts.releases.includes(owner)) {
    return `kernel ${kernel} belongs to release ${owner}, which cluster ${facts.name} neither runs nor upgrades to `
      + `(release/upgradeTo: ${facts.releases.join(', ')}); set upgradeTo: "${owner}" and synthesize`;
  }
  if (!pool.kernels.includes(kernel)) {
    return `pool ${pool.name} runs the ${pool.kernelType} kernel (${pool.kernels.join(', ')}), but the node runs ${kernel}`;
  }
  const m = fleet.modules.tryGet(module);
  if (m && m.source.kind === 'prebuilt') return `prebuilt image missing for kernel ${kernel} (add it to modules.${module}.source.prebuilt.images)`;
  return `no build for kernel ${kernel} in the output`;
}

/** Judges every node of `nodes` against one cluster: pool membership, then each module of its pool. */
export function checkNodes(facts: ClusterFacts, fleet: Fleet, nodes: ReadonlyArray<InventoryNode>): ClusterNodeReport {
  const reports: NodeReport[] = nodes.map((node) => {
    const pools = facts.pools.filter((p) => matchesSelector(node.labels, p.nodeSelector));
    const release = facts.releases.find((v) => facts.pools.some((p) => p.kernels[facts.releases.indexOf(v)] === node.kernel));
    if (pools.length !== 1) {
      return {
        node, pools: pools.map((p) => p.name), ...(release ? { release } : {}), modules: [],
        problems: pools.length > 1
          ? [`in ${pools.length} pools (${pools.map((p) => p.name).join(', ')}): the MCO refuses a node in two custom pools, so none of their modules is guaranteed`]
          : [],
      };
    }
    const pool = pools[0];
    return {
      node, pools: [pool.name], ...(release ? { release } : {}),
      modules: pool.modules.map((m) => coverageOf(facts, fleet, pool, m, node.kernel)),
      problems: [],
    };
  });
  const emptyPools = facts.pools.filter((p) => !nodes.some((n) => matchesSelector(n.labels, p.nodeSelector))).map((p) => p.name);
  return { cluster: facts.name, nodes: reports, emptyPools };
}

/** True when some node would go without a module it needs (or a pool selects nothing). */
export function nodeReportFails(report: ClusterNodeReport): boolean {
  return report.emptyPools.length > 0 || report.nodes.some((n) => n.problems.length > 0 || n.modules.some((m) => !m.covered));
}

/** The report as text, one block per node. */
export function formatNodeReport(report: ClusterNodeReport, facts: ClusterFacts): string {
  const lines: string[] = [];
  const releases = facts.upgradeTo ? `${facts.releases[0]} → ${facts.upgradeTo}` : facts.releases[0];
  lines.push(`cluster ${report.cluster} (${releases}): ${report.nodes.length} nodes`);
  for (const r of report.nodes) {
    const n = r.node;
    const state = [n.unschedulable ? 'cordoned' : '', n.ready ? '' : 'not ready', n.mcoState && n.mcoState !== 'Done' ? `MCO ${n.mcoState}` : '']
      .filter(Boolean).join(', ');
    const pool = r.pools.length === 0 ? 'in no pool of the fleet (worker/master: no modules)' : r.pools.length > 1 ? `in ${r.pools.length} pools` : `pool ${r.pools[0]}`;
    const bad = r.problems.length > 0 || r.modules.some((m) => !m.covered);
    lines.push(`  ${bad ? 'FAIL' : 'ok  '} node ${n.name}: ${pool}, kernel ${n.kernel}${r.release ? ` (release ${r.release})` : ''}${state ? `, ${state}` : ''}`);
    for (const p of r.problems) lines.push(`       problem: ${p}`);
    for (const m of r.modules) lines.push(`       ${m.module}: ${m.covered ? '' : 'MISSING: '}${m.detail}`);
  }
  for (const p of report.emptyPools) {
    const pool = facts.pools.find((x) => x.name === p)!;
    lines.push(`  FAIL pool ${p}: its nodeSelector ${JSON.stringify(pool.nodeSelector)} matches no node, so no node loads ${pool.modules.join(', ') || 'its modules'}`);
  }
  return `${lines.join('\n')}\n`;
}
