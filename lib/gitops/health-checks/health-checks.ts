import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One custom health check: the kind it applies to, its Argo CD Lua script and its Flux CEL expressions. */
export interface HealthCheck {
  /** API group of the kind. */
  readonly group: string;
  /** Kind. */
  readonly kind: string;
  /** A version of the group, for Flux's `apiVersion` (Flux matches on the group only). */
  readonly apiVersion: string;
  /** File name of the Lua script in this folder. */
  readonly luaFile: string;
  /** Flux `healthCheckExprs` entry; absent when Flux's own kstatus checks suffice. @default - none */
  readonly flux?: FluxHealthExpr;
  /** The kind whose presence in the output makes this check useful. @default - `kind` itself */
  readonly neededFor?: string;
}

/** Flux CEL health expressions (evaluated inProgress, then failed, then current). */
export interface FluxHealthExpr {
  /** True while the object has not reached its desired state. */
  readonly inProgress: string;
  /** True when the object failed to reach its desired state. @default - never failed */
  readonly failed?: string;
  /** True when the object reached its desired state. */
  readonly current: string;
}

const cond = (types: string[]) =>
  `has(status.conditions) && status.conditions.exists(c, (${types.map((t) => `c.type == '${t}'`).join(' || ')}) && c.status == 'True')`;
const MCP_DEGRADED = cond(['RenderDegraded', 'NodeDegraded', 'Degraded']);
const MCP_UPDATING = cond(['Updating']);
const MCP_UPDATED = cond(['Updated']);

const loaderCount = (field: string) => `(has(status.moduleLoader.${field}) ? status.moduleLoader.${field} : 0)`;
const KMM_AVAILABLE = loaderCount('availableNumber');
const KMM_DESIRED = loaderCount('desiredNumber');
const KMM_MATCHING = loaderCount('nodesMatchingSelectorNumber');

const dsCount = (field: string) => `(has(status.${field}) ? status.${field} : 0)`;
const DS_DESIRED = 'status.desiredNumberScheduled';
const DS_OBSERVED = 'has(status.observedGeneration) && status.observedGeneration >= metadata.generation';

const NDP_FILES = 'status.nodeDisruptionPolicyStatus.clusterPolicies.files';
const NDP_PUBLISHED = '!has(spec.nodeDisruptionPolicy) || !has(spec.nodeDisruptionPolicy.files) || spec.nodeDisruptionPolicy.files.all(f, '
  + `has(status.nodeDisruptionPolicyStatus) && has(status.nodeDisruptionPolicyStatus.clusterPolicies) && has(${NDP_FILES}) && ${NDP_FILES}.exists(s, s.path == f.path))`;

const BC_AUTO_TRIGGERED = "has(spec.triggers) && spec.triggers.exists(t, t.type == 'ConfigChange' || t.type == 'ImageChange')";
const BC_TRIGGERED = '(has(status.lastVersion) && status.lastVersion > 0)';
/** The retry job (lib/image/build-retry-script.ts) has reported on the latest build. */
const BC_OBSERVED = "(has(metadata.annotations) && 'cdk8s-kmods.io/observed-build' in metadata.annotations"
  + " && metadata.annotations['cdk8s-kmods.io/observed-build'] == string(status.lastVersion))";
const bcPhase = (phases: string[]) => `(${phases.map((p) => `metadata.annotations['cdk8s-kmods.io/latest-build-phase'] == '${p}'`).join(' || ')})`;

