import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'node:util';
import { FleetValidationError } from '../errors';
import { KERNEL_ANNOTATION } from '../labels';
import { OutputCheckError } from '../synth/render-cluster';
import { readTree, synthesizeFleet } from '../synth/synthesize-fleet';
import { CliError, CliIo, ExitCode, parseJsonInput } from './cli-io';
import type { Command } from './command';
import { ClusterFacts, clusterFacts } from './fleet-facts';
import { fleetFileOf, loadFleet } from './fleet-input';
import { readTreeAtRef } from './git-tree';
import { checkNodes } from './node-coverage';
import { InventoryNode, parseNodeInventory } from './node-inventory';
import { diffOutputs, OutputObject } from './output-diff';
import { analyseCluster, ClusterChangePlan } from './plan-analysis';
import { renderPlanMarkdown } from './plan-markdown';
import { checkPreconditions } from './preconditions';

const USAGE = `Usage: kmods plan --base GIT-REF [--fleet FILE] [--dist DIR] [--nodes CLUSTER=FILE ...]

Synthesizes the fleet into a temporary folder (dist/ is not touched), compares it with DIR as it
is at GIT-REF, and prints a Markdown plan for a pull request, per cluster:
  - pools that drain and reboot, and why (from the MachineConfig changes, honouring node
    disruption policies: rebootless module files and Ignition-version-only changes do not reboot);
  - modules that rebuild (new BuildConfigs), load, reload (loader pod template changed: module
    parameters, script, image) or unload, on which pools, or on which nodes with --nodes;
  - what Argo CD / Flux prune, and what stays on the cluster because it is Prune=false;
  - warnings: nodes left without a module (with --nodes), preconditions of new builds.
An unchanged fleet prints "No changes".

  --base REF           the commit to compare with, e.g. origin/main or \${{ github.base_ref }}.
  --fleet FILE         the fleet file (default: $KMODS_FLEET_FILE, else apps/fleet.yaml).
  --dist DIR           the committed output folder (default: dist).
  --nodes C=FILE       "oc get nodes -o json" of cluster C, to name nodes; repeatable.

Exit codes: 0 plan printed; 2 usage error; 3 bad input (fleet does not synthesize, unknown ref).
`;

export const planCommand: Command = {
  name: 'plan',
  summary: 'Markdown plan of a change for a pull request: reboots, rebuilds, reloads, prunes',
  usage: USAGE,
  run: (args, io) => runPlan(args, io),
};

/** The kernel a loader DaemonSet or BuildConfig is for (its kernel annotation, or the loader's KMODS_KERNEL). */
function kernelOf(obj: OutputObject): string | undefined {
  const annotated = obj.metadata.annotations?.[KERNEL_ANNOTATION];
  if (annotated) return annotated;
  const containers = ((obj.spec as Record<string, any> | undefined)?.template?.spec?.containers ?? []) as Array<{ env?: Array<{ name: string; value?: string }> }>;
  return containers.flatMap((c) => c.env ?? []).find((e) => e.name === 'KMODS_KERNEL')?.value;
}

