import { validateIgnition } from './ignition-schema';
import { formatAjvErrors } from './ajv-errors';
import { objectMetaProblems } from './object-meta-rules';
import { lookupKind } from './schema-registry';

export { validateIgnition, knownIgnitionVersions } from './ignition-schema';
export { lookupKind, SchemaSource } from './schema-registry';
export type { KindSchema } from './schema-registry';
export { ResourceScope } from './group-version-kind';
export type { GroupVersionKind } from './group-version-kind';
export { sharedDir, sharedAvailable, sharedMissingReason, requireShared, isCi, REPO_ROOT } from './shared-dir';
export { loadDistObjects, parseYamlObjects } from './dist-objects';
export type { DistObject } from './dist-objects';
export { kustomizeBuild, kubectlCommand } from './kustomize';

/**
 * Validates one Kubernetes object against its schema, strictly (unknown fields are errors) and returns
 * readable errors, empty when valid. Dispatches on apiVersion/kind: the CRDs under ../shared/crds, the
 * aggregated OpenShift APIs (build/image.openshift.io, …) from openshift/api's Swagger document, the rest
 * from the Kubernetes 1.36 Swagger document. A kind none of them defines is an error. Also checks metadata
 * (explicit valid name, namespace set exactly for namespaced kinds, label syntax) and, for a MachineConfig,
 * `spec.config` against the Ignition schema of its `ignition.version`.
 * Each error reads `<Kind> <namespace>/<name>: <json pointer>: <problem>`.
 */
export function validateManifest(obj: any): string[] {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return [`not a Kubernetes object: ${JSON.stringify(obj)}`];
  const { apiVersion, kind } = obj;
  const ns = typeof obj.metadata?.namespace === 'string' ? `${obj.metadata.namespace}/` : '';
  const label = `${typeof kind === 'string' ? kind : '<no kind>'} ${ns}${obj.metadata?.name ?? '<no name>'}`;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || apiVersion === '' || kind === '') {
    return [`${label}: apiVersion and kind must be non-empty strings`];
  }
  const schema = lookupKind(apiVersion, kind);
  if (!schema) return [`${label}: no schema for ${apiVersion} ${kind} (not in ../shared CRDs, OpenShift or Kubernetes schemas)`];
  const problems = objectMetaProblems(kind, schema.scope, obj.metadata);
  if (!schema.validate(obj)) problems.push(...formatAjvErrors(schema.validate.errors));
  if (kind === 'MachineConfig' && obj.spec?.config !== undefined && Object.keys(obj.spec.config ?? {}).length > 0) {
    problems.push(...validateIgnition(obj.spec.config).map((e) => `/spec/config${e.startsWith('/:') ? e.slice(1) : e}`));
  }
  return problems.map((p) => `${label}: ${p}`);
}
