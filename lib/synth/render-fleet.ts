import { Yaml } from 'cdk8s';
import { Cluster } from '../fleet/cluster';
import { Fleet } from '../fleet/fleet';
import { renderKustomization } from './kustomization';
import { Manifest, manifestFileName } from './manifest';
import { checkManifests } from './output-checks';
import { ProgressListener, SynthesisStage } from './progress';

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

/** Options of `renderFleet`. */
export interface RenderFleetOptions {
  /** Called with stage RENDER before the first cluster and after each one. @default - no progress events */
  readonly onProgress?: ProgressListener;
}

/** The resolved objects of one cluster (its App holds only that cluster, so this is linear in the fleet). */
export function renderClusterManifests(cluster: Cluster): Manifest[] {
  return cluster.toJson() as Manifest[];
}

/**
 * Renders the whole fleet in memory: `clusters/<cluster>/<file>.yaml` per object plus a
 * `kustomization.yaml` per cluster. Nothing is written; bad objects throw OutputCheckError.
 */
export function renderFleet(fleet: Fleet, options: RenderFleetOptions = {}): RenderedFleet {
  const files = new Map<string, string>();
  const clusters = new Map<string, Manifest[]>();
  const errors: string[] = [];
  const all = fleet.clusters;
  const report = options.onProgress;
  report?.({ stage: SynthesisStage.RENDER, clustersDone: 0, clustersTotal: all.length });
  for (const cluster of all) {
    const manifests = renderClusterManifests(cluster);
    errors.push(...checkManifests(`cluster "${cluster.name}"`, manifests));
    const byFile = manifests.map((m) => [manifestFileName(m), m] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const dir = `clusters/${cluster.name}`;
    for (const [file, manifest] of byFile) files.set(`${dir}/${file}`, Yaml.stringify(manifest));
    files.set(`${dir}/kustomization.yaml`, renderKustomization(byFile.map(([file]) => file)));
    clusters.set(cluster.name, byFile.map(([, m]) => m));
    report?.({ stage: SynthesisStage.RENDER, clustersDone: clusters.size, clustersTotal: all.length });
  }
  if (errors.length > 0) throw new OutputCheckError(errors);
  return { files, clusters };
}
