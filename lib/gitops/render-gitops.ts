import type { ClusterPlan } from '../plan/cluster-plan';
import { manifestFileName } from '../synth/manifest';
import { NODE_FOLDER, operatorCrdsNeeded, SETUP_FOLDER, splitClusterObjects } from './cluster-layout';
import { ClusterDestination } from './destination';
import { EngineCluster, WiringFile, WiringScope } from './engine';
import { engineDrivers } from './engines';
import { BootstrapMode, GitOpsSettings } from './gitops-props';
import { ClusterManifests, generatedKinds, namespacesUsed } from './kind-inventory';
import { machineConfigsByPool } from './pool-rollout';

/** What the wiring needs of a cluster besides its objects. */
export interface GitOpsCluster {
  readonly name: string;
  /** Where the engines apply the cluster's folders. */
  readonly destination: ClusterDestination;
  /** The cluster's loader namespace. */
  readonly loaderNamespace: string;
}

/** What the GitOps wiring needs of a cluster's plan. */
export function gitOpsClusterOf(plan: ClusterPlan): GitOpsCluster {
  return { name: plan.name, destination: plan.destination, loaderNamespace: plan.destination.namespace };
}

/** Folder (under dist) of one cluster's bootstrap, per engine: `bootstrap/<cluster>/<engine>/`. */
export function bootstrapDir(cluster: string, engine: string): string {
  return `bootstrap/${cluster}/${engine}`;
}

/** Folder (under dist) of the hub's wiring, per engine: `hub/<engine>/`. */
export function hubDir(engine: string): string {
  return `hub/${engine}`;
}

/**
 * The GitOps wiring, keyed by its path under `dist/`, for every engine of the settings:
 * - per cluster (default): `bootstrap/<cluster>/<engine>/` with that cluster's wiring only and a
 *   `kustomization.yaml` that also applies the cluster's `setup/` folder (identity guard first);
 * - hub: `hub/<engine>/` with every cluster's wiring, each aimed at its own destination.
 * What is whitelisted, granted or health-checked is derived from `clusterManifests` (the rendered
 * objects of every cluster). Returns an empty map without settings.
 */
export function renderGitOps(
  settings: GitOpsSettings | undefined,
  clusterManifests: ClusterManifests,
  clusters: ReadonlyArray<GitOpsCluster>,
): Map<string, any> {
  const out = new Map<string, any>();
  if (!settings) return out;
  const byName = new Map(clusters.map((c) => [c.name, c]));
  for (const name of clusterManifests.keys()) {
    if (!byName.has(name)) throw new Error(`renderGitOps: manifests given for "${name}", which is not a cluster of the fleet`);
  }
  if (settings.bootstrap !== BootstrapMode.HUB) {
    for (const c of clusters) for (const [file, object] of renderClusterWiring(settings, c, clusterManifests.get(c.name) ?? [])) out.set(file, object);
    return out;
  }
  const engineClusters = clusters.map((c) => engineCluster(settings, c, clusterManifests.get(c.name) ?? []));
  for (const driver of engineDrivers(settings.engines)) {
    addDirectory(out, hubDir(driver.engine), driver.wiring(settings, engineClusters, WiringScope.HUB), []);
  }
  return out;
}

/**
 * One cluster's own wiring in the per-cluster bootstrap mode (`bootstrap/<cluster>/<engine>/`),
 * keyed by its path under `dist/`: it depends on the settings and this cluster alone, so it is
 * rendered (and carried over by incremental synthesis) with the cluster's folder. Empty in hub mode.
 */
export function renderClusterWiring(settings: GitOpsSettings, cluster: GitOpsCluster, objects: ReadonlyArray<any>): Map<string, any> {
  const out = new Map<string, any>();
  if (settings.bootstrap === BootstrapMode.HUB) return out;
  const c = engineCluster(settings, cluster, objects);
  for (const driver of engineDrivers(settings.engines)) {
    const setup = c.setup ? [`../../../clusters/${c.name}/${SETUP_FOLDER}`] : [];
    addDirectory(out, bootstrapDir(c.name, driver.engine), driver.wiring(settings, [c], WiringScope.CLUSTER), setup);
  }
  return out;
}

/** One cluster as the engines see it: its folders, their kinds, the CRDs it needs from operators. */
function engineCluster(settings: GitOpsSettings, cluster: GitOpsCluster, objects: ReadonlyArray<any>): EngineCluster {
  const { setup, node, main } = splitClusterObjects(objects, { nodeFolder: settings.nodeSync !== undefined });
  const folder = `${settings.pathPrefix}/clusters/${cluster.name}`;
  const kindsOf = (objs: ReadonlyArray<any>) => generatedKinds(new Map([[cluster.name, objs]]));
  return {
    name: cluster.name,
    destination: cluster.destination,
    loaderNamespace: cluster.loaderNamespace,
    namespaces: namespacesUsed(objects),
    ...(setup.length > 0 ? { setup: { path: `${folder}/${SETUP_FOLDER}`, kinds: kindsOf(setup) } } : {}),
    ...(node.length > 0 ? { node: { path: `${folder}/${NODE_FOLDER}`, kinds: kindsOf(node) } } : {}),
    operatorCrds: operatorCrdsNeeded(main),
    main: { path: folder, kinds: kindsOf(main) },
    poolMachineConfigs: machineConfigsByPool(objects),
    rbacObjects: objects.filter((o) => String(o.apiVersion).startsWith('rbac.authorization.k8s.io/')),
  };
}

/** Adds one file per wiring object and a kustomization.yaml listing the applied ones (and `extraResources`). */
function addDirectory(out: Map<string, any>, dir: string, files: ReadonlyArray<WiringFile>, extraResources: ReadonlyArray<string>): void {
  const applied: string[] = [];
  for (const file of files) {
    const path = file.path ?? manifestFileName(file.object);
    if (out.has(`${dir}/${path}`)) throw new Error(`renderGitOps: two objects would be written to ${dir}/${path}`);
    out.set(`${dir}/${path}`, file.object);
    if (file.applied !== false) applied.push(path);
  }
  out.set(`${dir}/kustomization.yaml`, {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...extraResources, ...[...applied].sort()],
  });
}
