import { createHash } from 'crypto';
import {
  Container, IntOrString, KubeDaemonSet, Quantity, SecurityContext, Toleration, Volume, VolumeMount,
} from '../../k8s';
import { Construct } from 'constructs';
import { moduleImage } from '../../image/module-image';
import { SCRIPT_HASH_ANNOTATION } from '../../labels';
import { KernelModule, LoaderRollout } from '../../module/kernel-module';
import { KernelVersion } from '../../release/kernel-version';
import { LOADER_PATHS, NODE_NAME_ENV, sysfsModuleName } from './loader-script';

/** Name of the container that loads the module (it runs the loader image, not the module image). */
export const LOADER_CONTAINER = 'loader';
/** Where a kernel's init container sees its slice of the module-images volume. */
const COPY_TARGET = '/kmods-out';

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

/** The loader DaemonSet name of a (module, pool): `<module>-<pool>`, at most 63 characters. */
export function loaderDaemonSetName(moduleName: string, poolName: string): string {
  return boundedName([moduleName, poolName]);
}

/** Name of the init container that copies one kernel's modules out of the module image. */
export function modulesInitContainerName(kernel: KernelVersion): string {
  return boundedName(['modules', kernel.nameToken]);
}

/** Name of the init container that copies one kernel's firmware out of the module image. */
export function firmwareInitContainerName(kernel: KernelVersion): string {
  return boundedName(['firmware', kernel.nameToken]);
}

/** The node pool facts a loader needs. */
export interface LoaderPool {
  /** Pool name. */
  readonly name: string;
  /** Labels every node of the pool has. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Every kernel the pool's nodes run or will run (one per cluster release). */
  readonly kernels: ReadonlyArray<KernelVersion>;
}

export interface LoaderDaemonSetProps {
  /** The module to load. */
  readonly module: KernelModule;
  /** The pool whose nodes load it. */
  readonly pool: LoaderPool;
  /** Namespace of the loaders (also of the module's ImageStream). */
  readonly namespace: string;
  /** The image the loader container runs: sh, kmod and curl, pinned by digest. */
  readonly loaderImage: string;
  /** ServiceAccount the pods run as (allowed to use the privileged SCC and to set its node label). */
  readonly serviceAccountName: string;
  /** ConfigMap holding the loader script. */
  readonly scriptConfigMap: string;
  /** SHA-256 of the loader script. */
  readonly scriptSha256: string;
  /** Mount the ServiceAccount token (the loader sets its node label). @default true */
  readonly apiAccess?: boolean;
  /** Labels of the DaemonSet object. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The loader of one module on one pool: a DaemonSet on every node of the pool, whatever kernel it
 * runs (no Node Feature Discovery label is needed). Its pod carries, for each kernel the pool runs
 * or will run, an init container on that kernel's module image that copies
 * `/opt/lib/modules/<kernel>/` (and the firmware) into the pod with `cp` — all KMM asks of a module
 * image. The loader container then runs the loader image and takes the build for `uname -r`, so a
 * node that reboots into a new kernel picks the right build, and folding `upgradeTo` into
 * `release` changes the pod template but never deletes the DaemonSet under a running node.
 *
 * The loader gets `SYS_MODULE` and runs as root with SELinux type `spc_t`; it is fully privileged
 * only when the module ships firmware (it writes `/sys/module/firmware_class/parameters/path`,
 * read-only in an unprivileged container). Host mounts: `/lib/modules` read-only (in-tree
 * dependencies and removals), `/var/lib/firmware` only with firmware. Its token may only set and
 * remove its own node label (RBAC plus a ValidatingAdmissionPolicy).
 */
export class LoaderDaemonSet extends Construct {
  /** The DaemonSet's name. */
  public readonly name: string;
  /** The module image of each kernel, by `uname -r`. */
  public readonly moduleImages: ReadonlyMap<string, string>;

