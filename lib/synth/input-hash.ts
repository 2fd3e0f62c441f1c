import { createHash } from 'crypto';
import { ClusterPlan } from '../plan/cluster-plan';
import { FleetCatalogs } from '../plan/fleet-catalogs';

/** Thrown by `canonicalJson` for a value it cannot describe by content (a function, a cycle). */
class NotHashable extends Error {}

/**
 * A JSON text that depends only on `value`'s content: object keys sorted, class instances by
 * their constructor name and own enumerable fields, Maps and Sets by their (sorted) entries,
 * `undefined` fields left out. Throws NotHashable for functions, symbols and cycles.
 */
function canonicalJson(value: unknown, stack: unknown[] = []): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : `"${String(value)}"`;
  if (typeof value !== 'object') throw new NotHashable(typeof value);
  if (stack.includes(value)) throw new NotHashable('cycle');
  const inner = [...stack, value];
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v, inner))).join(',')}]`;
  if (value instanceof Map) {
    return `{"Map":[${[...value.entries()].map(([k, v]) => `[${canonicalJson(k, inner)},${canonicalJson(v, inner)}]`).sort().join(',')}]}`;
  }
  if (value instanceof Set) return `{"Set":[${[...value].map((v) => canonicalJson(v, inner)).sort().join(',')}]}`;
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  const type = proto === null || proto === Object.prototype ? '' : `${proto.constructor?.name ?? '?'}:`;
  const fields = Object.keys(value).sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k], inner)}`);
  return `{${type ? `"@":${JSON.stringify(type)}${fields.length ? ',' : ''}` : ''}${fields.join(',')}}`;
}

/** Canonical JSON of catalog entries (releases, modules) and the GitOps settings, computed once per object: every cluster refers to the same few. */
const entryJson = new WeakMap<object, string>();

function catalogEntryJson(entry: object | undefined): string {
  if (entry === undefined) return 'null';
  let text = entryJson.get(entry);
  if (text === undefined) {
    text = canonicalJson(entry);
    entryJson.set(entry, text);
  }
  return text;
}

/** A short sha-256 of `text`. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** Everything a cluster's folder is rendered from, besides the plan's own fields. */
export interface ClusterInputContext {
  readonly catalogs: FleetCatalogs;
  /** The fleet's GitOps settings (engines, node sync, …): they set annotations and folders. @default - none */
  readonly gitops?: unknown;
  /** The library fingerprint (see libraryFingerprint). */
  readonly library: string;
}

/**
 * The hash of everything a cluster's folder (`clusters/<name>/`) is rendered from: its plan,
 * the catalog definitions of the releases and modules the plan names, the GitOps engine (it
 * sets sync-wave and prune annotations) and the library. Two equal hashes mean byte-identical
 * folders. Returns undefined when an input cannot be described by its content (a module
 * definition holding a function): such a cluster is always rendered.
 */
export function clusterInputHash(plan: ClusterPlan, context: ClusterInputContext): string | undefined {
  try {
    const releases = plan.releases.map((v) => catalogEntryJson(context.catalogs.releases.tryGet(v)));
    const modules = plan.modules.map((d) => catalogEntryJson(context.catalogs.modules.tryGet(d.module)));
    const pooled = plan.pools.flatMap((p) => p.modules).filter((m) => !plan.modules.some((d) => d.module === m));
    const extra = [...new Set(pooled)].sort().map((m) => catalogEntryJson(context.catalogs.modules.tryGet(m)));
    return shortHash([
      JSON.stringify(context.library),
      context.gitops === undefined || context.gitops === null ? 'null' : catalogEntryJson(context.gitops as object),
      // A plan is plain JSON data (see ClusterPlan), built in a fixed order: the native
      // serializer describes it as faithfully as canonicalJson and takes a fraction of the time.
      JSON.stringify(plan),
      `[${releases.join(',')}]`,
      `[${modules.join(',')}]`,
      `[${extra.join(',')}]`,
    ].join('\n'));
  } catch (e) {
    if (e instanceof NotHashable) return undefined;
    throw e;
  }
}

/** The hash of any plain value (canonical JSON); undefined when it is not hashable. */
export function contentHash(value: unknown): string | undefined {
  try {
    return shortHash(canonicalJson(value));
  } catch (e) {
    if (e instanceof NotHashable) return undefined;
    throw e;
  }
}
