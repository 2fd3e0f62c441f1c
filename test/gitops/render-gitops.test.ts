import { describe, expect, it } from 'vitest';
import { ARGOCD_HEALTH_DIR } from '../../lib/gitops/argocd/argocd-engine';
import { BootstrapMode, GitOpsEngine } from '../../lib/gitops/gitops-props';
import { MANAGE_VERBS } from '../../lib/gitops/gitops-rbac';
import { HEALTH_CHECKS, luaSource } from '../../lib/gitops/health-checks/health-checks';
import { renderGitOps } from '../../lib/gitops/render-gitops';
import { ofKind, renderTestFleet } from './test-fleet';

// Everything here runs on what the pipeline (renderFleet) really writes for the test fleet.
const REPO = 'https://git.example.com/platform/fleet.git';
const { fleet, files, clusters } = renderTestFleet();
const boot = (cluster: string, engine: string) => `bootstrap/${cluster}/${engine}/`;
/** `group/kind` of every object of a cluster (both folders), split by scope as the output files show it. */
const groupKinds = (objects: ReadonlyArray<any>, namespaced: boolean) => [...new Set(objects
  .filter((o) => (o.metadata.namespace !== undefined) === namespaced)
  .map((o) => `${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${o.kind}`))].sort();

describe('per-cluster bootstrap: Argo CD', () => {
  it('writes one bootstrap folder per cluster and engine, and no fleet-wide folder', () => {
    const dirs = new Set([...files.keys()].filter((p) => !p.startsWith('clusters/')).map((p) => p.split('/').slice(0, 3).join('/')));
    expect([...dirs].sort()).toEqual([
      'bootstrap/edge-1/argocd', 'bootstrap/edge-1/flux', 'bootstrap/gpu-prod/argocd', 'bootstrap/gpu-prod/flux',
    ]);
  });

  for (const cluster of ['gpu-prod', 'edge-1']) {
    const dir = boot(cluster, 'argocd');
    it(`${cluster}: whitelists exactly the kinds its objects have, split by scope`, () => {
      const [project] = ofKind(files, 'AppProject', dir);
      const listed = (l: any[]) => l.map((e) => `${e.group}/${e.kind}`).sort();
      const objects = clusters.get(cluster)!;
      expect(listed(project.spec.clusterResourceWhitelist)).toEqual(groupKinds(objects, false));
      expect(listed(project.spec.namespaceResourceWhitelist)).toEqual(groupKinds(objects, true));
      expect(project.spec.sourceRepos).toEqual([REPO]);
      expect(project.spec.destinations.every((d: any) => d.server === 'https://kubernetes.default.svc')).toBe(true);
    });

    it(`${cluster}: a setup Application and a main Application, both auto-syncing, with no ignoreDifferences`, () => {
      const apps = ofKind(files, 'Application', dir);
      expect(apps.map((a) => a.metadata.name).sort()).toEqual([`kmods-${cluster}`, `kmods-${cluster}-setup`]);
      const ns = fleet.cluster(cluster).loaderNamespace;
      for (const app of apps) {
        expect(app.metadata.namespace).toBe('openshift-gitops');
        expect(app.spec.project).toBe('cdk8s-kmods');
        expect(app.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: ns });
        expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true, allowEmpty: false });
        expect(app.spec.syncPolicy.syncOptions).toEqual(['PruneLast=true']);
        expect(app.spec).not.toHaveProperty('ignoreDifferences');
      }
      const main = apps.find((a) => a.metadata.name === `kmods-${cluster}`)!;
      const setup = apps.find((a) => a.metadata.name === `kmods-${cluster}-setup`)!;
      expect(main.spec.source).toEqual({ repoURL: REPO, targetRevision: 'main', path: `dist/clusters/${cluster}` });
      expect(setup.spec.source.path).toBe(`dist/clusters/${cluster}/setup`);
      expect(Number(setup.metadata.annotations['argocd.argoproj.io/sync-wave'])).toBeLessThan(0);
    });

    it(`${cluster}: grants the controller exactly its kinds, plus what creating its RBAC needs`, () => {
      const [role] = ofKind(files, 'ClusterRole', dir);
      const objects = clusters.get(cluster)!;
      const managed = role.rules.filter((r: any) => r.verbs.join() === MANAGE_VERBS.join());
      const granted = managed.flatMap((r: any) => r.resources.map((res: string) => `${r.apiGroups[0]}/${res}`)).sort();
      expect(granted.length).toBeGreaterThan(5);
      // Every object's kind is granted, by its resource name as the objects' own kinds pluralize.
      for (const o of objects) {
        const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
        expect(granted.some((g: string) => g.startsWith(`${group}/`)), `${o.kind}`).toBe(true);
      }
      const bind = role.rules.filter((r: any) => r.verbs.includes('bind'));
      const referenced = objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding').map((o) => o.roleRef.name);
      expect(referenced.length).toBeGreaterThan(0);
      expect(bind.flatMap((r: any) => r.resourceNames).sort()).toEqual([...new Set(referenced)].sort());
      expect(role.rules.some((r: any) => r.verbs.includes('escalate') || r.verbs.includes('*') || r.resources.includes('*'))).toBe(false);
      const [binding] = ofKind(files, 'ClusterRoleBinding', dir);
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'openshift-gitops-argocd-application-controller', namespace: 'openshift-gitops' }]);
    });

    it(`${cluster}: the kustomization applies the setup folder and the wiring, not the health-check patches`, () => {
      const k = files.get(`${dir}kustomization.yaml`);
      const applied = [...files.keys()].filter((p) => p.startsWith(dir) && !p.includes('/health-checks/') && !p.endsWith('kustomization.yaml'));
      expect(k.resources).toEqual([`../../../clusters/${cluster}/setup`, ...applied.map((p) => p.slice(dir.length)).sort()]);
    });
  }

  it('gpu-prod grants `use` of the privileged SCC only because its real loader RoleBinding references that ClusterRole', () => {
    const [role] = ofKind(files, 'ClusterRole', boot('gpu-prod', 'argocd'));
    const rb = clusters.get('gpu-prod')!.find((o) => o.kind === 'RoleBinding' && o.roleRef.name === 'system:openshift:scc:privileged');
    expect(rb).toBeDefined();
    expect(role.rules).toContainEqual({ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'], resourceNames: expect.arrayContaining(['system:openshift:scc:privileged']) });
  });

  it('ships health checks for exactly the checked kinds each cluster has', () => {
    const keys = (cluster: string) => Object.keys(files.get(`${boot(cluster, 'argocd')}${ARGOCD_HEALTH_DIR}/argocd-cm-patch.yaml`).data).sort();
    expect(keys('gpu-prod')).toEqual([
      'resource.customizations.health.apps_DaemonSet',
      'resource.customizations.health.build.openshift.io_Build',
      'resource.customizations.health.build.openshift.io_BuildConfig',
      'resource.customizations.health.machineconfiguration.openshift.io_MachineConfigPool',
    ]);
    expect(keys('edge-1')).toEqual([
      'resource.customizations.health.kmm.sigs.x-k8s.io_Module',
      'resource.customizations.health.machineconfiguration.openshift.io_MachineConfigPool',
      'resource.customizations.health.operator.openshift.io_MachineConfiguration',
    ]);
    const instance = files.get(`${boot('edge-1', 'argocd')}${ARGOCD_HEALTH_DIR}/argocd-instance-patch.yaml`);
    expect(instance.metadata).toEqual({ name: 'openshift-gitops', namespace: 'openshift-gitops' });
    expect(instance.spec.resourceHealthChecks.length).toBe(3);
    for (const entry of instance.spec.resourceHealthChecks) {
      expect(entry.check).toBe(luaSource(HEALTH_CHECKS.find((c) => c.group === entry.group && c.kind === entry.kind)!));
    }
  });

  it('can stamp the Applications out of an ApplicationSet instead', () => {
    const set = renderTestFleet({ applicationSet: true, revision: 'release-1', pathPrefix: 'deploy/out', argocdNamespace: 'argocd' });
    expect(ofKind(set.files, 'Application')).toEqual([]);
    const [appSet] = ofKind(set.files, 'ApplicationSet', boot('edge-1', 'argocd'));
    expect(appSet.metadata.namespace).toBe('argocd');
    expect(appSet.spec.generators[0].list.elements).toEqual([
      { cluster: 'edge-1', application: 'kmods-edge-1-setup', destination: 'https://kubernetes.default.svc', namespace: 'edge-kmods', path: 'deploy/out/clusters/edge-1/setup' },
      { cluster: 'edge-1', application: 'kmods-edge-1', destination: 'https://kubernetes.default.svc', namespace: 'edge-kmods', path: 'deploy/out/clusters/edge-1' },
    ]);
    expect(appSet.spec.template.spec.destination).toEqual({ server: '{{.destination}}', namespace: '{{.namespace}}' });
    expect(appSet.spec.template.spec.source).toEqual({ repoURL: REPO, targetRevision: 'release-1', path: '{{.path}}' });
    expect(appSet.spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true });
  });
});

