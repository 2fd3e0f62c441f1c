import { DAEMON_SET_FIXTURES } from './daemon-set-health-fixtures';
/** Argo CD health statuses a check may return. */
export type ArgoHealth = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended';
/** Flux kstatus results of a CEL health check ('Unknown' when an expression cannot be evaluated). */
export type FluxHealth = 'Current' | 'InProgress' | 'Failed' | 'Unknown';

/** A live object and what each engine's health check must say about it. */
export interface HealthFixture {
  readonly name: string;
  readonly group: string;
  readonly kind: string;
  readonly obj: any;
  readonly argo: ArgoHealth;
  /** Words the Argo CD message must contain. */
  readonly message: ReadonlyArray<string>;
  /** Flux's verdict. @default - no Flux expression for the kind */
  readonly flux?: FluxHealth;
}

const MCP = 'machineconfiguration.openshift.io';
const cond = (type: string, status: 'True' | 'False', message = '', reason = '') => ({ type, status, message, reason, lastTransitionTime: '2025-01-01T00:00:00Z' });

function pool(status: any, extra: { generation?: number; paused?: boolean; machineConfigs?: string } = {}): any {
  return {
    apiVersion: `${MCP}/v1`,
    kind: 'MachineConfigPool',
    metadata: {
      name: 'gpu', generation: extra.generation ?? 3,
      ...(extra.machineConfigs !== undefined ? { annotations: { 'cdk8s-kmods.io/machine-configs': extra.machineConfigs } } : {}),
    },
    spec: { paused: extra.paused ?? false, maxUnavailable: 1 },
    ...(status === undefined ? {} : { status }),
  };
}

function poolStatus(p: { updated: number; ready: number; machines?: number; degraded?: number; conditions: any[]; observedGeneration?: number; source?: string[] }): any {
  return {
    observedGeneration: p.observedGeneration ?? 3,
    machineCount: p.machines ?? 4,
    updatedMachineCount: p.updated,
    readyMachineCount: p.ready,
    unavailableMachineCount: (p.machines ?? 4) - p.ready,
    degradedMachineCount: p.degraded ?? 0,
    configuration: {
      name: 'rendered-gpu-0123456789abcdef',
      ...(p.source !== undefined ? { source: p.source.map((name) => ({ apiVersion: 'machineconfiguration.openshift.io/v1', kind: 'MachineConfig', name })) } : {}),
    },
    conditions: p.conditions,
  };
}

const UPDATED = [cond('Updated', 'True'), cond('Updating', 'False'), cond('Degraded', 'False'), cond('NodeDegraded', 'False'), cond('RenderDegraded', 'False')];
const UPDATING = [cond('Updated', 'False'), cond('Updating', 'True', 'All nodes are updating to rendered-gpu-0123'), cond('Degraded', 'False'), cond('NodeDegraded', 'False'), cond('RenderDegraded', 'False')];

function module(status: any, devicePlugin = false): any {
  return {
    apiVersion: 'kmm.sigs.x-k8s.io/v1beta1',
    kind: 'Module',
    metadata: { name: 'gpfs', namespace: 'kmods-system', generation: 1 },
    spec: { selector: { 'kmods.example.com/pool': 'nic' }, ...(devicePlugin ? { devicePlugin: { container: { image: 'x' } } } : {}) },
    ...(status === undefined ? {} : { status }),
  };
}

function machineConfiguration(status: any): any {
  return {
    apiVersion: 'operator.openshift.io/v1',
    kind: 'MachineConfiguration',
    metadata: { name: 'cluster', generation: 2 },
    spec: { nodeDisruptionPolicy: { files: [{ path: '/etc/modprobe.d/cdk8s-kmods-blacklist.conf', actions: [{ type: 'None' }] }] } },
    ...(status === undefined ? {} : { status }),
  };
}

function buildConfig(triggers: any[], lastVersion: number | undefined, annotations?: Record<string, string>): any {

  return {
    apiVersion: 'build.openshift.io/v1',
    kind: 'BuildConfig',
    metadata: { name: 'simple-kmod-5-14-0-427', namespace: 'kmods-system', generation: 1, ...(annotations ? { annotations } : {}) },
    spec: { triggers, strategy: { type: 'Docker' } },
    status: lastVersion === undefined ? {} : { lastVersion },
  };
}

