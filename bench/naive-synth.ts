import { Yaml } from 'cdk8s';
import { Fleet } from '../lib/fleet/fleet';
import { renderGitOps } from '../lib/gitops/render-gitops';
import { applyGitOpsPolicy } from '../lib/gitops/sync-policy';
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
    const engine = fleet.gitops?.engine;
    const inputs = new Map<string, Manifest[]>();
    for (const cluster of fleet.clusters) {
      const json = cluster.toJson() as Manifest[];
      const manifests = engine === undefined ? json : json.map((m) => applyGitOpsPolicy(m, engine) as Manifest);
      inputs.set(cluster.name, manifests);
      const names = manifests.map((m) => manifestFileName(m));
      manifests.forEach((m, i) => staged.write(`clusters/${cluster.name}/${names[i]}`, Yaml.stringify(m)));
      staged.write(`clusters/${cluster.name}/kustomization.yaml`, renderKustomization(names));
      objects += manifests.length;
      files += manifests.length + 1;
    }
    for (const [file, object] of renderGitOps(fleet, inputs)) {
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
