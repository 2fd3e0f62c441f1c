import { groupOf, KindInfo } from '../kinds/kind-info';
import { kindInfo, KindSyncPolicy, registeredKind, unknownKindMessage } from '../kinds/kind-registry';
import { GitOpsEngine, usesArgoCd, usesFlux } from './gitops-props';

export { groupOf } from '../kinds/kind-info';

/**
 * Argo CD sync waves, in apply order. Argo CD applies one wave, waits until every object in it is
 * healthy (with the health checks from `health-checks/`), then applies the next.
 */
export enum SyncWave {
  /** Namespaces exist before anything is put in them. */
  NAMESPACES = 0,
  /** ServiceAccounts, RBAC and SCCs, so pods and builds start with their permissions in place. */
  ACCESS = 1,
  /** OLM OperatorGroups and Subscriptions (the KMM and NFD operators and their CRDs). */
  OPERATORS = 2,
  /** Operator instances and operator-level settings (NFD instance and rules, MachineConfiguration). */
  OPERATOR_CONFIG = 3,
  /** MachineConfigPools, so each pool exists (and is healthy) before MachineConfigs of its role arrive. */
  POOLS = 4,
  /** MachineConfigs; they reboot the pool's nodes. */
  MACHINE_CONFIGS = 5,
  /** ImageStreams, BuildConfigs and their inputs: the per-kernel module images. */
  BUILDS = 6,
  /** Loader DaemonSets or KMM Modules: load the modules on the nodes. */
  LOADERS = 7,
  /** Upgrade preflight checks, once the Modules they check exist. */
  VALIDATION = 8,
  /** Objects of every kind the library does not generate (users' objects), unless registered with another wave. */
  OTHER = 9,
}

/** How GitOps treats one kind the library generates. */
export interface KindPolicy {
  /** API group, '' for the core group. */
  readonly group: string;
  /** Kind. */
  readonly kind: string;
  /** Resource (plural) name, as RBAC rules use it. */
  readonly resource: string;
  /** True for namespaced kinds, false for cluster-scoped ones. */
  readonly namespaced: boolean;
  /** Argo CD sync wave. */
  readonly wave: SyncWave;
  /**
   * Changing or deleting such an object reboots nodes (or would strand them): GitOps never prunes
   * or deletes it; a person does, on purpose. @default false
   */
  readonly rebootProtected?: boolean;
  /** The CRD is installed by an operator (OLM), possibly in the same sync: skip the dry run while it is missing. @default false */
  readonly crdFromOperator?: boolean;
  /**
   * The object exists already and belongs to an operator (e.g. `MachineConfiguration/cluster`):
   * we own only the fields we write, so it is server-side applied and never replaced
   * (Argo CD `ServerSideApply=true`, Flux `kustomize.toolkit.fluxcd.io/ssa: Merge`). @default false
   */
  readonly partialObject?: boolean;
  /**
   * Pruned after everything else (Argo CD `PruneLast=true`): the ServiceAccounts, RBAC and
   * ConfigMaps that loader pods and KMM's unloader pods still need while a removed module is
   * being unloaded. @default false
   */
  readonly pruneLast?: boolean;
}

/**
 * The one table of every kind the library generates. A kind missing here makes
 * `applyGitOpsPolicy` throw, so a new construct cannot slip in without a wave.
 */
