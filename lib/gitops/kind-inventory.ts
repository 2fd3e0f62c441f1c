import { KindPolicy, policyFor } from './sync-policy';

/** Rendered objects of every cluster, keyed by cluster name. */
export type ClusterManifests = ReadonlyMap<string, ReadonlyArray<any>>;

/**
 * The kinds that occur in the rendered cluster manifests, each once, sorted by group then kind.
 * The AppProject whitelist, the controller's RBAC and the health checks are all derived from this
 * list, so they cover exactly what the fleet generates.
 */
export function generatedKinds(manifests: ClusterManifests): KindPolicy[] {
  const found = new Map<string, KindPolicy>();
  for (const objects of manifests.values()) {
    for (const obj of objects) {
      const policy = policyFor(obj.apiVersion, obj.kind);
      found.set(`${policy.group}/${policy.kind}`, policy);
    }
  }
  return [...found.values()].sort(compareKinds);
}

/** Orders kind policies by group, then kind. */
export function compareKinds(a: KindPolicy, b: KindPolicy): number {
  return a.group < b.group ? -1 : a.group > b.group ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;
}

/** The namespaces that a cluster's namespaced objects live in, sorted. */
export function namespacesUsed(objects: ReadonlyArray<any>): string[] {
  const namespaces = new Set<string>();
  for (const obj of objects) {
    if (policyFor(obj.apiVersion, obj.kind).namespaced && typeof obj.metadata?.namespace === 'string') namespaces.add(obj.metadata.namespace);
  }
  return [...namespaces].sort();
}
