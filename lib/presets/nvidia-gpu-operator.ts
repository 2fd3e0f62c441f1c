import { ApiObject } from 'cdk8s';
import { KubeNamespace } from '../k8s';
import { Construct } from 'constructs';
import { ProblemCollector } from '../errors';
import { InstallPlanApproval } from '../delivery/kmm/kmm-operator-install';
import { DNS_LABEL_RULE, isDnsLabel } from '../names';

/** Which NVIDIA kernel modules the driver container builds and loads. */
export enum NvidiaKernelModuleType {
  /** The open GPU kernel modules (Turing and newer; NVIDIA's recommendation from R560 on). */
  OPEN = 'open',
  /** The proprietary modules (needed for GPUs older than Turing). */
  PROPRIETARY = 'proprietary',
  /** The operator chooses by GPU and driver branch. */
  AUTO = 'auto',
}

/** The driver one pool's GPU nodes get. */
export interface NvidiaPoolDriver {
  /** NVIDIA driver version, e.g. `570.148.08`: the tag of the driver container, built per RHCOS on the Driver Toolkit. */
  readonly version: string;
  /** Which kernel modules to build and load. @default NvidiaKernelModuleType.OPEN */
  readonly kernelModuleType?: NvidiaKernelModuleType;
}

/**
 * The NVIDIA GPU Operator, installed through OLM and pinned per pool. Plain data: `Cluster`
 * turns it into objects with `NvidiaGpuOperator`.
 */
export interface NvidiaGpuOperatorProps {
  /** OLM channel of `gpu-operator-certified`, one per operator release, e.g. `v25.3`. Pin it: `stable` moves. */
  readonly channel: string;
  /** Pool name → driver for that pool's nodes; one `NVIDIADriver` each. */
  readonly drivers: Readonly<Record<string, NvidiaPoolDriver>>;
  /** Exact operator version to install, e.g. `gpu-operator-certified.v25.3.1`; with it, updates wait for approval. @default - the channel head, updated automatically */
  readonly startingCSV?: string;
  /** Registry path of the driver container image. @default "nvcr.io/nvidia" (mirror it for disconnected clusters) */
  readonly driverRepository?: string;
  /** Secret (in the operator namespace) to pull the driver image, for a private mirror. @default - none */
  readonly driverImagePullSecret?: string;
}

/** The OLM package of the certified NVIDIA GPU Operator. */
export const NVIDIA_GPU_OPERATOR_PACKAGE = 'gpu-operator-certified';
/** The namespace NVIDIA's OpenShift documentation installs it into (the CSV's suggested namespace). */
export const NVIDIA_GPU_OPERATOR_NAMESPACE = 'nvidia-gpu-operator';
/** The one ClusterPolicy the operator reconciles. */
export const NVIDIA_CLUSTER_POLICY_NAME = 'gpu-cluster-policy';

