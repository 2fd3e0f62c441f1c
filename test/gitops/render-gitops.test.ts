import { describe, expect, it } from 'vitest';
import { Fleet } from '../../lib/fleet/fleet';
import { GitOpsEngine } from '../../lib/gitops/gitops-props';
import { ARGOCD_HEALTH_DIR, renderGitOps } from '../../lib/gitops/render-gitops';
import { KIND_POLICIES, policyFor } from '../../lib/gitops/sync-policy';
import { MANAGE_VERBS } from '../../lib/gitops/gitops-rbac';
import { luaSource, HEALTH_CHECKS } from '../../lib/gitops/health-checks/health-checks';
import { TEST_RELEASES } from '../support/test-fleet';
import { gitopsTestFleet } from '../support/test-fleet';
import { renderedManifests } from './rendered-manifests';

function render(options: Parameters<typeof gitopsTestFleet>[0] = {}) {
  const fleet = gitopsTestFleet(options);
  const manifests = renderedManifests(fleet);
  return { fleet, manifests, out: renderGitOps(fleet, manifests) };
}
const ofKind = (out: Map<string, any>, kind: string) => [...out.values()].filter((o) => o.kind === kind);
const groupKinds = (manifests: Map<string, any[]>, namespaced: boolean) => [...new Set([...manifests.values()].flat()
  .map((o) => policyFor(o.apiVersion, o.kind)).filter((p) => p.namespaced === namespaced).map((p) => `${p.group}/${p.kind}`))].sort();