describe('per-cluster bootstrap: Flux', () => {
  const flux = renderTestFleet({ fluxTimeout: '2h', repoSecret: 'fleet-git' });

  it('reads the repository at the fleet revision, with the private repository\'s Secret by name', () => {
    const [repo] = ofKind(flux.files, 'GitRepository', boot('gpu-prod', 'flux'));
    expect(repo.metadata).toMatchObject({ name: 'cdk8s-kmods', namespace: 'flux-system' });
    expect(repo.spec).toMatchObject({ url: REPO, ref: { branch: 'main' }, secretRef: { name: 'fleet-git' } });
    const ref = (revision: string) => ofKind(renderTestFleet({ revision }).files, 'GitRepository')[0].spec.ref;
    expect(ref('refs/tags/v1.2.0')).toEqual({ name: 'refs/tags/v1.2.0' });
    expect(ref('0123456789abcdef0123456789abcdef01234567')).toEqual({ commit: '0123456789abcdef0123456789abcdef01234567' });
    expect(ofKind(renderTestFleet().files, 'GitRepository')[0].spec).not.toHaveProperty('secretRef');
  });

  for (const cluster of ['gpu-prod', 'edge-1']) {
    it(`${cluster}: a setup Kustomization waiting for the operator CRDs, and the main one depending on it`, () => {
      const ks = ofKind(flux.files, 'Kustomization', boot(cluster, 'flux')).filter((k) => k.apiVersion.startsWith('kustomize.toolkit.fluxcd.io'));
      expect(ks.map((k) => k.metadata.name).sort()).toEqual([`kmods-${cluster}`, `kmods-${cluster}-setup`]);
      const setup = ks.find((k) => k.metadata.name.endsWith('-setup'))!;
      const main = ks.find((k) => k.metadata.name === `kmods-${cluster}`)!;
      expect(setup.spec).toMatchObject({ path: `./dist/clusters/${cluster}/setup`, prune: true, wait: false });
      expect(main.spec).toMatchObject({ path: `./dist/clusters/${cluster}`, prune: true, wait: true, timeout: '2h', dependsOn: [{ name: setup.metadata.name }] });
      expect(main.spec).not.toHaveProperty('kubeConfig');
      const kinds = new Set(clusters.get(cluster)!.map((o) => o.kind));
      const expected = ['MachineConfigPool', 'Module', 'BuildConfig', 'MachineConfiguration', 'DaemonSet'].filter((kind) => kinds.has(kind)).sort();
      expect(main.spec.healthCheckExprs.map((e: any) => e.kind).sort()).toEqual(expected);
    });
  }

  it('the setup step waits for exactly the CRDs of the operator kinds the main folder has', () => {
    const crds = (cluster: string) => ofKind(flux.files, 'Kustomization', boot(cluster, 'flux'))
      .find((k) => k.metadata.name === `kmods-${cluster}-setup`)!.spec.healthChecks.map((h: any) => `${h.kind} ${h.name}`);
    expect(crds('gpu-prod')).toEqual(['CustomResourceDefinition nodefeaturediscoveries.nfd.openshift.io']);
    expect(crds('edge-1')).toEqual([
      'CustomResourceDefinition modules.kmm.sigs.x-k8s.io', 'CustomResourceDefinition preflightvalidationsocp.kmm.sigs.x-k8s.io',
    ]);
  });
});

