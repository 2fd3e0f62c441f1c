import { SCRIPT_HASH_ANNOTATION } from '../../labels';
import { createHash } from 'crypto';
import {
  Affinity, IntOrString, KubeDaemonSet, NodeSelectorRequirement, Quantity, Toleration, Volume, VolumeMount,
} from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { moduleImage } from '../../image/module-image';
import { KernelModule, LoaderRollout } from '../../module/kernel-module';
import { KernelVersion, NFD_KERNEL_LABEL } from '../../release/kernel-version';
import { KERNEL_ENV, LOADER_PATHS, sysfsModuleName } from './loader-script';

/** Name of the container that loads the module. */
export const LOADER_CONTAINER = 'loader';

/**
 * A stable name of at most `max` characters: `parts` joined by '-', or, when that is too long,
 * its first characters, '-' and 8 hex digits of its SHA-256.
 */
export function boundedName(parts: ReadonlyArray<string>, max = 63): string {
  const full = parts.join('-');
  if (full.length <= max) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, max - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** The loader DaemonSet name of a (module, kernel): `<module>-<kernel token>`, at most 63 characters. */
export function loaderDaemonSetName(moduleName: string, kernel: KernelVersion): string {
  return boundedName([moduleName, kernel.nameToken]);
}

/** The node pool facts a loader needs: which labels select the pool's nodes. */
export interface LoaderPool {
  /** Pool name. */
  readonly name: string;
  /** Labels every node of the pool has. */
  readonly nodeSelector: Readonly<Record<string, string>>;
}

export interface LoaderDaemonSetProps {
  /** The module to load. */
  readonly module: KernelModule;
  /** The kernel this DaemonSet's image is built for; only nodes NFD labels with it are selected. */
  readonly kernel: KernelVersion;
  /** The pools that load the module on this kernel (at least one). */
  readonly pools: ReadonlyArray<LoaderPool>;
  /** Namespace of the loaders (also of the module's ImageStream). */
  readonly namespace: string;
  /** ServiceAccount the pods run as (allowed to use the privileged SCC). */
  readonly serviceAccountName: string;
  /** ConfigMap holding the loader script. */
  readonly scriptConfigMap: string;
  /** SHA-256 of the loader script. */
  readonly scriptSha256: string;
  /** Labels of the DaemonSet object. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The loader of one module for one kernel: a DaemonSet on the nodes of the module's pools that
 * run that kernel (NFD's `feature.node.kubernetes.io/kernel-version.full` label), so during a
 * rolling OS upgrade every node gets the build for its own kernel.
 *
 * The pod runs the module image with the module's loader script. It gets `SYS_MODULE` and runs
 * as root with SELinux type `spc_t`; it is fully privileged only when the module ships firmware
 * (the script then writes `/sys/module/firmware_class/parameters/path`, which is read-only in an
 * unprivileged container). Host mounts: `/lib/modules` read-only (in-tree dependencies), and
 * `/var/lib/firmware` only with firmware.
 */
export class LoaderDaemonSet extends Construct {
  /** The DaemonSet's name. */
  public readonly name: string;
  /** The image the loader runs. */
  public readonly image: string;

  constructor(scope: Construct, id: string, props: LoaderDaemonSetProps) {
    super(scope, id);
    const { module, kernel, namespace } = props;
    if (props.pools.length === 0) throw new Error(`loader ${module.name} for ${kernel.full}: no pools`);
    this.name = loaderDaemonSetName(module.name, kernel);
    const image = moduleImage(module, kernel, namespace);
    this.image = image.image;
    const firmware = module.firmwarePath !== undefined;

    const selectorLabels = { 'app.kubernetes.io/name': 'kmods-loader', 'app.kubernetes.io/instance': this.name };
    const podLabels = { ...selectorLabels, 'app.kubernetes.io/component': 'loader', 'app.kubernetes.io/part-of': module.name };

    const annotations: Record<string, string> = {};

    const volumes: Volume[] = [
      { name: 'script', configMap: { name: props.scriptConfigMap, defaultMode: 0o444 } },
      { name: 'state', emptyDir: { medium: 'Memory', sizeLimit: Quantity.fromString('1Mi') } },
      { name: 'host-lib-modules', hostPath: { path: '/lib/modules', type: 'Directory' } },
    ];
    const mounts: VolumeMount[] = [
      { name: 'script', mountPath: LOADER_PATHS.scriptDir, readOnly: true },
      { name: 'state', mountPath: LOADER_PATHS.stateDir },
      { name: 'host-lib-modules', mountPath: '/lib/modules', readOnly: true },
    ];
    if (firmware) {
      volumes.push({ name: 'host-firmware', hostPath: { path: LOADER_PATHS.firmwareHostDir, type: 'DirectoryOrCreate' } });
      mounts.push({ name: 'host-firmware', mountPath: LOADER_PATHS.firmwareHostDir });
    }

    const readyCheck = [
      `test -e ${LOADER_PATHS.readyFile}`,
      ...module.loadOrder.map((ko) => `test -d /sys/module/${sysfsModuleName(ko.name)}`),
    ].join(' && ');

    new KubeDaemonSet(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace,
        labels: { ...props.labels, ...podLabels },
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      },
      spec: {
        selector: { matchLabels: selectorLabels },
        updateStrategy: module.rollout === LoaderRollout.ROLLING_UPDATE
          ? { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: intOrString(module.rolloutMaxUnavailable), maxSurge: IntOrString.fromNumber(0) } }
          : { type: 'OnDelete' },
        template: {
          metadata: {
            labels: podLabels,
            annotations: { [SCRIPT_HASH_ANNOTATION]: props.scriptSha256 },
          },
          spec: {
            serviceAccountName: props.serviceAccountName,
            automountServiceAccountToken: false,
            priorityClassName: 'system-node-critical',
            terminationGracePeriodSeconds: 60,
            ...nodeSelection(props.pools, kernel),
            tolerations: LOADER_TOLERATIONS,
            ...(module.imagePullSecret !== undefined ? { imagePullSecrets: [{ name: module.imagePullSecret }] } : {}),
            containers: [{
              name: LOADER_CONTAINER,
              image: image.image,
              imagePullPolicy: 'IfNotPresent',
              command: ['/bin/sh', `${LOADER_PATHS.scriptDir}/${LOADER_PATHS.scriptFile}`],
              env: [{ name: KERNEL_ENV, value: kernel.full }],
              securityContext: {
                runAsUser: 0,
                runAsNonRoot: false,
                readOnlyRootFilesystem: true,
                seLinuxOptions: { type: 'spc_t' },
                ...(firmware
                  ? { privileged: true }
                  : { privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['SYS_MODULE'] } }),
              },
              readinessProbe: {
                exec: { command: ['/bin/sh', '-c', readyCheck] },
                periodSeconds: 10,
                failureThreshold: 1,
              },
              resources: { requests: { cpu: Quantity.fromString('10m'), memory: Quantity.fromString('32Mi') } },
              volumeMounts: mounts,
            }],
            volumes,
          },
        },
      },
    });
  }
}

