/**
 * Small models of how each engine writes a desired object over the live one, and of the OpenShift
 * controllers that write into the same objects, to find tugs of war.
 *
 * Objects are flattened to leaf JSON pointers (`/spec/template/spec/containers/0/image`).
 */

/** Leaf values by JSON pointer (RFC 6901). */
export type Leaves = Map<string, unknown>;

const escape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');
const unescape = (k: string) => k.replace(/~1/g, '/').replace(/~0/g, '~');

/** Flattens an object to its leaves (empty objects and arrays are leaves too). */
export function leaves(obj: unknown, prefix = '', out: Leaves = new Map()): Leaves {
  if (obj !== null && typeof obj === 'object' && Object.keys(obj as object).length > 0) {
    for (const [k, v] of Object.entries(obj as object)) leaves(v, `${prefix}/${escape(k)}`, out);
  } else {
    out.set(prefix, obj);
  }
  return out;
}

/** Rebuilds an object from its leaves (numeric keys under an array path become indexes). */
export function fromLeaves(l: Leaves): any {
  const root: any = {};
  for (const [pointer, value] of [...l].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const parts = pointer.split('/').slice(1).map(unescape);
    let node = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = value;
      else node = node[part] ??= /^\d+$/.test(parts[i + 1]) ? [] : {};
    });
  }
  return root;
}

/** The value at a JSON pointer. */
export function at(obj: any, pointer: string): unknown {
  return pointer.split('/').slice(1).map(unescape).reduce((n, k) => (n === undefined || n === null ? undefined : n[k]), obj);
}

/**
 * The JSON pointers an Argo CD `ignoreDifferences` entry selects in an object (argo-cd
 * `docs/user-guide/diffing.md`): `jsonPointers` as they are; `jqPathExpressions` of the one
 * form a loader rule uses, `.a.b[] | select(.name == "x") | .c`. Any other jq form throws, so
 * this model never silently ignores less than Argo CD would.
 */
export function ignoredPointers(entry: any, obj: any): string[] {
  const out: string[] = [...(entry.jsonPointers ?? [])];
  for (const expr of entry.jqPathExpressions ?? []) {
    const m = /^\.([\w.]+)\[\] \| select\(\.name == "([^"]+)"\) \| \.(\w+)$/.exec(expr);
    if (!m) throw new Error(`jq form not modelled: ${expr}`);
    const listPath = `/${m[1].split('.').join('/')}`;
    const list = at(obj, listPath);
    if (Array.isArray(list)) list.forEach((item, i) => { if (item?.name === m[2]) out.push(`${listPath}/${i}/${m[3]}`); });
  }
  return out;
}

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

/** Does an `ignoreDifferences` entry apply to this object (group, kind, optional name and namespace)? */
function entryMatches(entry: any, obj: any): boolean {
  return (entry.group ?? '') === groupOf(obj.apiVersion) && entry.kind === obj.kind
    && (entry.name === undefined || entry.name === obj.metadata.name)
    && (entry.namespace === undefined || entry.namespace === obj.metadata.namespace);
}

/** A live object as Argo CD's default client-side apply leaves it: the object and its last-applied configuration. */
export interface AppliedObject {
  readonly object: any;
  readonly lastApplied: any;
}

/**
 * Argo CD sync of one object. With `RespectIgnoreDifferences=true` (argo-cd
 * `docs/user-guide/sync-options.md`, "Respect ignore difference configs") the desired object is
 * first patched with the live values of every ignored field (only once the object exists), so an
 * ignored field is never changed by a sync. It is then applied as `kubectl apply` does by default
 * (three-way merge): fields of the applied configuration are set, fields of the last applied
 * configuration that are gone are removed, fields nobody applied (a person's, another
 * controller's) are kept.
 */
