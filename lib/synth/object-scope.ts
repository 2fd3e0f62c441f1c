import { kindInfo, unknownKindMessage } from '../kinds/kind-registry';
import { kindTableEntries } from '../kinds/kind-info';

/**
 * Whether a kind's objects live outside namespaces, from the user's `registerKind` or the table
 * generated from the Kubernetes, OpenShift and operator APIs (lib/kinds/kind-table.ts). Throws for
 * a kind neither knows. Without `apiVersion`, the kind must have one scope in every group that
 * defines it.
 */
export function isClusterScoped(kind: string, apiVersion?: string): boolean {
  if (apiVersion !== undefined) {
    const info = kindInfo(apiVersion, kind);
    if (!info) throw new Error(unknownKindMessage(apiVersion, kind));
    return !info.namespaced;
  }
  const scopes = new Set(kindTableEntries().filter((e) => e.kind === kind).map((e) => e.namespaced));
  if (scopes.size !== 1) throw new Error(`kind ${kind}: ${scopes.size === 0 ? 'unknown' : 'namespaced in one API group and cluster-scoped in another'}; pass its apiVersion`);
  return !scopes.has(true);
}