/**
 * Loaders tolerate every taint. Taints keep workloads off dedicated nodes (`nvidia.com/gpu`,
 * storage taints); they must not keep the driver off them. This includes
 * `node.kubernetes.io/unschedulable`, which the DaemonSet controller adds to every DaemonSet pod
 * anyway: a DaemonSet loader always stays on a cordoned or draining node (see README).
 */
const LOADER_TOLERATIONS: Toleration[] = [{ operator: 'Exists' }];

/**
 * One pool: a nodeSelector (the pool's labels plus the kernel label). Several pools: a required
 * nodeAffinity with one term per pool (terms are ORed, expressions in a term ANDed).
 */
function nodeSelection(pools: ReadonlyArray<LoaderPool>, kernel: KernelVersion): { nodeSelector?: Record<string, string>; affinity?: Affinity } {
  if (pools.length === 1) return { nodeSelector: { ...pools[0].nodeSelector, [NFD_KERNEL_LABEL]: kernel.nfdLabelValue } };
  return {
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: pools.map((pool) => ({
            matchExpressions: [
              ...Object.entries(pool.nodeSelector).map(([key, value]): NodeSelectorRequirement => ({ key, operator: 'In', values: [value] })),
              { key: NFD_KERNEL_LABEL, operator: 'In', values: [kernel.nfdLabelValue] },
            ],
          })),
        },
      },
    },
  };
}

function intOrString(value: number | string): IntOrString {
  return typeof value === 'number' ? IntOrString.fromNumber(value) : IntOrString.fromString(value);
}