function build(phase: string | undefined, extra: any = {}): any {
  return {
    apiVersion: 'build.openshift.io/v1',
    kind: 'Build',
    metadata: { name: 'simple-kmod-5-14-0-427-1', namespace: 'kmods-system' },
    spec: {},
    status: phase === undefined ? {} : { phase, ...extra },
  };
}

export const HEALTH_FIXTURES: ReadonlyArray<HealthFixture> = [
  // MachineConfigPool
  { name: 'pool updating', group: MCP, kind: 'MachineConfigPool', obj: pool(poolStatus({ updated: 1, ready: 3, conditions: UPDATING })),
    argo: 'Progressing', message: ['1 of 4 machines updated', '3 ready'], flux: 'InProgress' },
  { name: 'pool degraded', group: MCP, kind: 'MachineConfigPool',
    obj: pool(poolStatus({ updated: 1, ready: 3, degraded: 1, conditions: [cond('Updated', 'False'), cond('Updating', 'True'), cond('Degraded', 'True', 'Node worker-2 is reporting: unexpected on-disk state'), cond('NodeDegraded', 'True', 'Node worker-2 is reporting: unexpected on-disk state'), cond('RenderDegraded', 'False')] })),
    argo: 'Degraded', message: ['NodeDegraded', 'unexpected on-disk state', '1 of 4 machines degraded'], flux: 'Failed' },
  { name: 'pool render-degraded', group: MCP, kind: 'MachineConfigPool',
    obj: pool(poolStatus({ updated: 4, ready: 4, conditions: [cond('Updated', 'True'), cond('Updating', 'False'), cond('RenderDegraded', 'True', 'Failed to render configuration for pool gpu: parsing Ignition config failed'), cond('Degraded', 'True')] })),
    argo: 'Degraded', message: ['RenderDegraded', 'parsing Ignition config failed'], flux: 'Failed' },
  { name: 'pool updated', group: MCP, kind: 'MachineConfigPool', obj: pool(poolStatus({ updated: 4, ready: 4, conditions: UPDATED })),
    argo: 'Healthy', message: ['all 4 machines', 'rendered-gpu-0123456789abcdef'], flux: 'Current' },
  { name: 'new empty pool', group: MCP, kind: 'MachineConfigPool', obj: pool(poolStatus({ updated: 0, ready: 0, machines: 0, conditions: UPDATED })),
    argo: 'Healthy', message: ['all 0 machines'], flux: 'Current' },
  { name: 'pool updated but not yet observed the new generation', group: MCP, kind: 'MachineConfigPool',
    obj: pool(poolStatus({ updated: 4, ready: 4, conditions: UPDATED, observedGeneration: 2 }), { generation: 3 }),
    argo: 'Progressing', message: ['not yet observed generation 3'], flux: 'InProgress' },
  { name: 'pool updated, a machine not ready', group: MCP, kind: 'MachineConfigPool', obj: pool(poolStatus({ updated: 4, ready: 3, conditions: UPDATED })),
    argo: 'Progressing', message: ['4 of 4 machines updated, 3 ready'], flux: 'InProgress' },
  { name: 'paused pool with pending updates', group: MCP, kind: 'MachineConfigPool',
    obj: pool(poolStatus({ updated: 2, ready: 4, conditions: [cond('Updated', 'False'), cond('Updating', 'False')] }), { paused: true }),
    argo: 'Suspended', message: ['paused', '2 of 4 machines updated'], flux: 'InProgress' },
  // Argo CD only: Flux gets the same rule baked into each cluster's expression (test/gitops/pool-rollout.test.ts).
  { name: 'pool still Updated on the old config right after its MachineConfigs were synced', group: MCP, kind: 'MachineConfigPool',
    obj: pool(poolStatus({ updated: 4, ready: 4, conditions: UPDATED, source: ['00-worker', '99-gpu-ssh'] }), { machineConfigs: '99-gpu-blacklist,99-gpu-modules-load' }),
    argo: 'Progressing', message: ['roll out 99-gpu-blacklist, 99-gpu-modules-load', '4 of 4 machines updated'] },
  { name: 'pool whose machines run its MachineConfigs', group: MCP, kind: 'MachineConfigPool',
    obj: pool(poolStatus({ updated: 4, ready: 4, conditions: UPDATED, source: ['00-worker', '99-gpu-blacklist', '99-gpu-modules-load'] }), { machineConfigs: '99-gpu-blacklist,99-gpu-modules-load' }),
    argo: 'Healthy', message: ['all 4 machines'] },
  { name: 'pool without status', group: MCP, kind: 'MachineConfigPool', obj: pool(undefined),
    argo: 'Progressing', message: ['waiting for the machine-config operator'], flux: 'Unknown' },
  { name: 'pool with empty status', group: MCP, kind: 'MachineConfigPool', obj: pool({}),
    argo: 'Progressing', message: ['waiting for the machine-config operator'], flux: 'InProgress' },

  // MachineConfiguration (node disruption policies)
  { name: 'node disruption policy not yet published', group: 'operator.openshift.io', kind: 'MachineConfiguration',
    obj: machineConfiguration({ nodeDisruptionPolicyStatus: { clusterPolicies: { files: [{ path: '/etc/mco/proxy', actions: [{ type: 'None' }] }] } } }),
    argo: 'Progressing', message: ['/etc/modprobe.d/cdk8s-kmods-blacklist.conf'], flux: 'InProgress' },
  { name: 'node disruption policy published', group: 'operator.openshift.io', kind: 'MachineConfiguration',
    obj: machineConfiguration({ nodeDisruptionPolicyStatus: { clusterPolicies: { files: [
      { path: '/etc/mco/proxy', actions: [{ type: 'None' }] }, { path: '/etc/modprobe.d/cdk8s-kmods-blacklist.conf', actions: [{ type: 'None' }] },
    ] } } }),
    argo: 'Healthy', message: ['1 file'], flux: 'Current' },
  { name: 'machine configuration without status', group: 'operator.openshift.io', kind: 'MachineConfiguration', obj: machineConfiguration(undefined),
    argo: 'Progressing', message: ['/etc/modprobe.d/cdk8s-kmods-blacklist.conf'], flux: 'Unknown' },

  // KMM Module
  { name: 'module partly loaded', group: 'kmm.sigs.x-k8s.io', kind: 'Module',
    obj: module({ moduleLoader: { nodesMatchingSelectorNumber: 4, desiredNumber: 4, availableNumber: 1 } }),
    argo: 'Progressing', message: ['available on 1 of 4 nodes'], flux: 'InProgress' },
  { name: 'module fully loaded', group: 'kmm.sigs.x-k8s.io', kind: 'Module',
    obj: module({ moduleLoader: { nodesMatchingSelectorNumber: 4, desiredNumber: 4, availableNumber: 4 } }),
    argo: 'Healthy', message: ['available on all 4 nodes'], flux: 'Current' },
  { name: 'module with no node in the pool yet (KMM omits zero counts)', group: 'kmm.sigs.x-k8s.io', kind: 'Module', obj: module({ moduleLoader: {} }),
    argo: 'Healthy', message: ['all 0 nodes'], flux: 'Current' },
  { name: 'module on a node whose kernel has no mapping', group: 'kmm.sigs.x-k8s.io', kind: 'Module',
    obj: module({ moduleLoader: { nodesMatchingSelectorNumber: 4, desiredNumber: 3, availableNumber: 3 } }),
    argo: 'Degraded', message: ['4 nodes match the selector but only 3', 'kernelMapping'], flux: 'Failed' },
  { name: 'module not yet reconciled', group: 'kmm.sigs.x-k8s.io', kind: 'Module', obj: module(undefined),
    argo: 'Progressing', message: ['waiting for KMM'], flux: 'Unknown' },
  { name: 'module loaded, device plugin partly up', group: 'kmm.sigs.x-k8s.io', kind: 'Module',
    obj: module({ moduleLoader: { nodesMatchingSelectorNumber: 2, desiredNumber: 2, availableNumber: 2 }, devicePlugin: { nodesMatchingSelectorNumber: 2, desiredNumber: 2, availableNumber: 1 } }, true),
    argo: 'Progressing', message: ['device plugin available on 1 of 2 nodes'], flux: 'Current' },

  // BuildConfig
  { name: 'buildconfig before its first build', group: 'build.openshift.io', kind: 'BuildConfig', obj: buildConfig([{ type: 'ConfigChange' }], 0),
    argo: 'Progressing', message: ['first build'], flux: 'InProgress' },
  // The retry job (lib/image/build-retry-script.ts) reports the latest build's phase in annotations.
  { name: 'buildconfig with a triggered build nobody reported on yet', group: 'build.openshift.io', kind: 'BuildConfig', obj: buildConfig([{ type: 'ConfigChange' }], 2),
    argo: 'Progressing', message: ['simple-kmod-5-14-0-427-2', 'kmods-build-retry'], flux: 'InProgress' },
  { name: 'buildconfig whose report is about an older build', group: 'build.openshift.io', kind: 'BuildConfig',
    obj: buildConfig([{ type: 'ConfigChange' }], 3, { 'cdk8s-kmods.io/observed-build': '2', 'cdk8s-kmods.io/latest-build-phase': 'Complete' }),
    argo: 'Progressing', message: ['simple-kmod-5-14-0-427-3'], flux: 'InProgress' },
  { name: 'buildconfig whose latest build is running', group: 'build.openshift.io', kind: 'BuildConfig',
    obj: buildConfig([{ type: 'ConfigChange' }], 2, { 'cdk8s-kmods.io/observed-build': '2', 'cdk8s-kmods.io/latest-build-phase': 'Running', 'cdk8s-kmods.io/build-status': 'build simple-kmod-5-14-0-427-2 is Running' }),
    argo: 'Progressing', message: ['is Running'], flux: 'InProgress' },
  { name: 'buildconfig whose latest build failed', group: 'build.openshift.io', kind: 'BuildConfig',
    obj: buildConfig([{ type: 'ConfigChange' }], 2, { 'cdk8s-kmods.io/observed-build': '2', 'cdk8s-kmods.io/latest-build-phase': 'Failed', 'cdk8s-kmods.io/build-status': 'build simple-kmod-5-14-0-427-2 failed (BuildPodEvicted); retry 1 of 5 in 120s' }),
    argo: 'Degraded', message: ['BuildPodEvicted', 'retry 1 of 5'], flux: 'Failed' },
  { name: 'buildconfig whose latest build is complete', group: 'build.openshift.io', kind: 'BuildConfig',
    obj: buildConfig([{ type: 'ConfigChange' }], 2, { 'cdk8s-kmods.io/observed-build': '2', 'cdk8s-kmods.io/latest-build-phase': 'Complete' }),
    argo: 'Healthy', message: ['simple-kmod-5-14-0-427-2 complete'], flux: 'Current' },
  { name: 'buildconfig without automatic triggers', group: 'build.openshift.io', kind: 'BuildConfig', obj: buildConfig([], 0),
    argo: 'Healthy', message: ['oc start-build simple-kmod-5-14-0-427'], flux: 'Current' },
  { name: 'buildconfig with an image-change trigger, status empty', group: 'build.openshift.io', kind: 'BuildConfig', obj: buildConfig([{ type: 'ImageChange', imageChange: {} }], undefined),
    argo: 'Progressing', message: ['first build'], flux: 'InProgress' },

  // Build (children of BuildConfigs, Argo CD only)
  { name: 'build running', group: 'build.openshift.io', kind: 'Build', obj: build('Running'), argo: 'Progressing', message: ['build running'] },
  { name: 'build complete', group: 'build.openshift.io', kind: 'Build', obj: build('Complete'), argo: 'Healthy', message: ['complete'] },
  { name: 'build failed', group: 'build.openshift.io', kind: 'Build', obj: build('Failed', { reason: 'DockerBuildFailed', message: 'Docker build strategy has failed.' }),
    argo: 'Degraded', message: ['build failed', 'DockerBuildFailed', 'Docker build strategy has failed.'] },
  { name: 'build not started', group: 'build.openshift.io', kind: 'Build', obj: build(undefined), argo: 'Progressing', message: ['waiting for the build to start'] },

  // DaemonSet (loaders)
  ...DAEMON_SET_FIXTURES,
];
