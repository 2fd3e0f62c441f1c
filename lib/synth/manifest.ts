/** A rendered Kubernetes object, as it is written to a file. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/**
 * The file a manifest is written to: `<kind>_<name>.yaml` for cluster-scoped objects and
 * `<namespace>_<kind>_<name>.yaml` for namespaced ones. Kubernetes names never contain '_',
 * so two different objects cannot share a file (the output check also asserts it).
 */
export function manifestFileName(manifest: Manifest): string {
  const kind = manifest.kind.toLowerCase();
  const ns = manifest.metadata.namespace;
  return ns ? `${ns}_${kind}_${manifest.metadata.name}.yaml` : `${kind}_${manifest.metadata.name}.yaml`;
}
