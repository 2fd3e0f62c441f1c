import { groupOf, KindInfo } from '../kinds/kind-info';
import { kindInfo, KindSyncPolicy, registeredKind, unknownKindMessage } from '../kinds/kind-registry';

export { groupOf } from '../kinds/kind-info';

/**
 * Argo CD sync waves, in apply order. Argo CD applies one wave, waits until every object in it is
 * healthy (with the health checks from `health-checks/`), then applies the next.
 */
export enum SyncWave {
  /** The cluster identity guard, before any object it guards. */
  GUARD = -1,
  /** Namespaces exist before anything is put in them. */
  NAMESPACES = 0,
  /** ServiceAccounts, RBAC and SCCs, so pods and builds start with their permissions in place. */
  ACCESS = 1,
  /** OLM OperatorGroups and Subscriptions (the KMM and NFD operators and their CRDs). */
  OPERATORS = 2,
  /** Operator instances and operator-level settings (NFD instance and rules, MachineConfiguration). */
  OPERATOR_CONFIG = 3,
  /**
   * MachineConfigs; they reboot the nodes of their role's pool. Before the pools: a new pool
   * renders once with all its MachineConfigs (one reboot, not two).
   */
  MACHINE_CONFIGS = 4,
  /**
   * MachineConfigPools, after their MachineConfigs: the pool's health (Updated, every machine
   * on the rendered config that lists the pool's MachineConfigs) is what the loaders wait for.
   */
  POOLS = 5,
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
  /**
   * Applied before the rest of the cluster, from the cluster's `setup/` folder (its own
   * Application / Kustomization): the identity guard and operator installs (OLM), whose CRDs the
   * rest needs. A Namespace goes there too when a setup object lives in it. @default false
   */
  readonly setup?: boolean;
}

/**
 * The one table of every kind the library generates. A kind missing here makes
 * `applyGitOpsPolicy` throw, so a new construct cannot slip in without a wave.
 */
export const KIND_POLICIES: ReadonlyArray<KindPolicy> = [
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy', resource: 'validatingadmissionpolicies', namespaced: false, wave: SyncWave.GUARD, setup: true },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicyBinding', resource: 'validatingadmissionpolicybindings', namespaced: false, wave: SyncWave.GUARD, setup: true },
  { group: '', kind: 'Namespace', resource: 'namespaces', namespaced: false, wave: SyncWave.NAMESPACES },
  { group: '', kind: 'ServiceAccount', resource: 'serviceaccounts', namespaced: true, wave: SyncWave.ACCESS, pruneLast: true },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', resource: 'clusterroles', namespaced: false, wave: SyncWave.ACCESS },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding', resource: 'clusterrolebindings', namespaced: false, wave: SyncWave.ACCESS },
  { group: 'rbac.authorization.k8s.io', kind: 'Role', resource: 'roles', namespaced: true, wave: SyncWave.ACCESS, pruneLast: true },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding', resource: 'rolebindings', namespaced: true, wave: SyncWave.ACCESS, pruneLast: true },
  { group: 'security.openshift.io', kind: 'SecurityContextConstraints', resource: 'securitycontextconstraints', namespaced: false, wave: SyncWave.ACCESS },
  { group: 'operators.coreos.com', kind: 'CatalogSource', resource: 'catalogsources', namespaced: true, wave: SyncWave.OPERATORS, setup: true },
  { group: 'operators.coreos.com', kind: 'OperatorGroup', resource: 'operatorgroups', namespaced: true, wave: SyncWave.OPERATORS, setup: true },
  { group: 'operators.coreos.com', kind: 'Subscription', resource: 'subscriptions', namespaced: true, wave: SyncWave.OPERATORS, setup: true },
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
    setup: false,
  };
}
