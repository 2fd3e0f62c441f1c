import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { FleetValidationError } from '../../lib/errors';
import { loadFleetFile } from '../../lib/fleet-file/fleet-file';
import { Fleet } from '../../lib/fleet/fleet';
import { ClusterProps } from '../../lib/fleet/cluster';
import { clusterGuardName } from '../../lib/gitops/cluster-guard';
import { BootstrapMode, GitOpsEngine, IN_CLUSTER_SERVER } from '../../lib/gitops/gitops-props';
import { readTree, synthesizeFleet } from '../../lib/synth/synthesize-fleet';
import { parseYamlObjects } from '../support/dist-objects';
import { kustomizeBuild } from '../support/kustomize';
import { REPO_ROOT, runMainApp, tempDir } from '../support/repo';
import { TEST_RELEASES } from '../support/test-fleet';
import { emitFleetFiles } from '../../lib/synth/render-fleet';
import { clusterVersion, denials } from './admission-model';

const EXAMPLE = path.join(REPO_ROOT, 'apps', 'fleet.yaml');
const DIST = path.join(REPO_ROOT, 'dist');
const CLUSTER_LABEL = 'cdk8s-kmods.io/cluster';

/** The problems (as `path: message`) of adding clusters a then b to a fleet with the given bootstrap mode. */
function sharing(mode: BootstrapMode, a: Partial<ClusterProps>, b: Partial<ClusterProps>): string[] {
  const fleet = new Fleet({ releases: TEST_RELEASES, gitops: { engines: [GitOpsEngine.ARGOCD, GitOpsEngine.FLUX], bootstrap: mode, repoURL: 'https://h/r.git' } });
  fleet.addCluster('a', { release: '4.18.12', pools: { p: {} }, ...a });
  try {
    fleet.addCluster('b', { release: '4.18.12', pools: { p: {} }, ...b });
  } catch (e) {
    if (e instanceof FleetValidationError) return e.problems.map((p) => `${p.path.join('.')}: ${p.message}`);
    throw e;
  }
  return [];
}

