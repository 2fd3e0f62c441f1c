import { parseArgs } from 'node:util';
import { CliError, CliIo, ExitCode, parseJsonInput } from './cli-io';
import type { Command } from './command';
import { ClusterFacts, clusterFacts } from './fleet-facts';
import { fleetFileOf, loadFleet } from './fleet-input';
import { checkNodes, formatNodeReport, nodeReportFails } from './node-coverage';
import { InventoryNode, parseNodeInventory } from './node-inventory';
import { checkPreconditions, imageRegistryStateOf } from './preconditions';
import { formatSimulation, simulateUpgrade, syntheticNodes } from './upgrade-simulation';

const USAGE = `Usage: kmods check [--fleet FILE] [--cluster NAME] [--nodes FILE] [--upgrade-to RELEASE]
                   [--nodes-per-pool N] [--image-registry FILE] [--kmm-version VERSION]

Checks a fleet's output against a cluster before anything is applied:

  --nodes FILE        the output of "oc get nodes -o json" (- for stdin). Reports every node: its
                      pool (or "in no pool" / "in N pools"), its kernel, and for each module of its
                      pool the build and loader that cover that kernel, or the exact problem
                      (kernel not in the catalog, prebuilt image missing, pool selects no node).
  --upgrade-to R      walks the MCO's rolling update to release R pool by pool (maxUnavailable
                      nodes at a time: drain, reboot into R's kernel, uncordon) and checks after
                      every step that every schedulable node has a loader and an image for its
                      kernel; reports the first step that fails. Without it, clusters with
                      upgradeTo are walked to that release. Uses the --nodes inventory, else
                      --nodes-per-pool made-up nodes per pool (default 3).
  --cluster NAME      the cluster the inventory comes from (needed with --nodes when the fleet has
                      several clusters; otherwise every cluster is checked).
  --image-registry F  "oc get configs.imageregistry.operator.openshift.io cluster -o json": fails
                      when builds push to the internal registry and it is Removed.
  --kmm-version V     the installed KMM version (oc get csv -n openshift-kmm): fails below 2.4
                      when the output has a PreflightValidationOCP.
  --fleet FILE        the fleet file (default: $KMODS_FLEET_FILE, else apps/fleet.yaml).

Exit codes: 0 every node keeps its modules; 1 a node or an upgrade step goes without a module,
or a precondition fails; 2 usage error; 3 bad input (fleet, inventory).
`;

export const checkCommand: Command = {
  name: 'check',
  summary: 'check nodes (oc get nodes -o json), an upgrade walk and cluster preconditions against the fleet',
  usage: USAGE,
  run: (args, io) => runCheck(args, io),
};

function runCheck(args: string[], io: CliIo): ExitCode {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'fleet': { type: 'string' },
      'cluster': { type: 'string' },
      'nodes': { type: 'string' },
      'upgrade-to': { type: 'string' },
      'nodes-per-pool': { type: 'string' },
      'image-registry': { type: 'string' },
      'kmm-version': { type: 'string' },
    },
    allowPositionals: false,
    strict: true,
  });
  void positionals;
  const fleet = loadFleet(io, fleetFileOf(io, values.fleet));
  const perPool = values['nodes-per-pool'] === undefined ? 3 : Number(values['nodes-per-pool']);
  if (!Number.isInteger(perPool) || perPool < 1 || perPool > 10_000) {
    throw new CliError(`--nodes-per-pool must be a whole number from 1 to 10000; given "${values['nodes-per-pool']}"`, ExitCode.USAGE);
  }
  const upgradeTo = values['upgrade-to'];
  if (upgradeTo !== undefined && !fleet.releases.tryGet(upgradeTo)) {
    throw new CliError(`--upgrade-to: release "${upgradeTo}" is not in the fleet's release catalog (${fleet.releases.versions.join(', ')}); `
      + 'import it with "kmods release import" first');
  }
  let clusters = fleet.clusterNames;
  if (values.cluster !== undefined) {
    if (!clusters.includes(values.cluster)) {
      throw new CliError(`--cluster: no cluster "${values.cluster}" in the fleet (${clusters.join(', ')})`);
    }
    clusters = [values.cluster];
  } else if (values.nodes !== undefined && clusters.length > 1) {
    throw new CliError(`--nodes lists one cluster's nodes: name it with --cluster (one of ${clusters.join(', ')})`, ExitCode.USAGE);
  }
  const inventory: InventoryNode[] | undefined = values.nodes === undefined ? undefined
    : parseNodeInventory(parseJsonInput(io, values.nodes, 'node inventory'), values.nodes);
  const registryState = values['image-registry'] === undefined ? undefined
    : imageRegistryStateOf(parseJsonInput(io, values['image-registry'], 'image registry config'));
  if (values['image-registry'] !== undefined && registryState === undefined) {
    throw new CliError(`${values['image-registry']}: no spec.managementState (expected "oc get configs.imageregistry.operator.openshift.io cluster -o json")`);
  }

  let failed = false;
  for (const name of clusters) {
    const facts: ClusterFacts = clusterFacts(fleet, name);
    if (inventory) {
      const report = checkNodes(facts, fleet, inventory);
      io.stdout(formatNodeReport(report, facts));
      failed = nodeReportFails(report) || failed;
    }
    const target = upgradeTo ?? facts.upgradeTo;
    if (target !== undefined) {
      if (target === facts.releases[0]) {
        io.stdout(`upgrade ${name}: the cluster already runs ${target}\n`);
      } else {
        const sim = simulateUpgrade(facts, fleet, target, inventory ?? syntheticNodes(facts, perPool));
        io.stdout(formatSimulation(sim));
        failed = sim.firstFailure !== undefined || failed;
      }
    }
    for (const p of checkPreconditions(facts, { imageRegistryState: registryState, kmmVersion: values['kmm-version'] })) {
      io.stdout(`${p.level === 'fail' ? 'FAIL' : 'warning'}: cluster ${p.cluster}: ${p.message}\n`);
      failed = p.level === 'fail' || failed;
    }
  }
  return failed ? ExitCode.FINDINGS : ExitCode.OK;
}
