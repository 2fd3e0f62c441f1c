import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterFolderProblems, clusterFolders } from '../support/cluster-folder';
import { REPO_ROOT, loadDistObjects, sharedAvailable, validateManifest } from '../support/validate';

const shared = sharedAvailable();

/**
 * Every schema error of every applied object under a dist folder, prefixed with its file.
 * `<wiring>/argocd/health-checks/` holds patches for the Argo CD instance that a person applies by
 * hand (there is no ArgoCD CRD in ../shared); test/gitops checks their shape.
 */
function distErrors(distDir: string): string[] {
  return loadDistObjects(distDir)
    .filter(({ file }) => !file.includes('/health-checks/'))
    .flatMap(({ file, obj }) => validateManifest(obj).map((e) => `${file}: ${e}`));
}

/**
 * The committed dist/. NOTE: in a helper worktree without a synthesized dist/ the first test fails on purpose
 * (dist/clusters must hold at least one cluster); it passes once `npm run synth` output is committed.
 */
describe.skipIf(!shared)('committed dist/', () => {
  const dist = join(REPO_ROOT, 'dist');

  it('has at least one cluster folder', () => {
    expect(clusterFolders(dist), `no cluster folder under ${dist}/clusters; run the synth`).not.toEqual([]);
  });

  it('holds only objects that validate against the CRDs / Kubernetes / OpenShift / Ignition schemas', () => {
    const objects = clusterFolders(dist).length > 0 ? loadDistObjects(dist) : [];
    expect(objects.length).toBeGreaterThan(0);
    expect(distErrors(dist)).toEqual([]);
  });

  it('builds every cluster folder with kubectl kustomize into exactly the listed objects', () => {
    const folders = clusterFolders(dist);
    expect(folders.length).toBeGreaterThan(0);
    expect(folders.flatMap(clusterFolderProblems)).toEqual([]);
  });

  it('builds the GitOps bootstrap folders with kubectl kustomize into exactly the listed objects', () => {
    const folders = ['gpu-prod', 'lab'].flatMap((c) => ['argocd', 'flux'].map((e) => join(dist, 'bootstrap', c, e)));
    expect(folders.flatMap(clusterFolderProblems)).toEqual([]);
  });
});

/** The same checks on a small dist written here, so they are proven to pass and to fail. */
describe.skipIf(!shared)('dist checks on a fixture dist', () => {
  const dist = mkdtempSync(join(tmpdir(), 'kmods-dist-'));
  afterAll(() => rmSync(dist, { recursive: true, force: true }));
  const cluster = join(dist, 'clusters', 'demo');
  mkdirSync(cluster, { recursive: true });
  const files: Record<string, string> = {
    'namespace-kmods-system.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kmods-system\n',
    'serviceaccount-kmods-system-loader.yaml':
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: loader\n  namespace: kmods-system\n',
    'machineconfigpool-gpu.yaml': [
      'apiVersion: machineconfiguration.openshift.io/v1',
      'kind: MachineConfigPool',
      'metadata:',
      '  name: gpu',
      'spec:',
      '  machineConfigSelector:',
      '    matchExpressions:',
      '      - {key: machineconfiguration.openshift.io/role, operator: In, values: [worker, gpu]}',
      '  nodeSelector:',
      '    matchLabels:',
      '      node-role.kubernetes.io/gpu: ""',
      '',
    ].join('\n'),
  };
  for (const [f, text] of Object.entries(files)) writeFileSync(join(cluster, f), text);
  writeFileSync(join(cluster, 'kustomization.yaml'), `resources:\n${Object.keys(files).map((f) => `  - ${f}\n`).join('')}`);

  it('passes on a valid dist', () => {
    expect(clusterFolders(dist)).toEqual([cluster]);
    expect(loadDistObjects(dist)).toHaveLength(3);
    expect(distErrors(dist)).toEqual([]);
    expect(clusterFolderProblems(cluster)).toEqual([]);
  });

  it('fails on an invalid object, an orphan file and a missing resource', () => {
    const broken = join(dist, 'clusters', 'broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: n\ndataa: {}\n');
    writeFileSync(join(broken, 'orphan.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: orphan\n');
    writeFileSync(join(broken, 'kustomization.yaml'), 'resources:\n  - cm.yaml\n  - gone.yaml\n');
    expect(distErrors(dist)).toEqual([expect.stringMatching(/^clusters\/broken\/cm\.yaml: ConfigMap n\/c: \/: unknown field/)]);
    expect(clusterFolderProblems(broken)).toEqual([
      `${broken}/orphan.yaml: not listed in kustomization.yaml resources`,
      `${join(broken, 'kustomization.yaml')}: lists gone.yaml, which does not exist`,
    ]);
    writeFileSync(join(broken, 'kustomization.yaml'), 'resources:\n  - cm.yaml\n  - orphan.yaml\n  - cm.yaml\n');
    expect(clusterFolderProblems(broken).join('\n')).toMatch(/kubectl kustomize .* failed|yields/);
    rmSync(broken, { recursive: true });
  });
});
