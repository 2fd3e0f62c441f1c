/**
 * Kinds this library may generate that are cluster-scoped. Every other kind is namespaced and
 * must carry `metadata.namespace`; the output check rejects a namespace on these.
 */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'MachineConfig',
  'MachineConfigPool',
  'MachineConfiguration',
  'ClusterRole',
  'ClusterRoleBinding',
  'PriorityClass',
  'SecurityContextConstraints',
  'NodeFeatureRule',
  'CustomResourceDefinition',
  'PreflightValidationOCP',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
]);

/** True when objects of this kind live outside namespaces. */
export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}
