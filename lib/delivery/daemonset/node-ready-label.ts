import { isLabelKey, isLabelValue } from '../../names';

/** Prefix of the per-node "module loaded" labels (KMM's is `kmm.node.kubernetes.io`). */
export const NODE_READY_LABEL_PREFIX = 'node.cdk8s-kmods.io';

/**
 * The node label a loader sets while its module is loaded at the right version, and removes
 * when it unloads it: `node.cdk8s-kmods.io/<namespace>.<module>.ready`. Workloads schedule on it
 * (a required node affinity on the key, or on the value to ask for one driver version).
 */
export function nodeReadyLabelKey(namespace: string, moduleName: string): string {
  return `${NODE_READY_LABEL_PREFIX}/${namespace}.${moduleName}.ready`;
}

/** True when the key is a valid label key (the name part is at most 63 characters). */
export function isNodeReadyLabelKeyValid(namespace: string, moduleName: string): boolean {
  return isLabelKey(nodeReadyLabelKey(namespace, moduleName));
}

/** The label's value: the module version when it is a valid label value, else empty. */
export function nodeReadyLabelValue(version: string): string {
  return isLabelValue(version) ? version : '';
}
