import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { GroupVersionKind, ResourceScope, gvkKey, parseApiVersion } from './group-version-kind';
import { JsonSchema } from './schema-keywords';

/** A kind defined by a Swagger 2.0 document. */
export interface SwaggerKind {
  /** Group, version and kind. */
  readonly gvk: GroupVersionKind;
  /** Namespaced or cluster-scoped. */
  readonly scope: ResourceScope;
  /** The key of its schema under `definitions`. */
  readonly definition: string;
}

/** A Swagger 2.0 document and the kinds it defines, by GVK key. */
export interface SwaggerCatalog {
  /** The document's `definitions`. */
  readonly definitions: Record<string, JsonSchema>;
  /** Kinds by GVK key (see gvkKey). */
  readonly kinds: Map<string, SwaggerKind>;
}

/** Reads a `.json` or `.json.gz` file. */
function readJson(path: string): any {
  const raw = readFileSync(path);
  return JSON.parse((path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
}

/**
 * The Kubernetes Swagger document: kinds come from each definition's `x-kubernetes-group-version-kind`,
 * scope from the `post` operation that creates them (a collection path with or without `{namespace}`).
 * Kinds that cannot be created (lists, options, status) are left out.
 */
export function loadKubernetesCatalog(path: string): SwaggerCatalog {
  const doc = readJson(path);
  const scopes = new Map<string, ResourceScope>();
  for (const [p, item] of Object.entries<any>(doc.paths ?? {})) {
    const gvk = item.post?.['x-kubernetes-group-version-kind'];
    if (!gvk || p.includes('{name}')) continue;
    scopes.set(gvkKey(gvk), p.includes('{namespace}') ? ResourceScope.NAMESPACED : ResourceScope.CLUSTER);
  }
  const kinds = new Map<string, SwaggerKind>();
  for (const [definition, def] of Object.entries<any>(doc.definitions)) {
    for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
      const scope = scopes.get(gvkKey(gvk));
      if (scope) kinds.set(gvkKey(gvk), { gvk: { ...gvk }, scope, definition });
    }
  }
  return { definitions: doc.definitions, kinds };
}

/** Aggregated OpenShift kinds that are cluster-scoped; every other OpenShift kind is namespaced. */
const OPENSHIFT_CLUSTER_SCOPED = new Set([
  'Image', 'ImageSignature', 'Project', 'ProjectRequest', 'User', 'Group', 'Identity', 'UserIdentityMapping',
  'OAuthClient', 'OAuthAccessToken', 'OAuthAuthorizeToken', 'OAuthClientAuthorization', 'UserOAuthAccessToken',
  'ClusterResourceQuota', 'BrokerTemplateInstance', 'ClusterRole', 'ClusterRoleBinding', 'SecurityContextConstraints',
  'RangeAllocation', 'ClusterNetwork', 'HostSubnet', 'NetNamespace',
]);

/**
 * The openshift/api Swagger document. It has neither `paths` nor `x-kubernetes-group-version-kind`, so kinds
 * follow its naming: `<g>.openshift.io/<v>` kind `K` is definition `com.github.openshift.api.<g without dots>.<v>.K`,
 * provided that definition is a top-level object (has `kind` and `metadata`).
 */
export function loadOpenShiftCatalog(path: string): SwaggerCatalog & { lookup(apiVersion: string, kind: string): SwaggerKind | undefined } {
  const doc = readJson(path);
  const kinds = new Map<string, SwaggerKind>();
  const lookup = (apiVersion: string, kind: string): SwaggerKind | undefined => {
    const { group, version } = parseApiVersion(apiVersion);
    if (!group.endsWith('.openshift.io')) return undefined;
    const gvk = { group, version, kind };
    const cached = kinds.get(gvkKey(gvk));
    if (cached) return cached;
    const definition = `com.github.openshift.api.${group.slice(0, -'.openshift.io'.length).replace(/\./g, '')}.${version}.${kind}`;
    const def = doc.definitions[definition];
    if (!def?.properties?.kind || !def.properties.metadata) return undefined;
    const found = {
      gvk,
      scope: OPENSHIFT_CLUSTER_SCOPED.has(kind) ? ResourceScope.CLUSTER : ResourceScope.NAMESPACED,
      definition,
    };
    kinds.set(gvkKey(gvk), found);
    return found;
  };
  return { definitions: doc.definitions, kinds, lookup };
}
