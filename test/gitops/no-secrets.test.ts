import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { loadDistObjects } from '../support/dist-objects';
import { REPO_ROOT } from '../support/repo';
import { renderTestFleet } from './test-fleet';

const DIST = path.join(REPO_ROOT, 'dist');

/** Every file under a folder, relative to it. */
function allFiles(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel)).flatMap((e) => {
    const p = path.join(rel, e);
    return fs.statSync(path.join(dir, p)).isDirectory() ? allFiles(dir, p) : [p];
  });
}

describe('private repositories by reference: no secret material in dist/', () => {
  it('the example fleet uses a private repository, and Flux refers to its Secret by name only', () => {
    const repos = loadDistObjects(DIST).filter(({ obj }) => obj.kind === 'GitRepository');
    expect(repos.length).toBeGreaterThan(0);
    for (const { obj } of repos) expect(obj.spec.secretRef).toEqual({ name: 'kmods-fleet-git' });
  });

  it('dist/ holds no Secret and nothing that looks like a credential', () => {
    const objects = loadDistObjects(DIST);
    expect(objects.length).toBeGreaterThan(50);
    expect(objects.filter(({ obj }) => obj.kind === 'Secret').map(({ file }) => file)).toEqual([]);
    const files = allFiles(DIST);
    for (const f of files) {
      const text = fs.readFileSync(path.join(DIST, f), 'utf8');
      expect(text, f).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----|password:|stringData:|bearerToken|\/\/[^/\s:@]+:[^/\s@]+@/);
    }
  });

  it('the hub wiring refers to kubeconfig Secrets by name only', () => {
    const { files } = renderTestFleet({ bootstrap: 'hub' as never, repoSecret: 'git-creds' });
    const ks = [...files.values()].filter((o) => o.kind === 'Kustomization' && o.apiVersion.startsWith('kustomize.toolkit'));
    expect(ks.length).toBe(4);
    for (const k of ks) expect(Object.keys(k.spec.kubeConfig.secretRef).sort()).toEqual(['key', 'name']);
    expect([...files.values()].some((o) => o?.kind === 'Secret')).toBe(false);
  });
});
