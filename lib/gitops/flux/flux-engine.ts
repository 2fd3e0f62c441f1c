import { App, Chart } from 'cdk8s';
import { MANAGED_BY_LABELS } from '../../labels';
import { EngineCluster, GitOpsEngineDriver, WiringFile, WiringScope } from '../engine';
import { GitOpsEngine, GitOpsSettings } from '../gitops-props';
import { healthChecksFor } from '../health-checks/health-checks';
import { poolRolloutCel } from '../pool-rollout';
import { KindPolicy } from '../sync-policy';
import {
  FluxClusterKustomization, fluxKustomizationName, FluxGitRepository, fluxNodeKustomizationName, fluxSetupKustomizationName,
} from './flux-kustomizations';

export const FLUX_PRUNE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/prune';
export const FLUX_PRUNE_DISABLED = 'disabled';
export const FLUX_SSA_ANNOTATION = 'kustomize.toolkit.fluxcd.io/ssa';
export const FLUX_SSA_MERGE = 'Merge';
/** Name of the GitRepository. */
export const FLUX_SOURCE = 'cdk8s-kmods';

/**
 * Flux. A GitRepository, and per cluster two Kustomizations: `kmods-<cluster>-setup` applies
 * the `setup/` folder (identity guard, operator installs) and is Ready once the CRDs the cluster
 * needs from operators exist; `kmods-<cluster>` `dependsOn` it and applies the main folder,
 * waiting for every object (CEL checks for pools, builds and KMM Modules). kustomize-controller
 * dry-runs a whole stage before applying any of it, so a custom resource in the same
 * Kustomization as the operator that defines it would never apply. On a hub, every
 * Kustomization carries the cluster's `kubeConfig`.
 */
export const FLUX_ENGINE: GitOpsEngineDriver = {
  engine: GitOpsEngine.FLUX,

  objectAnnotations(policy: KindPolicy): Record<string, string> {
    const out: Record<string, string> = {};
    if (policy.rebootProtected) out[FLUX_PRUNE_ANNOTATION] = FLUX_PRUNE_DISABLED;
    if (policy.partialObject) out[FLUX_SSA_ANNOTATION] = FLUX_SSA_MERGE;
    return out;
  },

  wiring(settings: GitOpsSettings, clusters: ReadonlyArray<EngineCluster>, _scope: WiringScope): WiringFile[] {
    const chart = new Chart(new App({ outdir: '.cdk8s-unused' }), 'flux');
    const labels = { ...MANAGED_BY_LABELS };
    const source = new FluxGitRepository(chart, 'GitRepository', {
      name: FLUX_SOURCE,
      namespace: settings.fluxNamespace,
      url: settings.repoURL,
      revision: settings.revision,
      secretName: settings.repoSecret,
      labels,
    });
    for (const c of clusters) {
      const common = {
        cluster: c.name,
        namespace: settings.fluxNamespace,
        sourceName: source.name,
        timeout: settings.fluxTimeout,
        kubeConfigSecret: c.destination.fluxKubeConfigSecret,
        labels,
      };
      if (c.setup) {
        new FluxClusterKustomization(chart, `Kustomization-${c.name}-setup`, {
          ...common,
          name: fluxSetupKustomizationName(c.name),
          path: `./${c.setup.path}`,
          wait: false,
          healthChecks: c.operatorCrds.map((name) => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name })),
        });
      }
      // A pool is current only once its machines run a configuration made from its MachineConfigs.
      const rollout = poolRolloutCel(c.poolMachineConfigs);
      const exprs = (kinds: EngineCluster['main']['kinds']) => healthChecksFor(kinds).flatMap((h) => {
        if (!h.flux) return [];
        const current = h.kind === 'MachineConfigPool' && rollout !== undefined ? `${h.flux.current} && ${rollout}` : h.flux.current;
        return [{ apiVersion: h.apiVersion, kind: h.kind, ...h.flux, current }];
      });
      if (c.node) {
        // Flux has no sync windows: the node folder is suspended and resumed in the window (or by hand).
        new FluxClusterKustomization(chart, `Kustomization-${c.name}-node`, {
          ...common,
          name: fluxNodeKustomizationName(c.name),
          path: `./${c.node.path}`,
          wait: true,
          suspend: true,
          dependsOn: c.setup ? [fluxSetupKustomizationName(c.name)] : [],
          healthCheckExprs: exprs(c.node.kinds),
        });
      }
      new FluxClusterKustomization(chart, `Kustomization-${c.name}`, {
        ...common,
        name: fluxKustomizationName(c.name),
        path: `./${c.main.path}`,
        wait: true,
        // The loaders wait for the pools (after their MachineConfigs) when those sync on their own.
        dependsOn: [...(c.setup ? [fluxSetupKustomizationName(c.name)] : []), ...(c.node ? [fluxNodeKustomizationName(c.name)] : [])],
        healthCheckExprs: exprs(c.main.kinds),
      });
    }
    return chart.toJson().map((object: any) => ({ object }));
  },
};