/** Every custom health check the library ships (Argo CD has none built in for these kinds). */
export const HEALTH_CHECKS: ReadonlyArray<HealthCheck> = [
  {
    group: 'machineconfiguration.openshift.io',
    kind: 'MachineConfigPool',
    apiVersion: 'machineconfiguration.openshift.io/v1',
    luaFile: 'machine-config-pool.lua',
    flux: {
      inProgress: `!(${MCP_DEGRADED}) && ((${MCP_UPDATING}) || !has(status.observedGeneration) || status.observedGeneration != metadata.generation)`,
      failed: MCP_DEGRADED,
      current: `has(status.observedGeneration) && status.observedGeneration == metadata.generation && ${MCP_UPDATED}`
        + ' && status.updatedMachineCount == status.machineCount && status.readyMachineCount == status.machineCount',
    },
  },
  {
    // The MCD reads rebootless actions from the published status: MachineConfigs (the next wave)
    // must not land before it, or the node reboots after all.
    group: 'operator.openshift.io',
    kind: 'MachineConfiguration',
    apiVersion: 'operator.openshift.io/v1',
    luaFile: 'machine-configuration.lua',
    flux: { inProgress: `!(${NDP_PUBLISHED})`, current: NDP_PUBLISHED },
  },
  {
    group: 'kmm.sigs.x-k8s.io',
    kind: 'Module',
    apiVersion: 'kmm.sigs.x-k8s.io/v1beta1',
    luaFile: 'kmm-module.lua',
    flux: {
      inProgress: `!has(status.moduleLoader) || ${KMM_AVAILABLE} < ${KMM_DESIRED}`,
      failed: `has(status.moduleLoader) && ${KMM_AVAILABLE} >= ${KMM_DESIRED} && ${KMM_DESIRED} < ${KMM_MATCHING}`,
      current: `has(status.moduleLoader) && ${KMM_AVAILABLE} >= ${KMM_DESIRED} && ${KMM_DESIRED} >= ${KMM_MATCHING}`,
    },
  },
  {
    // Loader DaemonSets: ready means loaded at the image's version (the loader's readiness probe).
    group: 'apps',
    kind: 'DaemonSet',
    apiVersion: 'apps/v1',
    luaFile: 'daemon-set.lua',
    flux: {
      inProgress: `!(${DS_OBSERVED}) || (${DS_DESIRED} > 0 && (${dsCount('updatedNumberScheduled')} < ${DS_DESIRED} || ${dsCount('numberReady')} < ${DS_DESIRED}))`,
      failed: `${DS_DESIRED} == 0`,
      current: `${DS_OBSERVED} && ${DS_DESIRED} > 0 && ${dsCount('updatedNumberScheduled')} >= ${DS_DESIRED} && ${dsCount('numberReady')} >= ${DS_DESIRED}`,
    },
  },
  {
    group: 'build.openshift.io',
    kind: 'BuildConfig',
    apiVersion: 'build.openshift.io/v1',
    luaFile: 'build-config.lua',
    flux: {
      inProgress: `(${BC_AUTO_TRIGGERED} && !${BC_TRIGGERED}) || (${BC_TRIGGERED} && (!${BC_OBSERVED} || !${bcPhase(['Complete', 'Failed', 'Cancelled'])}))`,
      failed: `${BC_TRIGGERED} && ${BC_OBSERVED} && ${bcPhase(['Failed', 'Cancelled'])}`,
      current: `(!(${BC_AUTO_TRIGGERED}) && !${BC_TRIGGERED}) || (${BC_TRIGGERED} && ${BC_OBSERVED} && ${bcPhase(['Complete'])})`,
    },
  },
  {
    // Builds are not in git (the BuildConfig creates them), so only Argo CD's resource tree uses this.
    group: 'build.openshift.io',
    kind: 'Build',
    apiVersion: 'build.openshift.io/v1',
    luaFile: 'build.lua',
    neededFor: 'BuildConfig',
  },
];

/** Lua sources by file name: they ship with the library and do not change while it runs. */
const LUA_SOURCES = new Map<string, string>();

/** The Lua source of a health check. */
export function luaSource(check: HealthCheck): string {
  let source = LUA_SOURCES.get(check.luaFile);
  if (source === undefined) {
    source = readFileSync(join(__dirname, check.luaFile), 'utf8');
    LUA_SOURCES.set(check.luaFile, source);
  }
  return source;
}

/** The `argocd-cm` key of a health check. */
export function argoCdConfigKey(check: HealthCheck): string {
  return `resource.customizations.health.${check.group}_${check.kind}`;
}

/** The checks needed for the given generated kinds (`group/kind` strings). */
export function healthChecksFor(kinds: ReadonlyArray<{ group: string; kind: string }>): HealthCheck[] {
  const present = new Set(kinds.map((k) => `${k.group}/${k.kind}`));
  return HEALTH_CHECKS.filter((c) => present.has(`${c.group}/${c.neededFor ?? c.kind}`));
}