  constructor(scope: Construct, id: string, props: LoaderDaemonSetProps) {
    super(scope, id);
    const { module, pool, namespace } = props;
    if (pool.kernels.length === 0) throw new Error(`loader ${module.name} on pool ${pool.name}: no kernels`);
    this.name = loaderDaemonSetName(module.name, pool.name);
    const firmware = module.firmwarePath !== undefined;

    const selectorLabels = { 'app.kubernetes.io/name': 'kmods-loader', 'app.kubernetes.io/instance': this.name };
    const podLabels = { ...selectorLabels, 'app.kubernetes.io/component': 'loader', 'app.kubernetes.io/part-of': module.name };

    const images = new Map<string, string>();
    const initContainers: Container[] = [];
    for (const kernel of pool.kernels) {
      const image = moduleImage(module, kernel, namespace);
      images.set(kernel.full, image.image);
      const copies: Array<[string, string, string]> = [
        [modulesInitContainerName(kernel), `${LOADER_PATHS.moduleDir}/lib/modules/${kernel.full}`, `${kernel.full}/lib/modules`],
      ];
      if (firmware) copies.push([firmwareInitContainerName(kernel), `${module.firmwarePath}/.`, `${kernel.full}/firmware`]);
      for (const [name, source, subPath] of copies) {
        initContainers.push({
          name,
          image: image.image,
          imagePullPolicy: 'IfNotPresent',
          // Exec form, no shell: a module image needs nothing but cp (KMM's contract).
          command: ['cp', '-R', source, `${COPY_TARGET}/`],
          securityContext: COPY_SECURITY,
          resources: { requests: { cpu: Quantity.fromString('10m'), memory: Quantity.fromString('16Mi') } },
          volumeMounts: [{ name: 'module-images', mountPath: COPY_TARGET, subPath }],
        });
      }
    }
    this.moduleImages = images;

    const volumes: Volume[] = [
      { name: 'script', configMap: { name: props.scriptConfigMap, defaultMode: 0o444 } },
      { name: 'state', emptyDir: { medium: 'Memory', sizeLimit: Quantity.fromString('1Mi') } },
      { name: 'module-images', emptyDir: {} },
      { name: 'host-lib-modules', hostPath: { path: '/lib/modules', type: 'Directory' } },
    ];
    const mounts: VolumeMount[] = [
      { name: 'script', mountPath: LOADER_PATHS.scriptDir, readOnly: true },
      { name: 'state', mountPath: LOADER_PATHS.stateDir },
      { name: 'module-images', mountPath: LOADER_PATHS.imagesDir },
      { name: 'host-lib-modules', mountPath: '/lib/modules', readOnly: true },
    ];
    if (firmware) {
      volumes.push({ name: 'host-firmware', hostPath: { path: LOADER_PATHS.firmwareHostDir, type: 'DirectoryOrCreate' } });
      mounts.push({ name: 'host-firmware', mountPath: LOADER_PATHS.firmwareHostDir });
    }

    // Un-ready unless the script marked every module loaded at the image's version; the probe
    // prints the reason, which the kubelet puts in the pod's "Readiness probe failed" event.
    const readyCheck = [
      `test -e ${LOADER_PATHS.readyFile}`,
      ...module.loadOrder.map((ko) => `test -d /sys/module/${sysfsModuleName(ko.name)}`),
    ].join(' && ');
    const probe = `${readyCheck} || { cat ${LOADER_PATHS.reasonFile} 2>/dev/null; exit 1; }`;

    new KubeDaemonSet(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace,
        labels: { ...props.labels, ...podLabels },
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
            // The token patches this node's label; the policy lets it change nothing else.
            automountServiceAccountToken: props.apiAccess ?? true,
            priorityClassName: 'system-node-critical',
            terminationGracePeriodSeconds: 60,
            nodeSelector: { ...pool.nodeSelector },
            tolerations: LOADER_TOLERATIONS,
            ...(module.imagePullSecret !== undefined ? { imagePullSecrets: [{ name: module.imagePullSecret }] } : {}),
            initContainers,
            containers: [{
              name: LOADER_CONTAINER,
              image: props.loaderImage,
              imagePullPolicy: 'IfNotPresent',
              command: ['/bin/sh', `${LOADER_PATHS.scriptDir}/${LOADER_PATHS.scriptFile}`],
              env: [{ name: NODE_NAME_ENV, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }],
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
                exec: { command: ['/bin/sh', '-c', probe] },
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

/** The copy containers run as root (to read any image file) with no capabilities at all. */
const COPY_SECURITY: SecurityContext = {
  runAsUser: 0,
  runAsNonRoot: false,
  privileged: false,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

/**
 * Loaders tolerate every taint. Taints keep workloads off dedicated nodes (`nvidia.com/gpu`,
 * storage taints); they must not keep the driver off them. This includes
 * `node.kubernetes.io/unschedulable`, which the DaemonSet controller adds to every DaemonSet pod
 * anyway: a DaemonSet loader always stays on a cordoned or draining node (see README).
 */
const LOADER_TOLERATIONS: Toleration[] = [{ operator: 'Exists' }];

function intOrString(value: number | string): IntOrString {
  return typeof value === 'number' ? IntOrString.fromNumber(value) : IntOrString.fromString(value);
}
