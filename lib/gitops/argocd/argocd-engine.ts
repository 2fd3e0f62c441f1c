import { App, Chart } from 'cdk8s';
import { MANAGED_BY_LABELS } from '../../labels';
import { EngineCluster, GitOpsEngineDriver, WiringFile, WiringScope } from '../engine';
import { GitOpsEngine, GitOpsSettings } from '../gitops-props';
import { GitOpsControllerRbac } from '../gitops-rbac';
import { healthChecksFor } from '../health-checks/health-checks';
import { compareKinds } from '../kind-inventory';
import { KindPolicy } from '../sync-policy';
import { ArgoCdAppProject, AppProjectDestination } from './app-project';
import { argoCdConfigMapPatch, argoCdInstancePatch } from './argocd-health-config';
import {
  applicationName, ArgoCdApplication, ArgoCdApplicationSet, ApplicationDefaults, FolderTarget, nodeApplicationName, setupApplicationName,
} from './argocd-applications';

/** Argo CD: an object GitOps never prunes, and keeps when the Application is deleted. */
export const ARGOCD_REBOOT_PROTECTION = ['Prune=false', 'Delete=false'];
/** Argo CD: apply a custom resource even while its operator-installed CRD is still missing. */
export const ARGOCD_SKIP_DRY_RUN = 'SkipDryRunOnMissingResource=true';
export const ARGOCD_SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
export const ARGOCD_SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';
export const ARGOCD_SERVER_SIDE_APPLY = 'ServerSideApply=true';
export const ARGOCD_PRUNE_LAST = 'PruneLast=true';
/** Name of the AppProject, ApplicationSet and controller ClusterRole. */
export const ARGOCD_PROJECT = 'cdk8s-kmods';
/** Folder (in the wiring folder) of the health-check patches; not listed in its kustomization.yaml. */
export const ARGOCD_HEALTH_DIR = 'health-checks';

/** The Argo CD sync options a kind's objects carry. */
export function argoCdSyncOptions(policy: KindPolicy): string[] {
  const options: string[] = [];
  if (policy.rebootProtected) options.push(...ARGOCD_REBOOT_PROTECTION);
  if (policy.crdFromOperator) options.push(ARGOCD_SKIP_DRY_RUN);
  if (policy.partialObject) options.push(ARGOCD_SERVER_SIDE_APPLY);
  if (policy.pruneLast) options.push(ARGOCD_PRUNE_LAST);
  return options;
}

/**
 * Argo CD (OpenShift GitOps). Per cluster: an AppProject, one Application per folder (setup,
 * then main) aimed at the cluster itself, a ClusterRole for the application controller, and the
 * health checks as patches of the instance. On a hub: the same AppProject and Applications for
 * every cluster, each aimed at its own `destination` (no controller RBAC: the hub reaches the
 * cluster with the credentials it was registered with).
 */
