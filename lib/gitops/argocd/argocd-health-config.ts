import { argoCdConfigKey, HealthCheck, luaSource } from '../health-checks/health-checks';

/**
 * The health checks as a patch of the `argocd-cm` ConfigMap, for an Argo CD installed without the
 * OpenShift GitOps operator (the operator owns `argocd-cm` and overwrites edits to it).
 * Apply with `kubectl -n <ns> patch configmap argocd-cm --patch-file <file>`.
 */
export function argoCdConfigMapPatch(namespace: string, checks: ReadonlyArray<HealthCheck>): any {
  const data: Record<string, string> = {};
  for (const check of checks) data[argoCdConfigKey(check)] = luaSource(check);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'argocd-cm', namespace, labels: { 'app.kubernetes.io/part-of': 'argocd' } },
    data,
  };
}

/**
 * The health checks as a merge patch of an OpenShift GitOps `ArgoCD` resource
 * (`spec.resourceHealthChecks`). A merge patch replaces the whole list: if the instance already
 * has checks, add these entries to them instead.
 * Apply with `oc -n <ns> patch argocd <instance> --type merge --patch-file <file>`.
 */
export function argoCdInstancePatch(instance: string, namespace: string, checks: ReadonlyArray<HealthCheck>): any {
  return {
    apiVersion: 'argoproj.io/v1beta1',
    kind: 'ArgoCD',
    metadata: { name: instance, namespace },
    spec: {
      resourceHealthChecks: checks.map((check) => ({ group: check.group, kind: check.kind, check: luaSource(check) })),
    },
  };
}
