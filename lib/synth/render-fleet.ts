import { Yaml } from 'cdk8s';
import { Cluster } from '../fleet/cluster';
import { Fleet } from '../fleet/fleet';
import { applyGitOpsPolicy } from '../gitops/sync-policy';
import { renderGitOps } from '../gitops/render-gitops';
import { renderKustomization } from './kustomization';
import { Manifest, manifestFileName } from './manifest';
import { checkManifests } from './output-checks';

/** Every file of the fleet's output, by path relative to the output folder, in a stable order. */
export interface RenderedFleet {
  readonly files: ReadonlyMap<string, string>;
  /** Objects per cluster, in file-name order. */
  readonly clusters: ReadonlyMap<string, ReadonlyArray<Manifest>>;
}

/** Thrown when rendered objects fail the output checks (a generator bug, not bad input). */
export class OutputCheckError extends Error {
  constructor(public readonly errors: ReadonlyArray<string>) {
    super(`generated objects failed the output checks:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
    this.name = 'OutputCheckError';
  }
}

/**
 * The resolved objects of one cluster (its App holds only that cluster, so this is linear in
 * the fleet), with the fleet's GitOps annotations (sync waves, prune protection) when it has any.
 */
export function renderClusterManifests(cluster: Cluster): Manifest[] {
  const manifests = cluster.toJson() as Manifest[];
  const engine = cluster.fleet.gitops?.engine;
  return engine === undefined ? manifests : manifests.map((m) => applyGitOpsPolicy(m, engine) as Manifest);
}

/**
 * Renders the whole fleet in memory: `clusters/<cluster>/<file>.yaml` per object plus a
 * `kustomization.yaml` per cluster, and the GitOps wiring under `argocd/` and `flux/`.
 * Nothing is written; bad objects throw OutputCheckError.
 */
export function renderFleet(fleet: Fleet): RenderedFleet {
  const files = new Map<string, string>();
  const clusters = new Map<string, Manifest[]>();
  const errors: string[] = [];
  for (const cluster of fleet.clusters) {
    const manifests = renderClusterManifests(cluster);
    errors.push(...checkManifests(`cluster "${cluster.name}"`, manifests));
    const byFile = manifests.map((m) => [manifestFileName(m), m] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const dir = `clusters/${cluster.name}`;
    for (const [file, manifest] of byFile) files.set(`${dir}/${file}`, Yaml.stringify(manifest));
    files.set(`${dir}/kustomization.yaml`, renderKustomization(byFile.map(([file]) => file)));
    clusters.set(cluster.name, byFile.map(([, m]) => m));
  }
  for (const [file, object] of renderGitOps(fleet, clusters)) {
    if (object.kind !== 'Kustomization' || object.apiVersion !== 'kustomize.config.k8s.io/v1beta1') {
      if (!file.startsWith('argocd/health-checks/')) errors.push(...checkManifests(file, [object]));
    }
    files.set(file, Yaml.stringify(object));
  }
  if (errors.length > 0) throw new OutputCheckError(errors);
  return { files, clusters };
}
