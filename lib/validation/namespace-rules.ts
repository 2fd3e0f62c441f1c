import { Problem } from '../errors';

/**
 * Where a privileged loader may run. The loader namespace gets a RoleBinding to the
 * `privileged` SCC and the privileged Pod Security label, so it must be a namespace of the
 * user's own: never `default`, a `kube-*` system namespace, or an `openshift`/`openshift-*`
 * namespace (the platform's and its operators', e.g. `openshift-machine-config-operator`;
 * `openshift-kmm` and `openshift-nfd` are where this library installs KMM and NFD).
 */
export const LOADER_NAMESPACE_RULE = 'a namespace of your own, e.g. kmods-system (not default, kube-*, openshift or openshift-*)';

/** Namespaces this library installs operators into, with what lives there. */
const OPERATOR_NAMESPACES: ReadonlyMap<string, string> = new Map([
  ['openshift-kmm', 'the KMM operator\'s namespace (installKmmOperator installs it there)'],
  ['openshift-nfd', 'the Node Feature Discovery operator\'s namespace (installNodeFeatureDiscovery installs it there)'],
]);

/** Problems with a cluster's loader namespace at `path`. */
export function loaderNamespaceProblems(namespace: string, path: ReadonlyArray<string | number>, gitopsNamespaces: ReadonlyMap<string, string>): Problem[] {
  const operator = OPERATOR_NAMESPACES.get(namespace);
  if (operator) return [{ path, message: `the loader namespace collides with ${operator}; privileged loaders must not run there`, given: namespace, allowed: LOADER_NAMESPACE_RULE }];
  if (namespace === 'default' || namespace.startsWith('kube-') || namespace === 'openshift' || namespace.startsWith('openshift-')) {
    return [{ path, message: 'the loader namespace is bound to the privileged SCC; it must not be a system or platform namespace', given: namespace, allowed: LOADER_NAMESPACE_RULE }];
  }
  for (const [field, gitopsNamespace] of gitopsNamespaces) {
    if (namespace === gitopsNamespace) {
      return [{ path, message: `the loader namespace is the GitOps engine's namespace (gitops.${field}); privileged loaders must not run there`, given: namespace, allowed: LOADER_NAMESPACE_RULE }];
    }
  }
  return [];
}
