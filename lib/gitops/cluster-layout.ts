import { KindPolicy, policyFor } from './sync-policy';

/** The sub-folder of a cluster folder applied before the rest. */
export const SETUP_FOLDER = 'setup';

/** A cluster's objects split into the folders the engines apply one after the other. */
export interface ClusterLayout<T> {
  /** `clusters/<cluster>/setup/`: the identity guard, operator installs and their Namespaces. */
  readonly setup: T[];
  /** `clusters/<cluster>/`: everything else. */
  readonly main: T[];
}

interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

/**
 * Splits a cluster's objects: kinds marked `setup` in KIND_POLICIES (ValidatingAdmissionPolicy
 * and binding, OLM OperatorGroups, Subscriptions, CatalogSources) and the Namespaces those live
 * in go to `setup/`, the rest to the main folder. Order within each part is kept.
 */
export function splitClusterObjects<T extends ObjectRef>(objects: ReadonlyArray<T>): ClusterLayout<T> {
  const setupNamespaces = new Set<string>();
  for (const o of objects) {
    if (policyFor(o.apiVersion, o.kind).setup && o.metadata.namespace !== undefined) setupNamespaces.add(o.metadata.namespace);
  }
  const isSetup = (o: T) => policyFor(o.apiVersion, o.kind).setup === true
    || (o.kind === 'Namespace' && o.apiVersion === 'v1' && setupNamespaces.has(o.metadata.name));
  return { setup: objects.filter(isSetup), main: objects.filter((o) => !isSetup(o)) };
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