describe('no two clusters share a destination', () => {
  it('per cluster: each cluster runs its own engine, so the in-cluster server is no shared destination', () => {
    expect(sharing(BootstrapMode.PER_CLUSTER, {}, {})).toEqual([]);
    expect(sharing(BootstrapMode.PER_CLUSTER, { destinationServer: IN_CLUSTER_SERVER }, { destinationServer: IN_CLUSTER_SERVER })).toEqual([]);
  });

  it('a cluster without clusterID gets no identity guard, and synth says so', () => {
    const fleet = new Fleet({ releases: TEST_RELEASES, gitops: { engines: [GitOpsEngine.FLUX], repoURL: 'https://h/r.git' } });
    const without = fleet.addCluster('a', { release: '4.18.12', pools: { p: {} } });
    const withId = fleet.addCluster('b', { release: '4.18.12', pools: { p: {} }, clusterID: '0f7d0a9c-8c2e-4f57-9d53-3c6f4a1b2e10' });
    const warnings = emitFleetFiles(fleet, { onFile: () => undefined }).warnings;
    expect(warnings).toEqual([expect.stringMatching(/^a: no clusterID: nothing refuses this cluster's objects on another cluster/)]);
    expect(withId.toJson().filter((o: any) => o.kind.startsWith('ValidatingAdmissionPolicy')).length).toBe(2);
    expect(without.toJson().filter((o: any) => o.kind.startsWith('ValidatingAdmissionPolicy')).length).toBe(0);
  });

  it('per cluster: the same remote server, Argo CD cluster name or clusterID is refused, naming both clusters', () => {
    expect(sharing(BootstrapMode.PER_CLUSTER, { destinationServer: 'https://api.x:6443' }, { destinationServer: 'https://api.x:6443' })).toEqual([
      'clusters.b.destinationServer: clusters "a" and "b" share a destination (Argo CD destination server https://api.x:6443): their folders would be applied to one cluster',
    ]);
    const id = '0f7d0a9c-8c2e-4f57-9d53-3c6f4a1b2e10';
    expect(sharing(BootstrapMode.PER_CLUSTER, { clusterID: id }, { clusterID: id })).toEqual([
      `clusters.b.clusterID: clusters "a" and "b" share a destination (clusterID ${id}): their folders would be applied to one cluster`,
    ]);
  });

  it('hub: clusters get their own Argo CD cluster name and kubeconfig Secret by default', () => {
    expect(sharing(BootstrapMode.HUB, {}, {})).toEqual([]);
    expect(sharing(BootstrapMode.HUB, { destinationServer: 'https://api.a:6443' }, { destinationServer: 'https://api.b:6443' })).toEqual([]);
  });

  it('hub: a shared server, name, kubeconfig Secret, or two clusters on the hub itself are refused, naming both', () => {
    expect(sharing(BootstrapMode.HUB, { destinationName: 'x' }, { destinationName: 'x' })).toEqual([
      'clusters.b.destinationName: clusters "a" and "b" share a destination (Argo CD destination name x): their folders would be applied to one cluster',
    ]);
    expect(sharing(BootstrapMode.HUB, { fluxKubeConfigSecret: 'k' }, { destinationName: 'b2', fluxKubeConfigSecret: 'k' })).toEqual([
      'clusters.b.fluxKubeConfigSecret: clusters "a" and "b" share a destination (Flux kubeconfig Secret k): their folders would be applied to one cluster',
    ]);
    expect(sharing(BootstrapMode.HUB, { destinationServer: IN_CLUSTER_SERVER }, { destinationServer: IN_CLUSTER_SERVER })).toEqual([
      `clusters.b.destinationServer: clusters "a" and "b" share a destination (Argo CD destination server ${IN_CLUSTER_SERVER}): their folders would be applied to one cluster`,
      'clusters.b.destinationServer: clusters "a" and "b" share a destination (the hub itself (Flux without kubeConfig)): their folders would be applied to one cluster',
    ]);
    // The default Argo CD name of one cluster is the explicit name of another.
    expect(sharing(BootstrapMode.HUB, {}, { destinationName: 'a' })[0]).toMatch(/clusters "a" and "b" share a destination \(Argo CD destination name a\)/);
  });

  it('synth refuses such a fleet.yaml, names both clusters, and leaves dist/ as it was', () => {
    const dir = tempDir();
    const file = path.join(dir, 'fleet.yaml');
    const text = fs.readFileSync(EXAMPLE, 'utf8').replace('clusterID: c0ffee00-1234-4abc-9def-001122334455', 'clusterID: 3f1c2b9a-0d4e-4c71-9a52-7e8b6d1f0a11');
    expect(text).not.toBe(fs.readFileSync(EXAMPLE, 'utf8'));
    fs.writeFileSync(file, text);
    const out = path.join(dir, 'dist');
    synthesizeFleet(loadFleetFile(EXAMPLE), { outdir: out });
    const before = readTree(out);
    const run = runMainApp({ KMODS_FLEET_FILE: file, KMODS_OUTDIR: out });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/clusters\.lab\.clusterID: cluster "lab": clusters "gpu-prod" and "lab" share a destination \(clusterID 3f1c2b9a-0d4e-4c71-9a52-7e8b6d1f0a11\)/);
    expect(readTree(out)).toEqual(before);
  });
});

/** Every bootstrap folder of the committed dist/, as `dist/bootstrap/<cluster>/<engine>`. */
function bootstrapFolders(dist: string): Array<{ cluster: string; engine: string; dir: string }> {
  const root = path.join(dist, 'bootstrap');
  return fs.readdirSync(root).sort().flatMap((cluster) => fs.readdirSync(path.join(root, cluster)).sort()
    .map((engine) => ({ cluster, engine, dir: path.join(root, cluster, engine) })));
}

/** The objects of a cluster folder and its setup folder, as the engines would sync them. */
function clusterObjects(dist: string, cluster: string): any[] {
  const dir = path.join(dist, 'clusters', cluster);
  return [
    ...parseYamlObjects(kustomizeBuild(dir)),
    ...(fs.existsSync(path.join(dir, 'setup')) ? parseYamlObjects(kustomizeBuild(path.join(dir, 'setup'))) : []),
  ];
}

describe('each bootstrap folder, applied alone, aims only at its own cluster', () => {
  const example = loadFleetFile(EXAMPLE);
  const folders = bootstrapFolders(DIST);

  it('there is one per cluster and engine of the example fleet', () => {
    expect(folders.map((f) => `${f.cluster}/${f.engine}`)).toEqual(example.clusterNames.flatMap((c) => [`${c}/argocd`, `${c}/flux`]));
  });

  for (const { cluster, engine, dir } of folders) {
    it(`${cluster}/${engine}: every object it applies (kubectl kustomize) is its cluster's, aimed at its own folders on the cluster it runs on`, () => {
      const objects = parseYamlObjects(kustomizeBuild(dir));
      const wiring = objects.filter((o) => ['Application', 'ApplicationSet', 'Kustomization'].includes(o.kind));
      expect(wiring.length).toBe(2);
      for (const o of wiring) {
        expect(o.metadata.labels[CLUSTER_LABEL]).toBe(cluster);
        const source = o.kind === 'Application' ? o.spec.source.path : o.spec.path.replace(/^\.\//, '');
        expect([`dist/clusters/${cluster}`, `dist/clusters/${cluster}/setup`]).toContain(source);
        if (o.kind === 'Application') expect(o.spec.destination.server).toBe(IN_CLUSTER_SERVER);
        else expect(o.spec).not.toHaveProperty('kubeConfig');
      }
      // Everything else it applies is the cluster's own (its setup folder) or fleet-neutral wiring.
      for (const o of objects.filter((x) => !wiring.includes(x))) {
        const label = o.metadata.labels?.[CLUSTER_LABEL];
        if (label !== undefined) expect(label, `${o.kind} ${o.metadata.name}`).toBe(cluster);
        else expect(['AppProject', 'ClusterRole', 'ClusterRoleBinding', 'GitRepository'], `${o.kind} ${o.metadata.name}`).toContain(o.kind);
      }
      const guard = objects.find((o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === clusterGuardName(cluster));
      expect(guard.spec.matchConstraints.objectSelector.matchLabels).toEqual({ [CLUSTER_LABEL]: cluster });
    });

    it(`${cluster}/${engine}: on the right cluster everything is admitted; on any other, nothing of the cluster's is`, () => {
      const bootstrap = parseYamlObjects(kustomizeBuild(dir));
      const synced = clusterObjects(DIST, cluster);
      // The identity guard (the setup folder also holds the loaders' node-label policy, a guarded object like any other).
      const guard = bootstrap.filter((o) => o.kind.startsWith('ValidatingAdmissionPolicy') && o.metadata.name === clusterGuardName(cluster));
      expect(guard.length).toBe(2);
      const own = (example.cluster(cluster).destination.clusterID)!;
      const labelled = [...bootstrap, ...synced].filter((o) => o.metadata.labels?.[CLUSTER_LABEL] === cluster && !o.kind.startsWith('ValidatingAdmissionPolicy'));
      expect(labelled.length).toBeGreaterThan(5);
      for (const o of [...bootstrap, ...synced]) expect(denials(o, guard, clusterVersion(own)), `${o.kind} ${o.metadata.name}`).toEqual([]);
      const other = example.clusterNames.filter((c) => c !== cluster).map((c) => example.cluster(c).destination.clusterID!);
      expect(other.length).toBeGreaterThan(0);
      for (const id of other) {
        for (const o of labelled) expect(denials(o, guard, clusterVersion(id)).length, `${o.kind} ${o.metadata.name} on ${id}`).toBe(1);
      }
      // Every MachineConfig, pool and loader the Applications would sync is among the refused objects.
      const nodeAndLoaders = synced.filter((o) => ['MachineConfigPool', 'MachineConfig', 'DaemonSet', 'Module'].includes(o.kind));
      expect(nodeAndLoaders.filter((o) => o.kind === 'MachineConfigPool').length).toBeGreaterThan(0);
      for (const o of nodeAndLoaders) expect(labelled, `${o.kind} ${o.metadata.name}`).toContain(o);
    });
  }
});

describe('hub: every cluster is aimed at a destination of its own', () => {
  it('synthesized hub wiring (kubectl kustomize) gives each cluster one Argo CD destination and one kubeconfig, none shared', () => {
    const text = fs.readFileSync(EXAMPLE, 'utf8').replace('bootstrap: per-cluster', 'bootstrap: hub');
    expect(text).toContain('bootstrap: hub');
    const file = path.join(tempDir(), 'fleet.yaml');
    fs.writeFileSync(file, text);
    const out = path.join(tempDir(), 'dist');
    synthesizeFleet(loadFleetFile(file), { outdir: out });
    expect(fs.existsSync(path.join(out, 'bootstrap'))).toBe(false);
    const apps = parseYamlObjects(kustomizeBuild(path.join(out, 'hub', 'argocd'))).filter((o) => o.kind === 'Application');
    const kss = parseYamlObjects(kustomizeBuild(path.join(out, 'hub', 'flux'))).filter((o) => o.kind === 'Kustomization');
    const clusters = loadFleetFile(file).clusterNames;
    expect(apps.length).toBe(clusters.length * 2);
    expect(kss.length).toBe(clusters.length * 2);
    const owner = new Map<string, string>();
    for (const o of [...apps, ...kss]) {
      const cluster = o.metadata.labels[CLUSTER_LABEL];
      const dest = o.kind === 'Application' ? JSON.stringify({ ...o.spec.destination, namespace: undefined }) : `kubeconfig ${o.spec.kubeConfig.secretRef.name}`;
      expect(owner.get(dest) ?? cluster, dest).toBe(cluster);
      owner.set(dest, cluster);
    }
    expect(owner.size).toBe(clusters.length * 2);
  });
});