export const KIND_POLICIES: ReadonlyArray<KindPolicy> = [
  { group: '', kind: 'Namespace', resource: 'namespaces', namespaced: false, wave: SyncWave.NAMESPACES },
  { group: '', kind: 'ServiceAccount', resource: 'serviceaccounts', namespaced: true, wave: SyncWave.ACCESS, pruneLast: true },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', resource: 'clusterroles', namespaced: false, wave: SyncWave.ACCESS },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding', resource: 'clusterrolebindings', namespaced: false, wave: SyncWave.ACCESS },
  { group: 'rbac.authorization.k8s.io', kind: 'Role', resource: 'roles', namespaced: true, wave: SyncWave.ACCESS, pruneLast: true },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding', resource: 'rolebindings', namespaced: true, wave: SyncWave.ACCESS, pruneLast: true },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy', resource: 'validatingadmissionpolicies', namespaced: false, wave: SyncWave.ACCESS },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicyBinding', resource: 'validatingadmissionpolicybindings', namespaced: false, wave: SyncWave.ACCESS },
  { group: 'security.openshift.io', kind: 'SecurityContextConstraints', resource: 'securitycontextconstraints', namespaced: false, wave: SyncWave.ACCESS },
  { group: 'operators.coreos.com', kind: 'CatalogSource', resource: 'catalogsources', namespaced: true, wave: SyncWave.OPERATORS },
  { group: 'operators.coreos.com', kind: 'OperatorGroup', resource: 'operatorgroups', namespaced: true, wave: SyncWave.OPERATORS },
  { group: 'operators.coreos.com', kind: 'Subscription', resource: 'subscriptions', namespaced: true, wave: SyncWave.OPERATORS },
  { group: 'operator.openshift.io', kind: 'MachineConfiguration', resource: 'machineconfigurations', namespaced: false, wave: SyncWave.OPERATOR_CONFIG, rebootProtected: true, partialObject: true },
  { group: 'nfd.openshift.io', kind: 'NodeFeatureDiscovery', resource: 'nodefeaturediscoveries', namespaced: true, wave: SyncWave.OPERATOR_CONFIG, crdFromOperator: true },
  { group: 'nvidia.com', kind: 'ClusterPolicy', resource: 'clusterpolicies', namespaced: false, wave: SyncWave.OPERATOR_CONFIG, crdFromOperator: true },
  { group: 'nfd.k8s-sigs.io', kind: 'NodeFeatureRule', resource: 'nodefeaturerules', namespaced: false, wave: SyncWave.OPERATOR_CONFIG, crdFromOperator: true },
  { group: 'machineconfiguration.openshift.io', kind: 'MachineConfigPool', resource: 'machineconfigpools', namespaced: false, wave: SyncWave.POOLS, rebootProtected: true },
  { group: 'machineconfiguration.openshift.io', kind: 'MachineConfig', resource: 'machineconfigs', namespaced: false, wave: SyncWave.MACHINE_CONFIGS, rebootProtected: true },
  { group: '', kind: 'ConfigMap', resource: 'configmaps', namespaced: true, wave: SyncWave.BUILDS, pruneLast: true },
  { group: '', kind: 'Secret', resource: 'secrets', namespaced: true, wave: SyncWave.BUILDS },
  { group: 'image.openshift.io', kind: 'ImageStream', resource: 'imagestreams', namespaced: true, wave: SyncWave.BUILDS },
  { group: 'batch', kind: 'CronJob', resource: 'cronjobs', namespaced: true, wave: SyncWave.BUILDS },
  { group: 'build.openshift.io', kind: 'BuildConfig', resource: 'buildconfigs', namespaced: true, wave: SyncWave.BUILDS },
  { group: 'apps', kind: 'DaemonSet', resource: 'daemonsets', namespaced: true, wave: SyncWave.LOADERS },
  { group: 'nvidia.com', kind: 'NVIDIADriver', resource: 'nvidiadrivers', namespaced: false, wave: SyncWave.LOADERS, crdFromOperator: true },
  { group: 'kmm.sigs.x-k8s.io', kind: 'Module', resource: 'modules', namespaced: true, wave: SyncWave.LOADERS, crdFromOperator: true },
  { group: 'kmm.sigs.x-k8s.io', kind: 'PreflightValidationOCP', resource: 'preflightvalidationsocp', namespaced: false, wave: SyncWave.VALIDATION, crdFromOperator: true },
];

/** Argo CD: an object GitOps never prunes, and keeps when the Application is deleted. */
export const ARGOCD_REBOOT_PROTECTION = ['Prune=false', 'Delete=false'];
/** Argo CD: apply a custom resource even while its operator-installed CRD is still missing. */
export const ARGOCD_SKIP_DRY_RUN = 'SkipDryRunOnMissingResource=true';
export const ARGOCD_SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
export const ARGOCD_SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';
export const FLUX_PRUNE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/prune';
export const FLUX_PRUNE_DISABLED = 'disabled';
export const ARGOCD_SERVER_SIDE_APPLY = 'ServerSideApply=true';
export const ARGOCD_PRUNE_LAST = 'PruneLast=true';
export const FLUX_SSA_ANNOTATION = 'kustomize.toolkit.fluxcd.io/ssa';
export const FLUX_SSA_MERGE = 'Merge';

