import { KIND_TABLE } from './kind-table';

/** What the API says about one kind: its scope and the resource name RBAC rules use. */
export interface KindInfo {
  /** API group, '' for the core group. */
  readonly group: string;
  /** Kind. */
  readonly kind: string;
  /** Resource (plural) name, as RBAC rules and API paths use it. */
  readonly resource: string;
  /** True for namespaced kinds, false for cluster-scoped ones. */
  readonly namespaced: boolean;
  /**
   * Served by Kubernetes or OpenShift itself; false when an operator installs the CRD (and may
   * do so in the same sync as the first object of the kind).
   */
  readonly builtin: boolean;
}

/** The API group of an `apiVersion` ('' for `v1`). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

let parsed: Map<string, KindInfo> | undefined;

/** The generated table (lib/kinds/kind-table.ts), parsed on first use. */
function table(): Map<string, KindInfo> {
  if (parsed) return parsed;
  parsed = new Map();
  for (const [group, line] of Object.entries(KIND_TABLE)) {
    for (const entry of line.split(' ')) {
      const [kind, resource, flags] = entry.split(':');
      parsed.set(`${group}/${kind}`, { group, kind, resource, namespaced: flags.startsWith('N'), builtin: flags.includes('B') });
    }
  }
  return parsed;
}

/** The kind as the Kubernetes, OpenShift and known operator APIs define it, or undefined. */
export function lookupKindTable(group: string, kind: string): KindInfo | undefined {
  return table().get(`${group}/${kind}`);
}

/** Every kind of the table (for tests and tools). */
export function kindTableEntries(): KindInfo[] {
  return [...table().values()];
}