export function argoCdSync(application: any, desired: any, live: AppliedObject | undefined): AppliedObject {
  const respect = (application.spec.syncPolicy?.syncOptions ?? []).includes('RespectIgnoreDifferences=true');
  const config = leaves(desired);
  if (respect && live !== undefined) {
    for (const entry of application.spec.ignoreDifferences ?? []) {
      if (!entryMatches(entry, desired)) continue;
      for (const pointer of ignoredPointers(entry, desired)) {
        const liveValue = at(live.object, pointer);
        if (liveValue === undefined) config.delete(pointer);
        else config.set(pointer, liveValue);
      }
    }
  }
  const values = live ? leaves(live.object) : new Map<string, unknown>();
  for (const pointer of live ? leaves(live.lastApplied).keys() : []) if (!config.has(pointer)) values.delete(pointer);
  for (const [pointer, value] of config) values.set(pointer, value);
  const applied = fromLeaves(config);
  return { object: fromLeaves(values), lastApplied: applied };
}

/** A person or another controller changing fields of an object Argo CD applied. */
export function editApplied(live: AppliedObject, fields: Record<string, unknown>): AppliedObject {
  const values = leaves(live.object);
  for (const [pointer, value] of Object.entries(fields)) values.set(pointer, value);
  return { object: fromLeaves(values), lastApplied: live.lastApplied };
}

/** Live object plus, per leaf, the field manager that owns it (Kubernetes managedFields, simplified to leaves). */
export interface ManagedObject {
  readonly object: any;
  readonly owners: Map<string, string>;
}

/**
 * Server-side apply by one field manager (Kubernetes "Server-Side Apply": the applied
 * configuration's fields are set and owned by the manager; fields the manager owned before and
 * no longer applies are removed; fields of other managers are left alone; with `force` a
 * conflicting field is taken over). Flux's kustomize-controller applies with force
 * (fluxcd/pkg `ssa` `ApplyAll`, `client.ForceOwnership`).
 */
export function serverSideApply(live: ManagedObject | undefined, config: any, manager: string): ManagedObject {
  const values = live ? leaves(live.object) : new Map<string, unknown>();
  const owners = new Map(live?.owners ?? []);
  const applied = leaves(config);
  for (const [pointer, owner] of owners) {
    if (owner === manager && !applied.has(pointer)) { values.delete(pointer); owners.delete(pointer); }
  }
  for (const [pointer, value] of applied) { values.set(pointer, value); owners.set(pointer, manager); }
  return { object: fromLeaves(values), owners };
}

/** Another controller (or a person) writing fields of a live object, as its own field manager. */
export function update(live: ManagedObject, manager: string, fields: Record<string, unknown>): ManagedObject {
  const values = leaves(live.object);
  const owners = new Map(live.owners);
  for (const [pointer, value] of Object.entries(fields)) { values.set(pointer, value); owners.set(pointer, manager); }
  return { object: fromLeaves(values), owners };
}

/**
 * OpenShift's image trigger controller (openshift/openshift-controller-manager, image triggers on
 * Kubernetes resources): for a workload with an `image.openshift.io/triggers` annotation it writes
 * the ImageStreamTag's current image into the container the `fieldPath` names whenever that
 * container's image differs from it. Returns the fields it writes (empty: nothing to do).
 */
export function imageTriggerWrites(obj: any, resolve: (streamTag: string) => string): Record<string, string> {
  const raw = obj.metadata?.annotations?.['image.openshift.io/triggers'];
  if (raw === undefined) return {};
  const out: Record<string, string> = {};
  for (const trigger of JSON.parse(raw)) {
    const m = /^spec\.template\.spec\.(containers|initContainers)\[\?\(@\.name=="([^"]+)"\)\]\.image$/.exec(trigger.fieldPath);
    if (!m) throw new Error(`fieldPath form not modelled: ${trigger.fieldPath}`);
    const containers: any[] = obj.spec.template.spec[m[1]] ?? [];
    containers.forEach((c, i) => {
      const image = resolve(trigger.from.name);
      if (c.name === m[2] && c.image !== image) out[`/spec/template/spec/${m[1]}/${i}/image`] = image;
    });
  }
  return out;
}