export const ARGOCD_ENGINE: GitOpsEngineDriver = {
  engine: GitOpsEngine.ARGOCD,

  objectAnnotations(policy: KindPolicy): Record<string, string> {
    const out: Record<string, string> = { [ARGOCD_SYNC_WAVE_ANNOTATION]: String(policy.wave) };
    const options = argoCdSyncOptions(policy);
    if (options.length > 0) out[ARGOCD_SYNC_OPTIONS_ANNOTATION] = options.join(',');
    return out;
  },

  wiring(settings: GitOpsSettings, clusters: ReadonlyArray<EngineCluster>, scope: WiringScope): WiringFile[] {
    const chart = new Chart(new App({ outdir: '.cdk8s-unused' }), 'argocd');
    const labels = { ...MANAGED_BY_LABELS };
    const targets: FolderTarget[] = clusters.flatMap((c) => {
      const common = { cluster: c.name, destination: c.destination.argocd, namespace: c.loaderNamespace };
      const manualSync = settings.nodeSync?.manual === true;
      return [
        ...(c.setup ? [{ ...common, application: setupApplicationName(c.name), path: c.setup.path, wave: -1 }] : []),
        ...(c.node ? [{ ...common, application: nodeApplicationName(c.name), path: c.node.path, ...(manualSync ? { manualSync } : {}) }] : []),
        { ...common, application: applicationName(c.name), path: c.main.path },
      ];
    });
    // Node-level Applications sync automatically only inside the maintenance windows.
    const nodeApps = targets.filter((t) => clusters.some((c) => t.application === nodeApplicationName(c.name))).map((t) => t.application);
    const syncWindows = settings.nodeSync && !settings.nodeSync.manual && nodeApps.length > 0
      ? settings.nodeSync.windows.map((w) => ({ ...w, applications: nodeApps }))
      : [];
    const destinations = new Map<string, AppProjectDestination>();
    for (const c of clusters) {
      for (const namespace of new Set([c.loaderNamespace, ...c.namespaces])) {
        const d: AppProjectDestination = { ...c.destination.argocd, namespace };
        destinations.set(JSON.stringify(d), d);
      }
    }
    const kinds = allKinds(clusters);
    new ArgoCdAppProject(chart, 'AppProject', {
      name: ARGOCD_PROJECT,
      namespace: settings.argocdNamespace,
      repoURL: settings.repoURL,
      destinations: [...destinations.keys()].sort().map((k) => destinations.get(k)!),
      kinds,
      syncWindows,
      labels,
    });
    const defaults: ApplicationDefaults = { project: ARGOCD_PROJECT, repoURL: settings.repoURL, revision: settings.revision };
    if (settings.applicationSet) {
      // One ApplicationSet per template: destination by server or by name, automated or manual sync.
      for (const byName of [false, true]) {
        for (const manual of [false, true]) {
          const group = targets.filter((t) => ('name' in t.destination) === byName && (t.manualSync === true) === manual);
          if (group.length === 0) continue;
          const name = `${ARGOCD_PROJECT}${byName ? '-by-name' : ''}${manual ? '-manual' : ''}`;
          new ArgoCdApplicationSet(chart, `ApplicationSet-${name}`, { name, namespace: settings.argocdNamespace, defaults, targets: group, labels });
        }
      }
    } else {
      for (const target of targets) {
        new ArgoCdApplication(chart, `Application-${target.application}`, { namespace: settings.argocdNamespace, defaults, target, labels });
      }
    }
    if (scope === WiringScope.CLUSTER) {
      new GitOpsControllerRbac(chart, 'ControllerRbac', {
        name: `${ARGOCD_PROJECT}-gitops-controller`,
        kinds,
        objects: clusters.flatMap((c) => c.rbacObjects),
        serviceAccountNamespace: settings.argocdNamespace,
        serviceAccountName: `${settings.argocdInstance}-argocd-application-controller`,
        labels,
      });
    }
    const checks = healthChecksFor(kinds);
    return [
      ...chart.toJson().map((object: any) => ({ object })),
      { path: `${ARGOCD_HEALTH_DIR}/argocd-cm-patch.yaml`, object: argoCdConfigMapPatch(settings.argocdNamespace, checks), applied: false },
      { path: `${ARGOCD_HEALTH_DIR}/argocd-instance-patch.yaml`, object: argoCdInstancePatch(settings.argocdInstance, settings.argocdNamespace, checks), applied: false },
    ];
  },
};

/** The kinds of every folder of the clusters, each once, sorted. */
export function allKinds(clusters: ReadonlyArray<EngineCluster>): KindPolicy[] {
  const found = new Map<string, KindPolicy>();
  for (const c of clusters) for (const k of [...(c.setup?.kinds ?? []), ...(c.node?.kinds ?? []), ...c.main.kinds]) found.set(`${k.group}/${k.kind}`, k);
  return [...found.values()].sort(compareKinds);
}
