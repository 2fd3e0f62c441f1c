import { ResourceScope } from './group-version-kind';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Kinds whose names are path segments (RBAC allows `system:…`), not DNS subdomains. */
const PATH_SEGMENT_NAMED = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ImageStreamTag']);
/** Kinds whose names must be DNS labels. */
const DNS_LABEL_NAMED = new Set(['Namespace', 'Service', 'Project']);

/**
 * Checks what the API server checks on every object's metadata beyond the schema, plus this project's rule
 * that names are explicit: `metadata.name` is set and valid for the kind, `metadata.namespace` is set exactly
 * when the kind is namespaced, label keys/values and annotation keys are valid.
 */
export function objectMetaProblems(kind: string, scope: ResourceScope, metadata: any): string[] {
  if (metadata === undefined || metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    return ['/metadata: missing; every object needs metadata.name'];
  }
  const problems: string[] = [];
  const { name, namespace, labels, annotations } = metadata;
  if (typeof name !== 'string' || name === '') {
    problems.push('/metadata/name: missing; every generated object needs an explicit name');
  } else {
    const nameProblem = nameRuleProblem(kind, name);
    if (nameProblem) problems.push(`/metadata/name: ${nameProblem}, got ${JSON.stringify(name)}`);
  }
  if (scope === ResourceScope.NAMESPACED) {
    if (typeof namespace !== 'string' || namespace === '') {
      problems.push(`/metadata/namespace: missing; ${kind} is namespaced and needs an explicit namespace`);
    } else if (!(namespace.length <= 63 && DNS_LABEL.test(namespace))) {
      problems.push(`/metadata/namespace: must be a DNS label, got ${JSON.stringify(namespace)}`);
    }
  } else if (namespace !== undefined) {
    problems.push(`/metadata/namespace: ${kind} is cluster-scoped and must not set a namespace, got ${JSON.stringify(namespace)}`);
  }
  if (labels && typeof labels === 'object') {
    for (const [k, v] of Object.entries(labels)) {
      const keyProblem = qualifiedNameProblem(k);
      if (keyProblem) problems.push(`/metadata/labels: key ${JSON.stringify(k)} ${keyProblem}`);
      if (typeof v === 'string' && !(v === '' || (v.length <= 63 && QUALIFIED_NAME_PART.test(v)))) {
        problems.push(
          `/metadata/labels/${k}: value must be empty or at most 63 characters of [A-Za-z0-9._-] starting and ending alphanumeric, got ${JSON.stringify(v)}`,
        );
      }
    }
  }
  if (annotations && typeof annotations === 'object') {
    for (const k of Object.keys(annotations)) {
      const keyProblem = qualifiedNameProblem(k);
      if (keyProblem) problems.push(`/metadata/annotations: key ${JSON.stringify(k)} ${keyProblem}`);
    }
  }
  return problems;
}

function nameRuleProblem(kind: string, name: string): string | undefined {
  if (PATH_SEGMENT_NAMED.has(kind)) {
    return name === '.' || name === '..' || /[/%]/.test(name) ? 'must not be "." or ".." or contain "/" or "%"' : undefined;
  }
  if (DNS_LABEL_NAMED.has(kind)) {
    return name.length <= 63 && DNS_LABEL.test(name) ? undefined : 'must be a DNS label (at most 63 of [a-z0-9-])';
  }
  return name.length <= 253 && DNS_SUBDOMAIN.test(name)
    ? undefined
    : 'must be a DNS subdomain (at most 253 of [a-z0-9-.], alphanumeric at both ends)';
}

/** Label / annotation key rule: optional DNS-subdomain prefix and '/', then a name of at most 63 characters. */
function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && !(prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix))) return 'has an invalid prefix (must be a DNS subdomain)';
  if (!(name.length <= 63 && QUALIFIED_NAME_PART.test(name))) return 'has an invalid name part (at most 63 of [A-Za-z0-9._-], alphanumeric at both ends)';
  return undefined;
}
