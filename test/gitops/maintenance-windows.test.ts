import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { FleetValidationError } from '../../lib/errors';
import { resolveGitOps } from '../../lib/gitops/gitops-props';
import { synthesizeFleet } from '../../lib/synth/synthesize-fleet';
import { clusterFolderProblems } from '../support/cluster-folder';
import { tempDir } from '../support/repo';
import { ModelCluster, reconcile } from './flux-model';
import { gitopsTestFleet, ofKind, renderTestFleet } from './test-fleet';

const NODE_KINDS = ['MachineConfig', 'MachineConfigPool', 'MachineConfiguration'];
const WINDOW = { schedule: '0 22 * * 6', duration: '4h', timeZone: 'Europe/Berlin' };

describe('maintenance windows for node-level objects', () => {
  const { files, clusters } = renderTestFleet({ nodeSync: { windows: [WINDOW] } });

  for (const cluster of ['gpu-prod', 'edge-1']) {
    it(`${cluster}: MachineConfigs, pools and MachineConfiguration sit in node/, nothing else does`, () => {
      const inFolder = (sub: string) => [...files].filter(([p]) => p.startsWith(`clusters/${cluster}/${sub}`) && p.split('/').length === (sub ? 4 : 3) && !p.endsWith('kustomization.yaml')).map(([, o]) => o.kind);
      const node = inFolder('node/');
      expect(node.length).toBeGreaterThanOrEqual(2);
      expect(node.every((k) => NODE_KINDS.includes(k))).toBe(true);
      expect(clusters.get(cluster)!.filter((o) => NODE_KINDS.includes(o.kind)).length).toBe(node.length);
      expect(inFolder('').some((k) => NODE_KINDS.includes(k))).toBe(false);
    });

    it(`${cluster}: Argo CD syncs the node Application automatically only inside the window`, () => {
      const dir = `bootstrap/${cluster}/argocd/`;
      const app = ofKind(files, 'Application', dir).find((a) => a.metadata.name === `kmods-${cluster}-node`)!;
      expect(app.spec.source.path).toBe(`dist/clusters/${cluster}/node`);
      expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true, allowEmpty: false });
      const [project] = ofKind(files, 'AppProject', dir);
      expect(project.spec.syncWindows).toEqual([{ kind: 'allow', ...WINDOW, applications: [`kmods-${cluster}-node`], manualSync: true }]);
    });

    it(`${cluster}: Flux suspends the node Kustomization, and the loaders depend on it`, () => {
      const ks = ofKind(files, 'Kustomization', `bootstrap/${cluster}/flux/`).filter((k) => k.apiVersion.startsWith('kustomize.toolkit'));
      const node = ks.find((k) => k.metadata.name === `kmods-${cluster}-node`)!;
      expect(node.spec).toMatchObject({ suspend: true, wait: true, path: `./dist/clusters/${cluster}/node`, dependsOn: [{ name: `kmods-${cluster}-setup` }] });
      const nodeKinds = new Set(clusters.get(cluster)!.filter((o) => NODE_KINDS.includes(o.kind)).map((o) => o.kind));
      expect(node.spec.healthCheckExprs.map((e: any) => e.kind)).toEqual(['MachineConfigPool', 'MachineConfiguration'].filter((k) => nodeKinds.has(k)));
      const main = ks.find((k) => k.metadata.name === `kmods-${cluster}`)!;
      expect(main.spec.dependsOn).toEqual([{ name: `kmods-${cluster}-setup` }, { name: `kmods-${cluster}-node` }]);
    });
  }

  it('manual: the node Applications have no automated sync and no window', () => {
    const manual = renderTestFleet({ nodeSync: { manual: true } });
    const apps = ofKind(manual.files, 'Application').filter((a) => a.metadata.name.endsWith('-node'));
    expect(apps.length).toBe(2);
    for (const a of apps) expect(a.spec.syncPolicy).not.toHaveProperty('automated');
    for (const p of ofKind(manual.files, 'AppProject')) expect(p.spec).not.toHaveProperty('syncWindows');
    const sets = ofKind(renderTestFleet({ nodeSync: { manual: true }, applicationSet: true }).files, 'ApplicationSet');
    expect(sets.map((s) => s.metadata.name).sort()).toEqual(['cdk8s-kmods', 'cdk8s-kmods', 'cdk8s-kmods-manual', 'cdk8s-kmods-manual']);
    for (const s of sets) expect('automated' in s.spec.template.spec.syncPolicy).toBe(!s.metadata.name.endsWith('-manual'));
  });

  it('by default node-level objects stay in the main folder, synced in wave order', () => {
    const { files: plain } = renderTestFleet();
    expect([...plain.keys()].some((p) => p.includes('/node/'))).toBe(false);
    expect(ofKind(plain, 'Application').some((a) => a.metadata.name.endsWith('-node'))).toBe(false);
  });

  it('kubectl kustomize builds every folder, and Flux converges once the node Kustomization is resumed in the window', () => {
    const root = tempDir();
    synthesizeFleet(gitopsTestFleet({ nodeSync: { windows: [WINDOW] } }), { outdir: path.join(root, 'dist') });
    const dirs = ['clusters/edge-1', 'clusters/edge-1/node', 'clusters/edge-1/setup', 'bootstrap/edge-1/argocd', 'bootstrap/edge-1/flux'];
    for (const d of dirs) expect(clusterFolderProblems(path.join(root, 'dist', d)), d).toEqual([]);
    const ks = ofKind(renderTestFleet({ nodeSync: { windows: [WINDOW] } }).files, 'Kustomization', 'bootstrap/edge-1/flux/')
      .filter((k) => k.apiVersion.startsWith('kustomize.toolkit'));
    const api = new ModelCluster();
    const before = reconcile(api, ks, root, 6);
    expect(before.get('kmods-edge-1-setup')!.ready).toBe(true);
    expect(before.get('kmods-edge-1')).toEqual({ ready: false, message: "dependency 'kmods-edge-1-node' is not ready" });
    expect([...api.objects.values()].some((o) => NODE_KINDS.includes(o.kind))).toBe(false);
    // The window opens: flux resume kustomization kmods-edge-1-node.
    const resumed = ks.map((k) => (k.metadata.name === 'kmods-edge-1-node' ? { ...k, spec: { ...k.spec, suspend: false } } : k));
    const after = reconcile(api, resumed, root, 6);
    for (const [name, s] of after) expect(s, name).toEqual({ ready: true, message: 'applied' });
  });

  it('refuses a node sync without windows or manual, and bad windows, naming the field', () => {
    const problems = (nodeSync: object) => {
      try {
        resolveGitOps({ engines: ['argocd'] as never, repoURL: 'https://h/r.git', nodeSync });
        return [];
      } catch (e) {
        return (e as FleetValidationError).problems.map((p) => `${p.path.join('.')}: ${p.message}`);
      }
    };
    expect(problems({})).toEqual(['gitops.nodeSync: give maintenance windows or manual: true']);
    expect(problems({ windows: [{ schedule: 'saturdays', duration: 'long', timeZone: 'Mars Base' }] })).toEqual([
      'gitops.nodeSync.windows.0.schedule: not a cron schedule',
      'gitops.nodeSync.windows.0.duration: not a duration',
      'gitops.nodeSync.windows.0.timeZone: not a time zone name',
    ]);
  });
});