const DRIVER_VERSION = /^[0-9]{3}\.[0-9]{1,3}(\.[0-9]{1,3})?$/;
const CHANNEL = /^(stable|v[0-9]{2}\.[0-9]{1,2})$/;
const CSV = /^gpu-operator-certified\.v[0-9]+\.[0-9]+\.[0-9]+$/;
const REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(\.[a-z0-9-]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

/** What the preset needs to know about one pool of the cluster. */
export interface NvidiaPoolTarget {
  readonly name: string;
  /** The pool's node selector; the pool's NVIDIADriver selects the same nodes. */
  readonly nodeSelector: Readonly<Record<string, string>>;
}

/** Checks the props against the cluster's pools; problems are reported under `path`. */
export function validateNvidiaGpuOperator(props: NvidiaGpuOperatorProps, pools: ReadonlyArray<NvidiaPoolTarget>,
  problems: ProblemCollector, path: ReadonlyArray<string | number>): void {
  if (!CHANNEL.test(props.channel ?? '')) problems.add([...path, 'channel'], 'not a GPU Operator channel', props.channel, 'v<YY>.<M> (e.g. v25.3) or stable');
  if (props.startingCSV !== undefined && !CSV.test(props.startingCSV)) {
    problems.add([...path, 'startingCSV'], 'not a GPU Operator CSV name', props.startingCSV, 'gpu-operator-certified.v<x.y.z>');
  }
  if (props.driverRepository !== undefined && !REPOSITORY.test(props.driverRepository)) {
    problems.add([...path, 'driverRepository'], 'not an image repository', props.driverRepository, 'registry/path, e.g. nvcr.io/nvidia');
  }
  if (props.driverImagePullSecret !== undefined && !isDnsLabel(props.driverImagePullSecret, 253)) {
    problems.add([...path, 'driverImagePullSecret'], 'must name a Secret', props.driverImagePullSecret, DNS_LABEL_RULE);
  }
  const drivers = Object.entries(props.drivers ?? {});
  if (drivers.length === 0) problems.add([...path, 'drivers'], 'name at least one pool whose nodes get the NVIDIA driver');
  for (const [pool, driver] of drivers) {
    if (!pools.some((p) => p.name === pool)) {
      problems.add([...path, 'drivers', pool], 'not a pool of this cluster', pool, pools.map((p) => p.name).join(', '));
    }
    if (!DRIVER_VERSION.test(driver?.version ?? '')) {
      problems.add([...path, 'drivers', pool, 'version'], 'not an NVIDIA driver version', driver?.version, 'e.g. 570.148.08');
    }
    if (driver?.kernelModuleType !== undefined && !Object.values(NvidiaKernelModuleType).includes(driver.kernelModuleType)) {
      problems.add([...path, 'drivers', pool, 'kernelModuleType'], 'unknown kernel module type', driver.kernelModuleType, Object.values(NvidiaKernelModuleType).join(', '));
    }
  }
}

/** What the preset decided for one cluster: plain data, part of the cluster's plan. */
export interface NvidiaGpuOperatorPlan {
  readonly channel: string;
  readonly startingCSV?: string;
  readonly driverRepository: string;
  readonly driverImagePullSecret?: string;
  /** One driver per pool, in pool-name order, with the pool's node selector. */
  readonly drivers: ReadonlyArray<{ readonly pool: string; readonly nodeSelector: Readonly<Record<string, string>>;
    readonly version: string; readonly kernelModuleType: NvidiaKernelModuleType }>;
}

/** Validates the props (problems under `path`) and returns the plan; undefined when there were problems. */
export function planNvidiaGpuOperator(props: NvidiaGpuOperatorProps, pools: ReadonlyArray<NvidiaPoolTarget>,
  problems: ProblemCollector, path: ReadonlyArray<string | number>): NvidiaGpuOperatorPlan | undefined {
  const before = problems.problems.length;
  validateNvidiaGpuOperator(props, pools, problems, path);
  if (problems.problems.length > before) return undefined;
  return {
    channel: props.channel,
    ...(props.startingCSV ? { startingCSV: props.startingCSV } : {}),
    driverRepository: props.driverRepository ?? 'nvcr.io/nvidia',
    ...(props.driverImagePullSecret ? { driverImagePullSecret: props.driverImagePullSecret } : {}),
    drivers: Object.keys(props.drivers).sort().map((pool) => ({
      pool,
      nodeSelector: { ...pools.find((p) => p.name === pool)!.nodeSelector },
      version: props.drivers[pool].version,
      kernelModuleType: props.drivers[pool].kernelModuleType ?? NvidiaKernelModuleType.OPEN,
    })),
  };
}

/** Props of the `NvidiaGpuOperator` construct. */
export interface NvidiaGpuOperatorConstructProps {
  /** What to render (from `planNvidiaGpuOperator`). */
  readonly plan: NvidiaGpuOperatorPlan;
  /** Labels of every object. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * NVIDIA GPUs through the GPU Operator, the way NVIDIA and Red Hat document it for OpenShift:
 *
 * - Namespace `nvidia-gpu-operator` (cluster monitoring on, for the DCGM exporter's ServiceMonitor),
 *   an OperatorGroup for it and a Subscription to `gpu-operator-certified` from `certified-operators`;
 * - the `ClusterPolicy` `gpu-cluster-policy`, with the Driver Toolkit build path on
 *   (`operator.use_ocp_driver_toolkit`) and the driver delegated to `NVIDIADriver` objects
 *   (`driver.useNvidiaDriverCRD`); toolkit, device plugin, GPU feature discovery, DCGM, the
 *   exporter and the validator stay on: together they make `nvidia.com/gpu` schedulable for a
 *   CUDA pod (driver, firmware and user space all come from the one driver container);
 * - one `NVIDIADriver` per pool, pinned to that pool's driver version and selecting the pool's nodes.
 *
 * The operator needs Node Feature Discovery (its `feature.node.kubernetes.io/pci-10de.present`
 * and `system-os_release.OSTREE_VERSION` labels); set the cluster's `installNodeFeatureDiscovery`.
 * RHCOS blacklists nouveau already, so no MachineConfig (and no reboot) is needed for it.
 */
export class NvidiaGpuOperator extends Construct {
  /** The NVIDIADriver names, one per pool in `drivers`, in pool-name order. */
  public readonly driverNames: ReadonlyArray<string>;

  constructor(scope: Construct, id: string, props: NvidiaGpuOperatorConstructProps) {
    super(scope, id);
    const { plan } = props;
    const labels = { ...props.labels };
    const namespace = NVIDIA_GPU_OPERATOR_NAMESPACE;
    new KubeNamespace(this, 'Namespace', { metadata: { name: namespace, labels: { ...labels, 'openshift.io/cluster-monitoring': 'true' } } });
    new ApiObject(this, 'OperatorGroup', {
      apiVersion: 'operators.coreos.com/v1',
      kind: 'OperatorGroup',
      metadata: { name: 'nvidia-gpu-operator-group', namespace, labels },
      spec: { targetNamespaces: [namespace] },
    });
    new ApiObject(this, 'Subscription', {
      apiVersion: 'operators.coreos.com/v1alpha1',
      kind: 'Subscription',
      metadata: { name: NVIDIA_GPU_OPERATOR_PACKAGE, namespace, labels },
      spec: {
        channel: plan.channel,
        installPlanApproval: plan.startingCSV ? InstallPlanApproval.MANUAL : InstallPlanApproval.AUTOMATIC,
        name: NVIDIA_GPU_OPERATOR_PACKAGE,
        source: 'certified-operators',
        sourceNamespace: 'openshift-marketplace',
        ...(plan.startingCSV ? { startingCSV: plan.startingCSV } : {}),
      },
    });
    new ApiObject(this, 'ClusterPolicy', {
      apiVersion: 'nvidia.com/v1',
      kind: 'ClusterPolicy',
      metadata: { name: NVIDIA_CLUSTER_POLICY_NAME, labels },
      spec: {
        operator: { defaultRuntime: 'crio', use_ocp_driver_toolkit: true },
        daemonsets: { updateStrategy: 'RollingUpdate', rollingUpdate: { maxUnavailable: '1' } },
        driver: { enabled: true, useNvidiaDriverCRD: true },
        toolkit: { enabled: true },
        devicePlugin: { enabled: true },
        dcgm: { enabled: true },
        dcgmExporter: { enabled: true, serviceMonitor: { enabled: true } },
        gfd: { enabled: true },
        nodeStatusExporter: { enabled: true },
        migManager: { enabled: true },
        mig: { strategy: 'single' },
      },
    });
    const pullSecrets = plan.driverImagePullSecret ? { imagePullSecrets: [plan.driverImagePullSecret] } : {};
    const names: string[] = [];
    for (const driver of plan.drivers) {
      const name = `gpu-driver-${driver.pool}`;
      names.push(name);
      new ApiObject(this, `Driver:${driver.pool}`, {
        apiVersion: 'nvidia.com/v1alpha1',
        kind: 'NVIDIADriver',
        metadata: { name, labels: { ...labels, 'cdk8s-kmods.io/pool': driver.pool } },
        spec: {
          driverType: 'gpu',
          default: false,
          repository: plan.driverRepository,
          image: 'driver',
          version: driver.version,
          kernelModuleType: driver.kernelModuleType,
          usePrecompiled: false,
          nodeSelector: { ...driver.nodeSelector },
          ...pullSecrets,
        },
      });
    }
    this.driverNames = names;
  }
}
