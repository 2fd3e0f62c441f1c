/**
 * Label and annotation keys this library puts on objects. All share one prefix, so
 * `oc get <kind> -l cdk8s-kmods.io/module=nvidia` finds everything of one module.
 */
export const KMODS_PREFIX = 'cdk8s-kmods.io';

/** Labels on every object this library generates. */
export const MANAGED_BY_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/managed-by': 'cdk8s-kmods' };

/** Label: the catalog module an object belongs to. */
export const MODULE_LABEL = `${KMODS_PREFIX}/module`;
/** Label: the kernel (NFD label form) a build or loader is for. */
export const KERNEL_LABEL = `${KMODS_PREFIX}/kernel`;
/** Label: the fleet cluster a GitOps object points at. */
export const CLUSTER_LABEL = `${KMODS_PREFIX}/cluster`;
/** Label: the OpenShift release whose Driver Toolkit a build uses. */
export const OPENSHIFT_RELEASE_LABEL = `${KMODS_PREFIX}/openshift-release`;
/** Annotation: the kernel exactly as `uname -r` prints it. */
export const KERNEL_ANNOTATION = `${KMODS_PREFIX}/kernel-full-version`;
/** Annotation: hash of a build's inputs (module version, source, Dockerfile, DTK). */
export const BUILD_INPUTS_ANNOTATION = `${KMODS_PREFIX}/build-inputs`;
/** Annotation: the pool whose nodes a MachineConfig change reboots. */
export const REBOOTS_POOL_ANNOTATION = `${KMODS_PREFIX}/reboots-pool`;
/** Annotation: why the change reboots. */
export const REBOOT_REASON_ANNOTATION = `${KMODS_PREFIX}/reboot-reason`;
/** Annotation: what happens instead of a reboot when a node disruption policy covers the change. */
export const REBOOTLESS_ANNOTATION = `${KMODS_PREFIX}/rebootless`;
/** Annotation: the object is partial and must be server-side applied. */
export const SERVER_SIDE_APPLY_ANNOTATION = `${KMODS_PREFIX}/server-side-apply`;
/** Pod template annotation: hash of the loader script, so a script change is a template change. */
export const SCRIPT_HASH_ANNOTATION = `${KMODS_PREFIX}/loader-script-sha256`;
/**
 * Annotation on a MachineConfigPool: the names of the generated MachineConfigs of its role,
 * comma-separated; its health check waits until the pool's current rendered configuration
 * (`status.configuration.source`) includes every one of them.
 */
export const POOL_MACHINE_CONFIGS_ANNOTATION = `${KMODS_PREFIX}/machine-configs`;
