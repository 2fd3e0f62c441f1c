import { evaluate } from '@marcbachmann/cel-js';

/**
 * A small model of how the API server admits an object under ValidatingAdmissionPolicies
 * (Kubernetes `admissionregistration.k8s.io/v1`, docs "Validating Admission Policy";
 * k8s.io/apiserver `pkg/admission/plugin/policy/validating`):
 * - a policy applies when a binding names it and the object matches `matchConstraints`
 *   (here: `objectSelector.matchLabels` and `resourceRules` with `*` or the object's group);
 * - the binding's `paramRef` is looked up (`parameterNotFoundAction: Deny` denies without it);
 * - each validation is a CEL expression over `object` and `params`; false denies (`Deny` action);
 * - admission configuration objects (the policies and bindings themselves) are exempt
 *   (apiserver `rules.IsExemptAdmissionConfigurationResource`).
 * Returns the messages of the validations that deny the object (empty: admitted).
 */
export function denials(object: any, admissionObjects: ReadonlyArray<any>, clusterVersion: any | undefined): string[] {
  const group = String(object.apiVersion).includes('/') ? String(object.apiVersion).split('/')[0] : '';
  if (group === 'admissionregistration.k8s.io') return [];
  const policies = admissionObjects.filter((o) => o.kind === 'ValidatingAdmissionPolicy');
  const bindings = admissionObjects.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
  const out: string[] = [];
  for (const binding of bindings) {
    const policy = policies.find((p) => p.metadata.name === binding.spec.policyName);
    if (!policy) continue;
    const match = policy.spec.matchConstraints ?? {};
    const labels: Record<string, string> = object.metadata?.labels ?? {};
    const selector: Record<string, string> = match.objectSelector?.matchLabels ?? {};
    if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) continue;
    const rules: any[] = match.resourceRules ?? [];
    if (!rules.some((r) => r.apiGroups.includes('*') || r.apiGroups.includes(group))) continue;
    if (!binding.spec.validationActions.includes('Deny')) continue;
    const paramKind = policy.spec.paramKind;
    const params = paramKind?.kind === 'ClusterVersion' && binding.spec.paramRef?.name === 'version' ? clusterVersion : undefined;
    if (paramKind && params === undefined) {
      if (binding.spec.paramRef?.parameterNotFoundAction === 'Deny') out.push(`${policy.metadata.name}: no params`);
      continue;
    }
    for (const v of policy.spec.validations ?? []) {
      if (evaluate(v.expression, { object, params }) !== true) out.push(v.message ?? v.expression);
    }
  }
  return out;
}

/** A cluster's `ClusterVersion/version` with the given ID. */
export function clusterVersion(clusterID: string): any {
  return { apiVersion: 'config.openshift.io/v1', kind: 'ClusterVersion', metadata: { name: 'version' }, spec: { clusterID } };
}
