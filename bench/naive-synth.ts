import { Yaml } from 'cdk8s';
import { Fleet } from '../lib/fleet/fleet';
import { applyGitOpsPolicy } from '../lib/gitops/annotate';
import { clusterFolderParts, splitClusterObjects } from '../lib/gitops/cluster-layout';
import { annotatePoolMachineConfigs } from '../lib/gitops/pool-rollout';
import { GitOpsCluster, renderGitOps } from '../lib/gitops/render-gitops';
import { renderKustomization } from '../lib/synth/kustomization';
import { Manifest, manifestFileName } from '../lib/synth/manifest';
import { StagedDirectory } from '../lib/synth/staged-directory';

/**
 * The naive baseline: the fleet built with every cluster's Chart in ONE cdk8s App
 * (`appPerCluster: false`), each chart rendered with cdk8s's own `Chart.toJson()` — what
 * `app.synth()` does per chart: resolve the whole App's dependencies and validate the whole
 * App, for every chart, hence O(N²) — then given the same GitOps annotations and wiring,
 * serialized and written to the same files as ours.
 */
export function naiveSynth(fleet: Fleet, outdir: string): { objects: number; files: number } {
  const staged = new StagedDirectory(outdir);
  let objects = 0;
  let files = 0;
  try {
    const engines = fleet.gitops?.engines;
    const inputs = new Map<string, Manifest[]>();
    const targets: GitOpsCluster[] = [];
    for (const cluster of fleet.clusters) {
      const json = cluster.toJson() as Manifest[];
      const manifests = engines === undefined ? json : annotatePoolMachineConfigs(json.map((m) => applyGitOpsPolicy(m, engines) as Manifest));
      inputs.set(cluster.name, manifests);
      targets.push({ name: cluster.name, destination: cluster.destination, loaderNamespace: cluster.loaderNamespace });
      for (const [sub, part] of clusterFolderParts(splitClusterObjects(manifests, { nodeFolder: fleet.gitops?.nodeSync !== undefined }))) {
        const dir = sub ? `clusters/${cluster.name}/${sub}` : `clusters/${cluster.name}`;
        const names = part.map((m) => manifestFileName(m));
        part.forEach((m, i) => staged.write(`${dir}/${names[i]}`, Yaml.stringify(m)));
        staged.write(`${dir}/kustomization.yaml`, renderKustomization(names));
        files += part.length + 1;
      }
      objects += manifests.length;
    }
    for (const [file, object] of renderGitOps(fleet.gitops, inputs, targets)) {
      staged.write(file, Yaml.stringify(object));
      files += 1;
    }
  } catch (e) {
    staged.discard();
    throw e;
  }
  staged.commit();
  return { objects, files };
}