describe('hub bootstrap', () => {
  const hub = renderTestFleet({ bootstrap: BootstrapMode.HUB }, { 'gpu-prod': { destinationServer: 'https://api.gpu-prod.example.com:6443' } });

  it('writes one folder per engine for the hub, and no per-cluster bootstrap', () => {
    const dirs = new Set([...hub.files.keys()].filter((p) => !p.startsWith('clusters/')).map((p) => p.split('/').slice(0, 2).join('/')));
    expect([...dirs].sort()).toEqual(['hub/argocd', 'hub/flux']);
  });

  it('aims each cluster\'s Applications at its own destination (server, or its registered name by default)', () => {
    const apps = ofKind(hub.files, 'Application', 'hub/argocd/');
    const dest = (name: string) => apps.find((a) => a.metadata.name === name)!.spec.destination;
    expect(dest('kmods-gpu-prod')).toEqual({ server: 'https://api.gpu-prod.example.com:6443', namespace: 'kmods-system' });
    expect(dest('kmods-gpu-prod-setup')).toEqual({ server: 'https://api.gpu-prod.example.com:6443', namespace: 'kmods-system' });
    expect(dest('kmods-edge-1')).toEqual({ name: 'edge-1', namespace: 'edge-kmods' });
    expect(ofKind(hub.files, 'ClusterRole', 'hub/')).toEqual([]);
    const [project] = ofKind(hub.files, 'AppProject', 'hub/argocd/');
    expect(project.spec.destinations).toContainEqual({ name: 'edge-1', namespace: 'edge-kmods' });
    expect(project.spec.destinations).toContainEqual({ server: 'https://api.gpu-prod.example.com:6443', namespace: 'kmods-system' });
  });

  it('gives every Flux Kustomization the kubeconfig Secret of its cluster', () => {
    const ks = ofKind(hub.files, 'Kustomization', 'hub/flux/').filter((k) => k.apiVersion.startsWith('kustomize.toolkit.fluxcd.io'));
    expect(ks.length).toBe(4);
    for (const k of ks) {
      const cluster = k.metadata.labels['cdk8s-kmods.io/cluster'];
      expect(k.spec.kubeConfig).toEqual({ secretRef: { name: `${cluster}-kubeconfig`, key: 'value' } });
    }
  });

  it('does not apply any cluster\'s setup folder on the hub', () => {
    expect(hub.files.get('hub/argocd/kustomization.yaml').resources.some((r: string) => r.startsWith('..'))).toBe(false);
    expect(hub.files.get('hub/flux/kustomization.yaml').resources.some((r: string) => r.startsWith('..'))).toBe(false);
  });
});

