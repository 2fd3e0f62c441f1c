import { describe, expect, it } from 'vitest';
import { BootstrapMode } from '../../lib/gitops/gitops-props';
import { validateManifest } from '../support/validate';
import { renderTestFleet } from './test-fleet';

/** The ArgoCD CR patch: OpenShift GitOps' ArgoCD CRD is not among the shared CRDs, so it is checked by shape. */
const isInstancePatch = (path: string) => path.endsWith('/health-checks/argocd-instance-patch.yaml');

describe('generated Argo CD and Flux objects validate strictly against the upstream CRDs', () => {
  const variants = [
    ['per cluster', {}],
    ['ApplicationSet', { applicationSet: true }],
    ['hub', { bootstrap: BootstrapMode.HUB, repoSecret: 'git-creds' }],
  ] as const;
  for (const [variant, gitops] of variants) {
    const { files } = renderTestFleet(gitops);
    const wiring = [...files].filter(([p]) => !p.startsWith('clusters/') && !p.endsWith('/kustomization.yaml'));
    it(`${variant}: has wiring to check`, () => {
      expect(wiring.length).toBeGreaterThanOrEqual(4);
    });
    for (const [path, obj] of wiring) {
      if (isInstancePatch(path)) continue;
      it(`${variant}: ${path}`, () => {
        expect(validateManifest(obj)).toEqual([]);
      });
    }
    it(`${variant}: the ArgoCD patches hold only group/kind/check entries`, () => {
      const patches = wiring.filter(([p]) => isInstancePatch(p)).map(([, o]) => o);
      expect(patches.length).toBeGreaterThan(0);
      for (const patch of patches) {
        expect(Object.keys(patch.spec)).toEqual(['resourceHealthChecks']);
        for (const entry of patch.spec.resourceHealthChecks) {
          expect(Object.keys(entry).sort()).toEqual(['check', 'group', 'kind']);
          expect(typeof entry.check).toBe('string');
        }
      }
    });
  }

  it('catches an unknown field (the validation is strict)', () => {
    const { files } = renderTestFleet();
    const app = structuredClone([...files.values()].find((o) => o.kind === 'Application'));
    app.spec.syncPolicy.automated.prun = true;
    expect(validateManifest(app).join('\n')).toMatch(/prun/);
  });
});
