import { describe, expect, it } from 'vitest';
import { FleetValidationError } from '../../lib/errors';
import { Fleet } from '../../lib/fleet/fleet';
import { BootstrapMode, GitOpsEngine, IN_CLUSTER_SERVER, resolveGitOps } from '../../lib/gitops/gitops-props';
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
    expect(resolveGitOps({ engines: [GitOpsEngine.ARGOCD], repoURL: 'git@github.com:acme/fleet.git' })).toEqual({
      engines: ['argocd'], bootstrap: 'per-cluster', repoURL: 'git@github.com:acme/fleet.git', revision: 'main', argocdNamespace: 'openshift-gitops',
      argocdInstance: 'openshift-gitops', applicationSet: false, fluxNamespace: 'flux-system', fluxTimeout: '90m', pathPrefix: 'dist',
    });
  });

  it('takes engines as a list, in a fixed order, and still reads the older engine field', () => {
    const engines = (props: object) => resolveGitOps({ repoURL: 'https://h/r.git', ...props }).engines;
    expect(engines({ engines: ['flux', 'argocd'] })).toEqual(['argocd', 'flux']);
    expect(engines({ engines: ['flux'] })).toEqual(['flux']);
    expect(engines({ engine: 'both' })).toEqual(['argocd', 'flux']);
    expect(engines({ engine: 'argocd' })).toEqual(['argocd']);
    const problems = (props: object) => problemsOf(() => resolveGitOps({ repoURL: 'https://h/r.git', ...props } as never));
    expect(problems({})).toEqual([{ path: 'gitops.engines', message: 'missing: the GitOps engines to generate wiring for' }]);
    expect(problems({ engines: [] })).toEqual([{ path: 'gitops.engines', message: 'a non-empty list of GitOps engines' }]);
    expect(problems({ engines: ['argocd', 'both'] })).toEqual([{ path: 'gitops.engines.1', message: 'unknown GitOps engine' }]);
    expect(problems({ engines: ['flux'], engine: 'flux' })).toEqual([{ path: 'gitops.engine', message: 'give engines or engine, not both' }]);
    expect(problems({ engines: ['flux'], bootstrap: 'everywhere' })).toEqual([{ path: 'gitops.bootstrap', message: 'unknown bootstrap mode' }]);
    expect(problems({ engines: ['flux'], repoSecret: 'Bad Name' })).toEqual([{ path: 'gitops.repoSecret', message: 'not a Secret name' }]);
    expect(resolveGitOps({ engines: [GitOpsEngine.FLUX], bootstrap: BootstrapMode.HUB, repoURL: 'https://h/r.git', repoSecret: 'git-creds' }))
      .toMatchObject({ bootstrap: 'hub', repoSecret: 'git-creds' });
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

describe('Cluster destination', () => {
  const fleet = () => new Fleet({ releases: TEST_RELEASES });

  it('defaults to the in-cluster API server', () => {
    expect(fleet().addCluster('a', { release: '4.18.12', pools: { gpu: {} } }).destination.argocd).toEqual({ server: IN_CLUSTER_SERVER });
    expect(IN_CLUSTER_SERVER).toBe('https://kubernetes.default.svc');
  });

  it('takes a hub-managed cluster\'s own API server and rejects anything but an https URL', () => {
    expect(fleet().addCluster('a', { release: '4.18.12', destinationServer: 'https://api.a.example.com:6443', pools: { gpu: {} } }).destination.argocd)
      .toEqual({ server: 'https://api.a.example.com:6443' });
    expect(problemsOf(() => fleet().addCluster('b', { release: '4.18.12', destinationServer: 'http://api.b:6443', pools: { gpu: {} } })))
      .toEqual([{ path: 'clusters.b.destinationServer', message: 'value has the wrong form' }]);
  });
});
