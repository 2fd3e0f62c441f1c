/** A Kubernetes API group, version and kind; the core group is the empty string. */
export interface GroupVersionKind {
  /** API group, '' for the core group. */
  readonly group: string;
  /** API version within the group, e.g. 'v1'. */
  readonly version: string;
  /** Kind, e.g. 'DaemonSet'. */
  readonly kind: string;
}

/** Whether objects of a kind live in a namespace. */
export enum ResourceScope {
  NAMESPACED = 'Namespaced',
  CLUSTER = 'Cluster',
}

/** Splits `apps/v1` into group and version; `v1` is the core group. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The apiVersion string of a group and version. */
export function apiVersionOf(gvk: Pick<GroupVersionKind, 'group' | 'version'>): string {
  return gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`;
}

/** A map key for a GVK. */
export function gvkKey(gvk: GroupVersionKind): string {
  return `${apiVersionOf(gvk)}/${gvk.kind}`;
}
