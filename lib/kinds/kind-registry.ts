import { groupOf, KindInfo, lookupKindTable } from './kind-info';

/** How GitOps treats a registered kind's objects; every field is optional. */
export interface KindSyncPolicy {
  /** Argo CD sync wave (see SyncWave). @default SyncWave.OTHER (9): after everything the library generates */
  readonly wave?: number;
  /** Never pruned or deleted by GitOps (Argo CD `Prune=false,Delete=false`, Flux `prune: disabled`). @default false */
  readonly rebootProtected?: boolean;
  /** The CRD comes from an operator, maybe in the same sync (Argo CD `SkipDryRunOnMissingResource=true`). @default - true unless Kubernetes or OpenShift serves the kind */
  readonly crdFromOperator?: boolean;
  /** The object belongs to an operator and we own only our fields: server-side applied, never replaced. @default false */
  readonly partialObject?: boolean;
  /** Pruned after everything else (Argo CD `PruneLast=true`). @default false */
  readonly pruneLast?: boolean;
}

/** A kind the user adds to cluster charts: its scope and, optionally, its GitOps policy. */
export interface KindRegistration {
  /** API group, '' for the core group. */
  readonly group: string;
  /** Kind, e.g. `ClusterPolicy`. */
  readonly kind: string;
  /** True for namespaced kinds, false for cluster-scoped ones. */
  readonly namespaced: boolean;
  /** Resource (plural) name for RBAC rules. @default - the kind in lower case plus `s` */
  readonly resource?: string;
  /** GitOps policy of its objects. @default - the default policy for kinds the library does not generate */
  readonly syncPolicy?: KindSyncPolicy;
}

/** A registered kind, as stored. */
export interface RegisteredKind extends KindInfo {
  readonly syncPolicy?: KindSyncPolicy;
}

const registered = new Map<string, RegisteredKind>();

/**
 * Stores a registration after checking it against the generated table (scope, resource name) and
 * earlier registrations. Use `registerKind` (lib/gitops/kind-registration.ts), which also refuses
 * the kinds the library generates.
 */
export function addKindRegistration(registration: KindRegistration): RegisteredKind {
  const { group, kind } = registration;
  const where = `registerKind(${JSON.stringify(group)}, ${JSON.stringify(kind)})`;
  if (typeof group !== 'string' || !/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$/.test(group) || group.length > 253) {
    throw new Error(`${where}: group must be '' or a DNS subdomain`);
  }
  if (typeof kind !== 'string' || !/^[A-Z][A-Za-z0-9]{0,62}$/.test(kind)) throw new Error(`${where}: kind must be a CamelCase name starting with an upper-case letter`);
  if (typeof registration.namespaced !== 'boolean') throw new Error(`${where}: namespaced must be true or false`);
  const resource = registration.resource ?? `${kind.toLowerCase()}s`;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(resource)) throw new Error(`${where}: resource ${JSON.stringify(resource)} must be a lower-case DNS label`);
  const wave = registration.syncPolicy?.wave;
  if (wave !== undefined && !Number.isInteger(wave)) throw new Error(`${where}: syncPolicy.wave must be an integer`);
  const known = lookupKindTable(group, kind);
  if (known && known.namespaced !== registration.namespaced) {
    throw new Error(`${where}: the API defines ${kind} as ${known.namespaced ? 'namespaced' : 'cluster-scoped'}; given namespaced: ${registration.namespaced}`);
  }
  if (known && registration.resource !== undefined && known.resource !== registration.resource) {
    throw new Error(`${where}: the API's resource name is ${JSON.stringify(known.resource)}; given ${JSON.stringify(registration.resource)}`);
  }
  const entry: RegisteredKind = {
    group, kind, namespaced: registration.namespaced,
    resource: known?.resource ?? resource,
    builtin: known?.builtin ?? false,
    ...(registration.syncPolicy ? { syncPolicy: { ...registration.syncPolicy } } : {}),
  };
  const key = `${group}/${kind}`;
  const previous = registered.get(key);
  if (previous && JSON.stringify(previous) !== JSON.stringify(entry)) throw new Error(`${where}: already registered with other settings`);
  registered.set(key, entry);
  return entry;
}

/** Every registration so far, in the order made (render worker threads replay them with addKindRegistration). */
export function kindRegistrations(): RegisteredKind[] {
  return [...registered.values()];
}

/** The user's registration of a kind, or undefined. */
export function registeredKind(group: string, kind: string): RegisteredKind | undefined {
  return registered.get(`${group}/${kind}`);
}

/**
 * Scope and resource name of a kind: the user's registration, else the generated table;
 * undefined when neither knows the kind.
 */
export function kindInfo(apiVersion: string, kind: string): KindInfo | undefined {
  const group = groupOf(apiVersion);
  return registered.get(`${group}/${kind}`) ?? lookupKindTable(group, kind);
}

/** The message for an object whose kind has no known scope. */
export function unknownKindMessage(apiVersion: string, kind: string): string {
  return `kind ${kind} (${apiVersion}) is in no API the library knows, so its scope is unknown; declare it with `
    + `registerKind({ group: ${JSON.stringify(groupOf(apiVersion))}, kind: ${JSON.stringify(kind)}, namespaced: true | false })`;
}
