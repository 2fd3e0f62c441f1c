import { KindPolicy, policyFor } from './sync-policy';

/** The sub-folder of a cluster folder applied before the rest. */
export const SETUP_FOLDER = 'setup';
/** The sub-folder of node-level objects, when they sync in maintenance windows or by hand. */
export const NODE_FOLDER = 'node';

/** A cluster's objects split into the folders the engines apply one after the other. */
export interface ClusterLayout<T> {
  /** `clusters/<cluster>/setup/`: the identity guard, operator installs and their Namespaces. */
  readonly setup: T[];
  /** `clusters/<cluster>/node/`: node-level objects, when they sync on their own (else empty). */
  readonly node: T[];
  /** `clusters/<cluster>/`: everything else. */
  readonly main: T[];
}

/** Options of `splitClusterObjects`. */
export interface SplitOptions {
  /** Put node-level objects (kinds marked `rebootProtected`) in `node/`. @default false */
  readonly nodeFolder?: boolean;
}

interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

/**
 * Splits a cluster's objects: kinds marked `setup` in KIND_POLICIES (ValidatingAdmissionPolicy
 * and binding, OLM OperatorGroups, Subscriptions, CatalogSources) and the Namespaces those live
 * in go to `setup/`; with `nodeFolder`, node-level objects (MachineConfigs, pools,
 * `MachineConfiguration`) go to `node/`; the rest to the main folder. Order within each part is kept.
 */
export function splitClusterObjects<T extends ObjectRef>(objects: ReadonlyArray<T>, options: SplitOptions = {}): ClusterLayout<T> {
  const setupNamespaces = new Set<string>();
  for (const o of objects) {
    if (policyFor(o.apiVersion, o.kind).setup && o.metadata.namespace !== undefined) setupNamespaces.add(o.metadata.namespace);
  }
  const isSetup = (o: T) => policyFor(o.apiVersion, o.kind).setup === true
    || (o.kind === 'Namespace' && o.apiVersion === 'v1' && setupNamespaces.has(o.metadata.name));
  const isNode = (o: T) => options.nodeFolder === true && policyFor(o.apiVersion, o.kind).rebootProtected === true;
  return {
    setup: objects.filter(isSetup),
    node: objects.filter((o) => !isSetup(o) && isNode(o)),
    main: objects.filter((o) => !isSetup(o) && !isNode(o)),
  };
}

/** The CRD name (`<plural>.<group>`) of an operator-installed kind. */
export function crdName(policy: KindPolicy): string {
  return `${policy.resource}.${policy.group}`;
}

/** The CRDs the objects need from operators (kinds marked `crdFromOperator`), sorted. */
export function operatorCrdsNeeded(objects: ReadonlyArray<ObjectRef>): string[] {
  const names = new Set<string>();
  for (const o of objects) {
    const policy = policyFor(o.apiVersion, o.kind);
    if (policy.crdFromOperator) names.add(crdName(policy));
  }
  return [...names].sort();
}

/** The cluster's folders (relative to the cluster folder, '' for the main one) with their objects, non-empty ones only. */
export function clusterFolderParts<T>(layout: ClusterLayout<T>): Array<[string, T[]]> {
  const parts: Array<[string, T[]]> = [['', layout.main], [SETUP_FOLDER, layout.setup], [NODE_FOLDER, layout.node]];
  return parts.filter(([, objects]) => objects.length > 0);
}
