import { App, Chart } from 'cdk8s';
import { MANAGED_BY_LABELS } from '../fleet/cluster';
import type { Fleet } from '../fleet/fleet';
import { ClusterPlan } from '../plan/cluster-plan';
import { Manifest, manifestFileName } from '../synth/manifest';
import { ArgoCdAppProject, AppProjectDestination } from './argocd/app-project';
import { argoCdConfigMapPatch, argoCdInstancePatch } from './argocd/argocd-health-config';
import { ArgoCdApplication, ArgoCdApplicationSet, ApplicationDefaults, ClusterTarget } from './argocd/argocd-applications';
import { FluxClusterKustomization, FluxGitRepository } from './flux/flux-kustomizations';
import { GitOpsSettings, usesArgoCd, usesFlux } from './gitops-props';
import { GitOpsControllerRbac } from './gitops-rbac';
import { healthChecksFor } from './health-checks/health-checks';
import { ClusterManifests, generatedKinds, namespacesUsed } from './kind-inventory';

/** What the wiring needs of a cluster (a `Cluster` has all of it). */
export interface GitOpsCluster {
  readonly name: string;
  /** API server Argo CD deploys the cluster's folder to. */
  readonly destinationServer: string;
  /** The cluster's loader namespace. */
  readonly loaderNamespace: string;
}

/** What the GitOps wiring needs of a cluster's plan. */
export function gitOpsClusterOf(plan: ClusterPlan): GitOpsCluster {
  return { name: plan.name, destinationServer: plan.destination.server, loaderNamespace: plan.destination.namespace };
}

/** Name of the AppProject, ApplicationSet, GitRepository and controller ClusterRole. */
export const GITOPS_NAME = 'cdk8s-kmods';
/** Folder (under dist) of the Argo CD health-check patches; not listed in argocd/kustomization.yaml. */
export const ARGOCD_HEALTH_DIR = 'argocd/health-checks';

/**
 * The fleet-level GitOps objects, keyed by their path under `dist/`:
 * - `argocd/`: AppProject, one Application per cluster (or one ApplicationSet), the application
 *   controller's ClusterRole and ClusterRoleBinding, and a `kustomization.yaml` listing them;
 *   `argocd/health-checks/` holds the health checks as patches to install into the Argo CD
 *   instance (not applied by the kustomization);
 * - `flux/`: a GitRepository, one Kustomization per cluster, and a `kustomization.yaml`.
 * Everything that is whitelisted, granted or health-checked is derived from `clusterManifests`
 * (the rendered objects of every cluster). Returns an empty map when the fleet has no `gitops`.
 */
export function renderGitOps(fleet: Fleet, clusterManifests: ClusterManifests, clusters: ReadonlyArray<GitOpsCluster> = fleet.plans.map(gitOpsClusterOf)): Map<string, any> {
  const out = new Map<string, any>();
  const settings = fleet.gitops;
  if (!settings) return out;
  const clusterNames = new Set(clusters.map((c) => c.name));
  for (const name of clusterManifests.keys()) {
    if (!clusterNames.has(name)) throw new Error(`renderGitOps: manifests given for "${name}", which is not a cluster of the fleet`);
  }
  const kinds = generatedKinds(clusterManifests);
  const app = new App({ outdir: '.cdk8s-unused' });

  if (usesArgoCd(settings.engine)) {
    const chart = new Chart(app, 'argocd');
    buildArgoCd(chart, clusters, settings, clusterManifests);
    addDirectory(out, 'argocd', chart.toJson() as Manifest[]);
    const checks = healthChecksFor(kinds);
    out.set(`${ARGOCD_HEALTH_DIR}/argocd-cm-patch.yaml`, argoCdConfigMapPatch(settings.argocdNamespace, checks));
    out.set(`${ARGOCD_HEALTH_DIR}/argocd-instance-patch.yaml`, argoCdInstancePatch(settings.argocdInstance, settings.argocdNamespace, checks));
  }
  if (usesFlux(settings.engine)) {
    const chart = new Chart(app, 'flux');
    buildFlux(chart, clusters, settings, clusterManifests);
    addDirectory(out, 'flux', chart.toJson() as Manifest[]);
  }
  return out;
}

