import { describe, expect, it } from 'vitest';
import { GitOpsEngine } from '../../lib/gitops/gitops-props';
import { ARGOCD_HEALTH_DIR, renderGitOps } from '../../lib/gitops/render-gitops';
import { validateManifest } from '../support/validate';
import { gitopsTestFleet } from '../support/test-fleet';
import { renderedManifests } from './rendered-manifests';

/** The ArgoCD CR patch: OpenShift GitOps' ArgoCD CRD is not among the shared CRDs, so it is checked by shape. */
const INSTANCE_PATCH = `${ARGOCD_HEALTH_DIR}/argocd-instance-patch.yaml`;

describe('generated Argo CD and Flux objects validate strictly against the upstream CRDs', () => {
  for (const applicationSet of [false, true]) {
    const fleet = gitopsTestFleet({ engine: GitOpsEngine.BOTH, applicationSet });
    const out = renderGitOps(fleet, renderedManifests(fleet));
    for (const [path, obj] of out) {
      if (path.endsWith('/kustomization.yaml') || path === INSTANCE_PATCH) continue;
      it(`${applicationSet ? 'ApplicationSet variant: ' : ''}${path}`, () => {
        expect(validateManifest(obj)).toEqual([]);
      });
    }
    it(`${applicationSet ? 'ApplicationSet variant: ' : ''}the ArgoCD patch holds only group/kind/check entries`, () => {
      const patch = out.get(INSTANCE_PATCH);
      expect(Object.keys(patch.spec)).toEqual(['resourceHealthChecks']);
      for (const entry of patch.spec.resourceHealthChecks) {
        expect(Object.keys(entry).sort()).toEqual(['check', 'group', 'kind']);
        expect(typeof entry.check).toBe('string');
      }
    });
  }

  it('catches an unknown field (the validation is strict)', () => {
    const fleet = gitopsTestFleet({ engine: GitOpsEngine.ARGOCD });
    const out = renderGitOps(fleet, renderedManifests(fleet));
    const app = structuredClone([...out.values()].find((o) => o.kind === 'Application'));
    app.spec.syncPolicy.automated.prun = true;
    expect(validateManifest(app).join('\n')).toMatch(/prun/);
  });
});