describe('renderGitOps: Argo CD', () => {
  const { fleet, manifests, out } = render();

  it('whitelists exactly the kinds the fleet generates, split by scope', () => {
    const [project] = ofKind(out, 'AppProject');
    const listed = (l: any[]) => l.map((e) => `${e.group}/${e.kind}`).sort();
    expect(listed(project.spec.clusterResourceWhitelist)).toEqual(groupKinds(manifests, false));
    expect(listed(project.spec.namespaceResourceWhitelist)).toEqual(groupKinds(manifests, true));
    expect(project.spec.sourceRepos).toEqual(['https://git.example.com/platform/fleet.git']);
  });

  it('narrows the whitelist when the fleet generates fewer kinds', () => {
    const small = new Map([...manifests].map(([c, objs]) => [c, objs.filter((o) => o.kind !== 'Module' && o.kind !== 'PreflightValidationOCP')]));
    const [project] = ofKind(renderGitOps(fleet, small), 'AppProject');
    const all = [...project.spec.clusterResourceWhitelist, ...project.spec.namespaceResourceWhitelist].map((e: any) => e.kind);
    expect(all).not.toContain('Module');
    expect(all).not.toContain('PreflightValidationOCP');
    expect(all).toContain('MachineConfig');
  });

  it('allows each cluster\'s server with the namespaces its objects use', () => {
    const [project] = ofKind(out, 'AppProject');
    expect(project.spec.destinations).toEqual([
      { server: 'https://api.gpu-prod.example.com:6443', namespace: 'kmods-system' },
      { server: 'https://kubernetes.default.svc', namespace: 'edge-kmods' },
    ]);
  });

  it('points one auto-syncing Application per cluster at its folder', () => {
    const apps = ofKind(out, 'Application');
    expect(apps.map((a) => a.metadata.name).sort()).toEqual(['kmods-edge-1', 'kmods-gpu-prod']);
    for (const cluster of fleet.clusters) {
      const app = apps.find((a) => a.metadata.name === `kmods-${cluster.name}`)!;
      expect(app.metadata.namespace).toBe('openshift-gitops');
      expect(app.spec.project).toBe('cdk8s-kmods');
      expect(app.spec.source).toEqual({ repoURL: 'https://git.example.com/platform/fleet.git', targetRevision: 'main', path: `dist/clusters/${cluster.name}` });
      expect(app.spec.destination).toEqual({ server: cluster.destinationServer, namespace: cluster.loaderNamespace });
      expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true, allowEmpty: false });
      expect(app.spec.syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
      expect(app.spec.ignoreDifferences).toEqual([
        { group: 'machineconfiguration.openshift.io', kind: 'MachineConfigPool', jsonPointers: ['/spec/paused'] },
        { group: 'apps', kind: 'DaemonSet', jqPathExpressions: ['.spec.template.spec.initContainers[]? | select(.name | startswith("modules-") or startswith("firmware-")) | .image'] },
      ]);
    }
    expect(ofKind(out, 'ApplicationSet')).toEqual([]);
  });

  it('can generate one ApplicationSet with a list generator instead', () => {
    const { out: setOut } = render({ applicationSet: true, revision: 'release-1', pathPrefix: 'deploy/out', argocdNamespace: 'argocd' });
    expect(ofKind(setOut, 'Application')).toEqual([]);
    const [set] = ofKind(setOut, 'ApplicationSet');
    expect(set.metadata.namespace).toBe('argocd');
    expect(set.spec.generators[0].list.elements).toEqual([
      { cluster: 'edge-1', server: 'https://kubernetes.default.svc', namespace: 'edge-kmods', path: 'deploy/out/clusters/edge-1' },
      { cluster: 'gpu-prod', server: 'https://api.gpu-prod.example.com:6443', namespace: 'kmods-system', path: 'deploy/out/clusters/gpu-prod' },
    ]);
    expect(set.spec.template.metadata.name).toBe('kmods-{{.cluster}}');
    expect(set.spec.template.spec.source).toEqual({ repoURL: 'https://git.example.com/platform/fleet.git', targetRevision: 'release-1', path: '{{.path}}' });
    expect(set.spec.template.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true, allowEmpty: false });
    expect(set.spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true });
  });

  it('grants the OpenShift GitOps controller exactly the generated kinds, plus what creating the generated RBAC needs', () => {
    const [role] = ofKind(out, 'ClusterRole').filter((r) => r.metadata.name === 'cdk8s-kmods-gitops-controller');
    const managed = role.rules.filter((r: any) => r.verbs.join() === MANAGE_VERBS.join());
    const granted = managed.flatMap((r: any) => r.resources.map((res: string) => `${r.apiGroups[0]}/${res}`)).sort();
    const generated = [...new Set([...manifests.values()].flat().map((o) => policyFor(o.apiVersion, o.kind)).map((p) => `${p.group}/${p.resource}`))].sort();
    expect(granted).toEqual(generated);
    // The loader Role grants `use` of the privileged SCC: the controller must hold it to create that Role.
    expect(role.rules).toContainEqual({ apiGroups: ['security.openshift.io'], resources: ['securitycontextconstraints'], resourceNames: ['privileged'], verbs: ['use'] });
    const bind = role.rules.filter((r: any) => r.verbs.includes('bind'));
    const referenced = [...manifests.values()].flat().filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding').map((o) => o.roleRef.name);
    expect(bind.flatMap((r: any) => r.resourceNames).sort()).toEqual([...new Set(referenced)].sort());
    expect(role.rules.some((r: any) => r.verbs.includes('escalate') || r.verbs.includes('*') || r.resources.includes('*'))).toBe(false);
    const [binding] = ofKind(out, 'ClusterRoleBinding');
    expect(binding.roleRef.name).toBe('cdk8s-kmods-gitops-controller');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'openshift-gitops-argocd-application-controller', namespace: 'openshift-gitops' }]);
  });

  it('ships the health checks as argocd-cm and ArgoCD patches, outside the applied kustomization', () => {
    const cm = out.get(`${ARGOCD_HEALTH_DIR}/argocd-cm-patch.yaml`);
    expect(Object.keys(cm.data).sort()).toEqual([
      'resource.customizations.health.apps_DaemonSet',
      'resource.customizations.health.build.openshift.io_Build',
      'resource.customizations.health.build.openshift.io_BuildConfig',
      'resource.customizations.health.kmm.sigs.x-k8s.io_Module',
      'resource.customizations.health.machineconfiguration.openshift.io_MachineConfigPool',
    ]);
    const instance = out.get(`${ARGOCD_HEALTH_DIR}/argocd-instance-patch.yaml`);
    expect(instance.kind).toBe('ArgoCD');
    expect(instance.metadata).toEqual({ name: 'openshift-gitops', namespace: 'openshift-gitops' });
    for (const entry of instance.spec.resourceHealthChecks) {
      const check = HEALTH_CHECKS.find((c) => c.group === entry.group && c.kind === entry.kind)!;
      expect(entry.check).toBe(luaSource(check));
    }
    const kustomization = out.get('argocd/kustomization.yaml');
    expect(kustomization.resources.some((r: string) => r.includes('health-checks'))).toBe(false);
    const applied = [...out.keys()].filter((p) => p.startsWith('argocd/') && !p.startsWith(`${ARGOCD_HEALTH_DIR}/`) && !p.endsWith('kustomization.yaml'));
    expect(kustomization.resources).toEqual(applied.map((p) => p.slice('argocd/'.length)).sort());
  });

  it('leaves out health checks for kinds the fleet does not generate', () => {
    const noKmm = new Map([...manifests].map(([c, objs]) => [c, objs.filter((o) => o.kind !== 'Module' && o.kind !== 'PreflightValidationOCP')]));
    const cm = renderGitOps(fleet, noKmm).get(`${ARGOCD_HEALTH_DIR}/argocd-cm-patch.yaml`);
    expect(Object.keys(cm.data).some((k) => k.endsWith('_Module'))).toBe(false);
  });
});

