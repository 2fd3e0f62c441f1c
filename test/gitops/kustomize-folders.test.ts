import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { clusterFolderProblems } from '../support/cluster-folder';
import { REPO_ROOT } from '../support/repo';

const DIST = path.join(REPO_ROOT, 'dist');

/** Every folder under dist/ that has a kustomization.yaml, relative to dist/. */
function kustomizationFolders(dir: string, rel = ''): string[] {
  const here = fs.existsSync(path.join(dir, 'kustomization.yaml')) ? [rel] : [];
  const subs = fs.readdirSync(dir).filter((e) => fs.statSync(path.join(dir, e)).isDirectory()).sort();
  return [...here, ...subs.flatMap((e) => kustomizationFolders(path.join(dir, e), rel ? `${rel}/${e}` : e))];
}

describe('kubectl kustomize builds every folder of dist/', () => {
  const folders = kustomizationFolders(DIST);

  it('finds the cluster, setup and bootstrap folders', () => {
    const kinds = new Set(folders.map((f) => f.replace(/^clusters\/[^/]+\/setup$/, 'setup').replace(/^clusters\/[^/]+$/, 'cluster').replace(/^bootstrap\/[^/]+\/(\w+)$/, 'bootstrap $1')));
    expect([...kinds].sort()).toEqual(['bootstrap argocd', 'bootstrap flux', 'cluster', 'setup']);
    expect(folders.length).toBeGreaterThanOrEqual(16);
  });

  for (const folder of folders) {
    it(`${folder}: lists every file, and kubectl kustomize yields exactly the listed objects`, () => {
      expect(clusterFolderProblems(path.join(DIST, folder))).toEqual([]);
    });
  }

  it('every folder with YAML files has a kustomization.yaml (except the health-check patches, which are not applied)', () => {
    const walk = (dir: string): string[] => fs.readdirSync(dir).flatMap((e) => {
      const p = path.join(dir, e);
      return fs.statSync(p).isDirectory() ? walk(p) : e.endsWith('.yaml') ? [path.relative(DIST, dir)] : [];
    });
    const withYaml = [...new Set(walk(DIST))].filter((d) => !d.endsWith('/health-checks'));
    expect(withYaml.sort()).toEqual([...folders].sort());
  });
});