function buildArgoCd(chart: Chart, clusters: ReadonlyArray<GitOpsCluster>, settings: GitOpsSettings, manifests: ClusterManifests): void {
  const labels = { ...MANAGED_BY_LABELS };
  const targets: ClusterTarget[] = clusters.map((c) => ({
    cluster: c.name,
    server: c.destinationServer,
    namespace: c.loaderNamespace,
    path: `${settings.pathPrefix}/clusters/${c.name}`,
  }));
  const destinations = new Map<string, AppProjectDestination>();
  for (const cluster of clusters) {
    for (const namespace of new Set([cluster.loaderNamespace, ...namespacesUsed(manifests.get(cluster.name) ?? [])])) {
      destinations.set(`${cluster.destinationServer} ${namespace}`, { server: cluster.destinationServer, namespace });
    }
  }
  const kinds = generatedKinds(manifests);
  new ArgoCdAppProject(chart, 'AppProject', {
    name: GITOPS_NAME,
    namespace: settings.argocdNamespace,
    repoURL: settings.repoURL,
    destinations: [...destinations.keys()].sort().map((k) => destinations.get(k)!),
    kinds,
    labels,
  });
  const defaults: ApplicationDefaults = { project: GITOPS_NAME, repoURL: settings.repoURL, revision: settings.revision };
  if (settings.applicationSet) {
    new ArgoCdApplicationSet(chart, 'ApplicationSet', { name: GITOPS_NAME, namespace: settings.argocdNamespace, defaults, targets, labels });
  } else {
    for (const target of targets) {
      new ArgoCdApplication(chart, `Application-${target.cluster}`, { namespace: settings.argocdNamespace, defaults, target, labels });
    }
  }
  new GitOpsControllerRbac(chart, 'ControllerRbac', {
    name: `${GITOPS_NAME}-gitops-controller`,
    kinds,
    objects: [...manifests.values()].flat(),
    serviceAccountNamespace: settings.argocdNamespace,
    serviceAccountName: `${settings.argocdInstance}-argocd-application-controller`,
    labels,
  });
}

function buildFlux(chart: Chart, clusters: ReadonlyArray<GitOpsCluster>, settings: GitOpsSettings, manifests: ClusterManifests): void {
  const labels = { ...MANAGED_BY_LABELS };
  const source = new FluxGitRepository(chart, 'GitRepository', {
    name: GITOPS_NAME,
    namespace: settings.fluxNamespace,
    url: settings.repoURL,
    revision: settings.revision,
    labels,
  });
  for (const cluster of clusters) {
    const kinds = generatedKinds(new Map([[cluster.name, manifests.get(cluster.name) ?? []]]));
    new FluxClusterKustomization(chart, `Kustomization-${cluster.name}`, {
      cluster: cluster.name,
      namespace: settings.fluxNamespace,
      sourceName: source.name,
      path: `./${settings.pathPrefix}/clusters/${cluster.name}`,
      timeout: settings.fluxTimeout,
      healthCheckExprs: healthChecksFor(kinds).flatMap((c) => (c.flux ? [{ apiVersion: c.apiVersion, kind: c.kind, ...c.flux }] : [])),
      labels,
    });
  }
}

/** Adds one file per object (named as in the cluster folders) and a kustomization.yaml listing them. */
function addDirectory(out: Map<string, any>, dir: string, objects: Manifest[]): void {
  const files: string[] = [];
  for (const obj of objects) {
    const file = manifestFileName(obj);
    if (files.includes(file)) throw new Error(`renderGitOps: two objects would be written to ${dir}/${file}`);
    files.push(file);
    out.set(`${dir}/${file}`, obj);
  }
  out.set(`${dir}/kustomization.yaml`, {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...files].sort(),
  });
}
