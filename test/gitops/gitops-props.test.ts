import { describe, expect, it } from 'vitest';
import { FleetValidationError } from '../../lib/errors';
import { Fleet } from '../../lib/fleet/fleet';
import { GitOpsEngine, IN_CLUSTER_SERVER, resolveGitOps } from '../../lib/gitops/gitops-props';
import { TEST_RELEASES } from '../support/test-fleet';

function problemsOf(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (e) {
    if (e instanceof FleetValidationError) return e.problems.map((p) => ({ path: p.path.join('.'), message: p.message }));
    throw e;
  }
  return [];
}

describe('GitOpsProps', () => {
  it('fills in the documented defaults', () => {
    expect(resolveGitOps({ engine: GitOpsEngine.ARGOCD, repoURL: 'git@github.com:acme/fleet.git' })).toEqual({
      engine: 'argocd', repoURL: 'git@github.com:acme/fleet.git', revision: 'main', argocdNamespace: 'openshift-gitops',
      argocdInstance: 'openshift-gitops', applicationSet: false, fluxNamespace: 'flux-system', fluxTimeout: '90m', pathPrefix: 'dist',
    });
  });

  it('reports every bad field under gitops.<field>', () => {
    const problems = problemsOf(() => new Fleet({
      releases: TEST_RELEASES,
      gitops: {
        engine: 'argo' as GitOpsEngine, repoURL: 'not a url', revision: '../main', argocdNamespace: 'Open_Shift',
        fluxNamespace: '', fluxTimeout: 'forever', pathPrefix: '/abs/../dist',
      },
    }));
    expect(problems.map((p) => p.path).sort()).toEqual([
      'gitops.argocdNamespace', 'gitops.engine', 'gitops.fluxNamespace', 'gitops.fluxTimeout', 'gitops.pathPrefix', 'gitops.repoURL', 'gitops.revision',
    ]);
    expect(problems.find((p) => p.path === 'gitops.engine')!.message).toBe('value is not one of the allowed values');
  });

  it('accepts https, ssh and scp-style repository URLs', () => {
    for (const repoURL of ['https://github.com/acme/fleet.git', 'ssh://git@github.com/acme/fleet.git', 'git@github.com:acme/fleet.git']) {
      expect(() => resolveGitOps({ engine: GitOpsEngine.FLUX, repoURL })).not.toThrow();
    }
  });
});

describe('Cluster destinationServer', () => {
  const fleet = () => new Fleet({ releases: TEST_RELEASES });

  it('defaults to the in-cluster API server', () => {
    expect(fleet().addCluster('a', { release: '4.18.12', pools: { gpu: {} } }).destinationServer).toBe(IN_CLUSTER_SERVER);
    expect(IN_CLUSTER_SERVER).toBe('https://kubernetes.default.svc');
  });

  it('takes a hub-managed cluster\'s own API server and rejects anything but an https URL', () => {
    expect(fleet().addCluster('a', { release: '4.18.12', destinationServer: 'https://api.a.example.com:6443', pools: { gpu: {} } }).destinationServer)
      .toBe('https://api.a.example.com:6443');
    expect(problemsOf(() => fleet().addCluster('b', { release: '4.18.12', destinationServer: 'http://api.b:6443', pools: { gpu: {} } })))
      .toEqual([{ path: 'clusters.b.destinationServer', message: 'value has the wrong form' }]);
  });
});