describe('engines', () => {
  const roots = (files: Map<string, any>) => [...new Set([...files.keys()].filter((p) => p.startsWith('bootstrap/')).map((p) => p.split('/')[2]))].sort();

  it('writes only the chosen engines\' wiring; `engine: both` reads as [argocd, flux]', () => {
    expect(roots(renderTestFleet({ engines: [GitOpsEngine.FLUX] }).files)).toEqual(['flux']);
    expect(roots(renderTestFleet({ engines: [GitOpsEngine.ARGOCD] }).files)).toEqual(['argocd']);
    expect(roots(renderTestFleet({ engine: GitOpsEngine.BOTH }).files)).toEqual(['argocd', 'flux']);
    expect(roots(renderTestFleet({ engine: GitOpsEngine.FLUX }).files)).toEqual(['flux']);
    const both = renderTestFleet({ engine: GitOpsEngine.BOTH }).files;
    expect([...both.keys()]).toEqual([...files.keys()]);
  });

  it('returns nothing without gitops settings', () => {
    expect(renderGitOps(undefined, new Map(), []).size).toBe(0);
  });

  it('is deterministic', () => {
    expect(JSON.stringify([...renderTestFleet().files])).toBe(JSON.stringify([...files]));
  });

  it('refuses manifests of a cluster it was not told about', () => {
    expect(() => renderGitOps(fleet.gitops, new Map([['ghost', []]]), [])).toThrow(/"ghost", which is not a cluster/);
  });
});