const POLICY_BY_GROUP_KIND = new Map(KIND_POLICIES.map((p) => [`${p.group}/${p.kind}`, p]));

/**
 * The GitOps policy of a kind: the library's own table (KIND_POLICIES) for the kinds it generates;
 * for any other kind, the user's `registerKind` policy, else the default: wave `SyncWave.OTHER`
 * (after everything the library generates), `SkipDryRunOnMissingResource=true` unless Kubernetes or
 * OpenShift serves the kind (an operator may install its CRD in the same sync), no prune
 * protection. Scope and resource name come from the registration or the generated API table
 * (lib/kinds/kind-table.ts); a kind neither knows throws, naming `registerKind`.
 */
export function policyFor(apiVersion: string, kind: string): KindPolicy {
  const group = groupOf(apiVersion);
  const own = POLICY_BY_GROUP_KIND.get(`${group}/${kind}`);
  if (own) return own;
  const info = kindInfo(apiVersion, kind);
  if (!info) throw new Error(`no GitOps sync policy for ${kind} (${apiVersion}): ${unknownKindMessage(apiVersion, kind)}`);
  return defaultKindPolicy(info, registeredKind(group, kind)?.syncPolicy);
}

/** The policy of a kind the library does not generate, from its API facts and the user's settings. */
export function defaultKindPolicy(info: KindInfo, settings: KindSyncPolicy = {}): KindPolicy {
  return {
    group: info.group,
    kind: info.kind,
    resource: info.resource,
    namespaced: info.namespaced,
    wave: (settings.wave ?? SyncWave.OTHER) as SyncWave,
    rebootProtected: settings.rebootProtected ?? false,
    crdFromOperator: settings.crdFromOperator ?? !info.builtin,
    partialObject: settings.partialObject ?? false,
    pruneLast: settings.pruneLast ?? false,
  };
}

/**
 * Returns a copy of one rendered cluster object with the GitOps annotations of its kind:
 * Argo CD sync wave and sync options (`Prune=false,Delete=false` on reboot-protected kinds,
 * `SkipDryRunOnMissingResource=true` on operator-installed kinds), and Flux
 * `kustomize.toolkit.fluxcd.io/prune: disabled` on reboot-protected kinds. Pure: the input is
 * not changed; existing annotations are kept (sync options are merged).
 */
export function applyGitOpsPolicy(manifest: any, engine: GitOpsEngine): any {
  if (!manifest || typeof manifest.apiVersion !== 'string' || typeof manifest.kind !== 'string') {
    throw new Error(`not a Kubernetes object: ${JSON.stringify(manifest)?.slice(0, 120)}`);
  }
  const policy = policyFor(manifest.apiVersion, manifest.kind);
  // Only metadata.annotations changes: copy the path to it, share everything else (no deep clone).
  const out = { ...manifest };
  const annotations: Record<string, string> = { ...(manifest.metadata?.annotations ?? {}) };
  if (usesArgoCd(engine)) {
    annotations[ARGOCD_SYNC_WAVE_ANNOTATION] = String(policy.wave);
    const options = argoCdSyncOptions(policy);
    if (options.length > 0) {
      const existing = (annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION] ?? '').split(',').map((o) => o.trim()).filter((o) => o);
      annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION] = [...new Set([...existing, ...options])].join(',');
    }
  }
  if (usesFlux(engine) && policy.rebootProtected) annotations[FLUX_PRUNE_ANNOTATION] = FLUX_PRUNE_DISABLED;
  if (usesFlux(engine) && policy.partialObject) annotations[FLUX_SSA_ANNOTATION] = FLUX_SSA_MERGE;
  out.metadata = { ...(manifest.metadata ?? {}), annotations };
  return out;
}

/** The Argo CD sync options a kind's objects carry. */
export function argoCdSyncOptions(policy: KindPolicy): string[] {
  const options: string[] = [];
  if (policy.rebootProtected) options.push(...ARGOCD_REBOOT_PROTECTION);
  if (policy.crdFromOperator) options.push(ARGOCD_SKIP_DRY_RUN);
  if (policy.partialObject) options.push(ARGOCD_SERVER_SIDE_APPLY);
  if (policy.pruneLast) options.push(ARGOCD_PRUNE_LAST);
  return options;
}
