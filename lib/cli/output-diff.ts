import { isDeepStrictEqual } from 'util';
import { parseAllDocuments } from 'yaml';

/** A Kubernetes object as read from an output file. */
export interface OutputObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

/** One object that differs between two output trees. */
export interface ObjectChange {
  readonly change: 'added' | 'removed' | 'changed';
  /** `clusters/<cluster>/…`, `argocd/…` or `flux/…`, relative to the output folder. */
  readonly file: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly before?: OutputObject;
  readonly after?: OutputObject;
}

/** The changes of one output folder: a cluster (`clusters/<name>`) or the GitOps wiring. */
export interface FolderChanges {
  /** The cluster's name, or `argocd` / `flux`. */
  readonly folder: string;
  readonly isCluster: boolean;
  readonly changes: ReadonlyArray<ObjectChange>;
}

/** Reads every object of an output tree (path → file text), keyed by `<folder>|<kind>|<namespace>|<name>`. */
function objectsOf(tree: ReadonlyMap<string, string>): Map<string, { file: string; folder: string; isCluster: boolean; object: OutputObject }> {
  const out = new Map<string, { file: string; folder: string; isCluster: boolean; object: OutputObject }>();
  for (const [file, text] of tree) {
    if (!/\.ya?ml$/.test(file) || file.endsWith('kustomization.yaml')) continue;
    const parts = file.split('/');
    const isCluster = parts[0] === 'clusters' && parts.length > 2;
    const folder = isCluster ? parts[1] : parts[0];
    for (const doc of parseAllDocuments(text)) {
      if (!('toJS' in doc)) continue;
      const object = doc.toJS() as OutputObject | null;
      if (!object || typeof object !== 'object' || typeof object.kind !== 'string' || !object.metadata?.name) continue;
      const key = [isCluster ? `clusters/${folder}` : folder, object.kind, object.metadata.namespace ?? '', object.metadata.name].join('|');
      out.set(key, { file, folder, isCluster, object });
    }
  }
  return out;
}

/** Compares two output trees object by object, grouped by folder (clusters first, in name order). */
export function diffOutputs(base: ReadonlyMap<string, string>, head: ReadonlyMap<string, string>): FolderChanges[] {
  const before = objectsOf(base);
  const after = objectsOf(head);
  const byFolder = new Map<string, { isCluster: boolean; changes: ObjectChange[] }>();
  const add = (folder: string, isCluster: boolean, change: ObjectChange): void => {
    const key = `${isCluster ? 0 : 1}|${folder}`;
    if (!byFolder.has(key)) byFolder.set(key, { isCluster, changes: [] });
    byFolder.get(key)!.changes.push(change);
  };
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(key);
    const a = after.get(key);
    const ref = (a ?? b)!;
    const base = { file: ref.file, kind: ref.object.kind, name: ref.object.metadata.name, ...(ref.object.metadata.namespace ? { namespace: ref.object.metadata.namespace } : {}) };
    if (!b) add(ref.folder, ref.isCluster, { ...base, change: 'added', after: a!.object });
    else if (!a) add(ref.folder, ref.isCluster, { ...base, change: 'removed', before: b.object });
    else if (!isDeepStrictEqual(a.object, b.object)) add(ref.folder, ref.isCluster, { ...base, change: 'changed', before: b.object, after: a.object });
  }
  return [...byFolder.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([key, v]) => ({ folder: key.slice(2), isCluster: v.isCluster, changes: v.changes }));
}

/** The top-level paths (dotted) where two values differ, e.g. `spec.config.storage`, at most `depth` deep. */
export function changedPaths(a: unknown, b: unknown, depth = 4, prefix = ''): string[] {
  if (isDeepStrictEqual(a, b)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (depth === 0 || !isObj(a) || !isObj(b)) return [prefix || '(root)'];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((k) => changedPaths(a[k], b[k], depth - 1, prefix ? `${prefix}.${k}` : k));
}