describe('renderGitOps: Flux', () => {
  const { fleet, manifests, out } = render({ fluxTimeout: '2h' });

  it('reads the repository at the fleet revision', () => {
    const [repo] = ofKind(out, 'GitRepository');
    expect(repo.metadata).toMatchObject({ name: 'cdk8s-kmods', namespace: 'flux-system' });
    expect(repo.spec.url).toBe('https://git.example.com/platform/fleet.git');
    expect(repo.spec.ref).toEqual({ branch: 'main' });
    const ref = (revision: string) => ofKind(render({ revision }).out, 'GitRepository')[0].spec.ref;
    expect(ref('refs/tags/v1.2.0')).toEqual({ name: 'refs/tags/v1.2.0' });
    expect(ref('0123456789abcdef0123456789abcdef01234567')).toEqual({ commit: '0123456789abcdef0123456789abcdef01234567' });
  });

  it('applies each cluster folder with prune, wait, a reboot-sized timeout and CEL health checks for the kinds it has', () => {
    const kustomizations = ofKind(out, 'Kustomization').filter((k) => k.apiVersion.startsWith('kustomize.toolkit.fluxcd.io'));
    expect(kustomizations.map((k) => k.metadata.name).sort()).toEqual(['kmods-edge-1', 'kmods-gpu-prod']);
    for (const cluster of fleet.clusters) {
      const k = kustomizations.find((x) => x.metadata.name === `kmods-${cluster.name}`)!;
      expect(k.spec).toMatchObject({ path: `./dist/clusters/${cluster.name}`, prune: true, wait: true, timeout: '2h', sourceRef: { kind: 'GitRepository', name: 'cdk8s-kmods' } });
      const kinds = new Set(manifests.get(cluster.name)!.map((o) => o.kind));
      const expected = ['MachineConfigPool', 'Module', 'BuildConfig', 'DaemonSet'].filter((kind) => kinds.has(kind)).sort();
      expect(k.spec.healthCheckExprs.map((e: any) => e.kind).sort()).toEqual(expected);
      for (const e of k.spec.healthCheckExprs) expect(e.current.length).toBeGreaterThan(0);
    }
  });

  it('lists every Flux object in flux/kustomization.yaml', () => {
    const files = [...out.keys()].filter((p) => p.startsWith('flux/') && p !== 'flux/kustomization.yaml').map((p) => p.slice(5)).sort();
    expect(out.get('flux/kustomization.yaml').resources).toEqual(files);
  });
});

describe('renderGitOps: engines and input', () => {
  it('writes only the chosen engine\'s folder', () => {
    const paths = (engine: GitOpsEngine) => [...render({ engine }).out.keys()];
    expect(paths(GitOpsEngine.ARGOCD).every((p) => p.startsWith('argocd/'))).toBe(true);
    expect(paths(GitOpsEngine.FLUX).every((p) => p.startsWith('flux/'))).toBe(true);
    expect(paths(GitOpsEngine.BOTH).some((p) => p.startsWith('flux/')) && paths(GitOpsEngine.BOTH).some((p) => p.startsWith('argocd/'))).toBe(true);
  });

  it('returns nothing for a fleet without gitops settings', () => {
    const fleet = new Fleet({ releases: TEST_RELEASES });
    fleet.addCluster('a', { release: '4.18.12', pools: { gpu: {} } });
    expect(renderGitOps(fleet, new Map([['a', fleet.clusters[0].toJson()]])).size).toBe(0);
  });

  it('is deterministic', () => {
    expect(JSON.stringify([...render().out])).toBe(JSON.stringify([...render().out]));
  });

  it('refuses manifests of a cluster that is not in the fleet, and kinds whose scope nothing knows', () => {
    const { fleet, manifests } = render();
    expect(() => renderGitOps(fleet, new Map([...manifests, ['ghost', []]]))).toThrow(/"ghost", which is not a cluster/);
    const odd = new Map(manifests);
    odd.set('edge-1', [...manifests.get('edge-1')!, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 's', namespace: 'edge-kmods' } }]);
    expect(() => renderGitOps(fleet, odd)).toThrow(/no GitOps sync policy for Widget.*registerKind/);
  });

  it('every kind in the policy table is one a test fleet or the table tests cover', () => {
    const { manifests } = render();
    const generated = new Set([...manifests.values()].flat().map((o) => o.kind));
    const extra = KIND_POLICIES.map((p) => p.kind).filter((k) => !generated.has(k));
    // Kinds the loader/NFD/OLM constructs generate when their options are on.
    expect(extra.every((k) => ['ClusterRole', 'ClusterRoleBinding', 'SecurityContextConstraints', 'CatalogSource', 'OperatorGroup', 'Subscription',
      'MachineConfiguration', 'NodeFeatureDiscovery', 'NodeFeatureRule', 'Secret', 'ClusterPolicy', 'NVIDIADriver', 'CronJob'].includes(k)), extra.join()).toBe(true);
  });
});
