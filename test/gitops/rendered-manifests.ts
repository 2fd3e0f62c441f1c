import { Fleet } from '../../lib/fleet/fleet';
import { LoaderKind } from '../../lib/module/kernel-module';
import { moduleImage } from '../../lib/image/module-image';

/**
 * The rendered objects of every cluster: the cluster Chart's own objects, plus stand-ins shaped
 * like what the node, build, loader and KMM constructs generate, for each kind the Chart does not
 * produce yet (a kind the Chart already renders gets no stand-in, so once those constructs are
 * merged the test runs on their real output).
 */
export function renderedManifests(fleet: Fleet): Map<string, any[]> {
  const out = new Map<string, any[]>();
  for (const cluster of fleet.clusters) {
    const real = cluster.toJson() as any[];
    const realKinds = new Set(real.map((o) => o.kind));
    const ns = cluster.loaderNamespace;
    const standIns: any[] = [];
    const add = (obj: any) => { if (!realKinds.has(obj.kind)) standIns.push(obj); };
    for (const pool of cluster.pools) {
      add({ apiVersion: 'machineconfiguration.openshift.io/v1', kind: 'MachineConfig', metadata: { name: `50-${pool.name}-kmods`, labels: { 'machineconfiguration.openshift.io/role': pool.name } }, spec: {} });
    }
    add({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'kmods-loader', namespace: ns } });
    add({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'kmods-loader-scc', namespace: ns },
      rules: [{ apiGroups: ['security.openshift.io'], resources: ['securitycontextconstraints'], resourceNames: ['privileged'], verbs: ['use'] }] });
    add({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'kmods-loader-scc', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kmods-loader-scc' }, subjects: [{ kind: 'ServiceAccount', name: 'kmods-loader', namespace: ns }] });
    add({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'kmods-builder-pull', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:image-puller' }, subjects: [{ kind: 'ServiceAccount', name: 'kmods-loader', namespace: ns }] });
    add({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kmods-loader-script', namespace: ns }, data: { 'load.sh': '#!/bin/sh\n' } });
    for (const d of cluster.moduleDeployments) {
      for (const kernel of d.kernels) {
        const image = moduleImage(d.module, kernel, ns);
        if (image.imageStream) {
          add({ apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name: image.imageStream, namespace: ns } });
          add({ apiVersion: 'build.openshift.io/v1', kind: 'BuildConfig', metadata: { name: `${d.module.name}-${kernel.nameToken}`, namespace: ns },
            spec: { triggers: [{ type: 'ConfigChange' }], output: { to: { kind: 'ImageStreamTag', name: `${image.imageStream}:${image.tag}` } } } });
        }
        if (d.loader === LoaderKind.DAEMONSET) {
          add({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: `${d.module.name}-${kernel.nameToken}`, namespace: ns }, spec: {} });
        }
      }
      if (d.loader === LoaderKind.KMM) {
        add({ apiVersion: 'kmm.sigs.x-k8s.io/v1beta1', kind: 'Module', metadata: { name: d.module.name, namespace: ns }, spec: {} });
        if (cluster.upgradeTo) add({ apiVersion: 'kmm.sigs.x-k8s.io/v1beta2', kind: 'PreflightValidationOCP', metadata: { name: 'kmods-preflight' }, spec: {} });
      }
    }
    const unique = new Map<string, any>();
    for (const obj of [...real, ...standIns]) unique.set(`${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`, obj);
    out.set(cluster.name, [...unique.values()]);
  }
  return out;
}