function runPlan(args: string[], io: CliIo): ExitCode {
  const { values } = parseArgs({
    args,
    options: {
      base: { type: 'string' },
      fleet: { type: 'string' },
      dist: { type: 'string' },
      nodes: { type: 'string', multiple: true },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.base === undefined || values.base === '') throw new CliError('--base GIT-REF is required', ExitCode.USAGE);
  const inventories = new Map<string, InventoryNode[]>();
  for (const spec of values.nodes ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new CliError(`--nodes takes CLUSTER=FILE; given "${spec}"`, ExitCode.USAGE);
    const file = spec.slice(eq + 1);
    inventories.set(spec.slice(0, eq), parseNodeInventory(parseJsonInput(io, file, 'node inventory'), file));
  }
  const fleet = loadFleet(io, fleetFileOf(io, values.fleet));
  for (const c of inventories.keys()) {
    if (!fleet.clusterNames.includes(c)) throw new CliError(`--nodes: no cluster "${c}" in the fleet (${fleet.clusterNames.join(', ')})`);
  }
  const distDir = path.resolve(io.cwd, values.dist ?? 'dist');
  const base = readTreeAtRef(io.cwd, distDir, values.base);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kmods-plan-'));
  let head: Map<string, string>;
  try {
    try {
      synthesizeFleet(fleet, { outdir: path.join(tmp, 'out') });
    } catch (e) {
      if (e instanceof FleetValidationError || e instanceof OutputCheckError) throw new CliError(`the fleet does not synthesize: ${e.message}`);
      throw e;
    }
    head = readTree(path.join(tmp, 'out'));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const folders = diffOutputs(base, head);
  const changedClusters = new Set(folders.filter((f) => f.isCluster).map((f) => f.folder));
  const warnings: string[] = [];
  const clusters: ClusterChangePlan[] = folders.filter((f) => f.isCluster).map((folder) => {
    const facts: ClusterFacts | undefined = fleet.clusterNames.includes(folder.folder) ? clusterFacts(fleet, folder.folder) : undefined;
    const nodes = inventories.get(folder.folder);
    const plan = analyseCluster(folder, {
      facts,
      nodes,
      keepsLoaded: (module) => [...base.entries()].some(([file, text]) => file.startsWith(`clusters/${folder.folder}/`)
        && file.endsWith(`_configmap_${module}-loader.yaml`) && text.includes('KEEP_LOADED_ON_STOP=true')),
    });
    const extra: string[] = [];
    if (facts) {
      const needsBuilds = folder.changes.some((c) => c.change === 'added' && (c.kind === 'BuildConfig' || c.kind === 'PreflightValidationOCP'));
      if (needsBuilds) extra.push(...checkPreconditions(facts, {}).map((p) => p.message));
    }
    if (facts) {
      // A kernel the base output served and the new one does not: every node still on it loses its modules.
      const served = new Set(facts.pools.flatMap((p) => p.kernels));
      const dropped = [...new Set(folder.changes.filter((c) => c.change === 'removed' && (c.kind === 'DaemonSet' || c.kind === 'BuildConfig'))
        .map((c) => kernelOf(c.before!)).filter((k): k is string => k !== undefined && !served.has(k)))].sort();
      for (const k of dropped) {
        extra.push(`kernel ${k} loses its builds and loaders: a node still running it keeps no module after its loader is pruned; `
          + `merge only when no node runs it (kmods check --cluster ${folder.folder} --nodes <oc get nodes -o json>)`);
      }
    }
    if (facts && nodes) {
      for (const n of checkNodes(facts, fleet, nodes).nodes) {
        for (const m of n.modules.filter((x) => !x.covered)) extra.push(`node ${n.node.name} would be left without \`${m.module}\`: ${m.detail}`);
      }
    }
    if (!facts && [...base.keys()].some((file) => file.startsWith(`bootstrap/${folder.folder}/`))) {
      // Per-cluster bootstrap: the cluster's own engine was set up by hand from dist/bootstrap/<cluster>/, which nothing syncs.
      extra.push(`cluster \`${folder.folder}\` left the fleet: its Argo CD Application and Flux Kustomization were applied by hand from `
        + `dist/bootstrap/${folder.folder}/ and stay on the cluster, now pointing at a path that no longer exists: Argo CD reports a ComparisonError and `
        + 'Flux a failed reconciliation, and neither deletes anything, so the objects listed as pruned above stay until they are deleted by hand');
    } else if (!facts) {
      extra.push(`cluster \`${folder.folder}\` left the fleet: Argo CD deletes its Application without a resources finalizer, so every object stays on `
        + 'the cluster; Flux deletes its Kustomization (prune: true), which deletes the objects listed as pruned above (not the Prune=false ones)');
    }
    return { ...plan, warnings: [...plan.warnings, ...extra] };
  });
  // Clusters with an inventory but no change still get the coverage check.
  for (const [name, nodes] of inventories) {
    if (changedClusters.has(name)) continue;
    const facts = clusterFacts(fleet, name);
    for (const n of checkNodes(facts, fleet, nodes).nodes) {
      for (const m of n.modules.filter((x) => !x.covered)) warnings.push(`cluster \`${name}\`: node ${n.node.name} has no \`${m.module}\`: ${m.detail}`);
    }
  }
  io.stdout(renderPlanMarkdown({
    base: values.base,
    clusters,
    gitops: folders.filter((f) => !f.isCluster),
    unchanged: fleet.clusterNames.filter((c) => !changedClusters.has(c)),
    warnings,
  }));
  return ExitCode.OK;
}
