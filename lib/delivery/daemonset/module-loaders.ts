import { Construct } from 'constructs';
import { ProblemCollector } from '../../errors';
import type { Cluster } from '../../fleet/cluster';
import { LoaderKind } from '../../module/kernel-module';
import { LoaderDaemonSet } from './loader-daemon-set';
import { LoaderRbac } from './loader-rbac';
import { LoaderScript } from './loader-script';
import { LoaderLabelGrant, NodeLabelPolicy } from './node-label-policy';
import { isNodeReadyLabelKeyValid, nodeReadyLabelKey, nodeReadyLabelValue } from './node-ready-label';
import { NodeFeatureDiscovery } from './node-feature-discovery';

export interface ModuleLoadersProps {
  /** The cluster whose DaemonSet-loaded modules get loaders. */
  readonly cluster: Cluster;
  /** Labels of every generated object. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Every loader of a cluster: for each module its pools load with `LoaderKind.DAEMONSET`, a
 * ServiceAccount with its bindings and a script ConfigMap, and one DaemonSet per pool; once per
 * cluster the node-label ClusterRole and admission policy. Also the optional Node Feature
 * Discovery install (loaders do not need it).
 *
 * The loader container runs the Driver Toolkit image of the cluster's current release: it has sh
 * and kmod, it is pinned by digest in the release catalog, and `oc adm release mirror` mirrors it
 * with the release for disconnected clusters.
 */
export class ModuleLoaders extends Construct {
  /** The DaemonSets, in module then pool order. */
  public readonly daemonSets: ReadonlyArray<LoaderDaemonSet>;

  constructor(scope: Construct, id: string, props: ModuleLoadersProps) {
    super(scope, id);
    const { cluster } = props;
    const namespace = cluster.loaderNamespace;
    const problems = new ProblemCollector();
    const deployments = cluster.moduleDeployments.filter((d) => d.loader === LoaderKind.DAEMONSET);

    for (const { module } of deployments) {
      if (!module.toleratesCordon) {
        problems.add(['modules', module.name, 'toleratesCordon'],
          `cluster "${cluster.name}" loads this module with a DaemonSet, and DaemonSet pods always stay on cordoned and draining nodes `
          + '(the DaemonSet controller adds the node.kubernetes.io/unschedulable toleration, and drains skip DaemonSet pods)',
          false, 'true, or loader: kmm (KMM unloads the module when a node is cordoned)');
      }
      if (!isNodeReadyLabelKeyValid(namespace, module.name)) {
        problems.add(['clusters', cluster.name, 'namespace'],
          `the node label of module "${module.name}" would be ${nodeReadyLabelKey(namespace, module.name)}, whose name part is longer than 63 characters`,
          namespace, 'a namespace and module name of at most 56 characters together');
      }
    }
    problems.throwIfAny();

    // The node label needs ValidatingAdmissionPolicy v1 and node-bound tokens (Kubernetes 1.30,
    // OpenShift 4.17) to stay minimal; before that the loaders get no API access and set no label.
    const nodeLabel = cluster.releases.every((r) => r.version.atLeast(4, 17));
    const daemonSets: LoaderDaemonSet[] = [];
    const grants: LoaderLabelGrant[] = [];
    for (const { module, pools } of deployments) {
      const scope = new Construct(this, module.name);
      const rbac = new LoaderRbac(scope, 'Rbac', { moduleName: module.name, namespace, nodeLabel, labels: props.labels });
      const labelKey = nodeReadyLabelKey(namespace, module.name);
      grants.push({ namespace, serviceAccountName: rbac.serviceAccountName, labelKey });
      const script = new LoaderScript(scope, 'Script', {
        module, namespace, labels: props.labels, ...(nodeLabel ? { nodeLabelKey: labelKey, nodeLabelValue: nodeReadyLabelValue(module.version) } : {}),
      });
      for (const pool of pools) {
        daemonSets.push(new LoaderDaemonSet(scope, pool.name, {
          module,
          pool: { name: pool.name, nodeSelector: pool.nodeSelector, kernels: pool.kernels },
          namespace,
          loaderImage: cluster.release.driverToolkitImage,
          serviceAccountName: rbac.serviceAccountName,
          scriptConfigMap: script.configMapName,
          scriptSha256: script.sha256,
          apiAccess: nodeLabel,
          labels: props.labels,
        }));
      }
    }
    this.daemonSets = daemonSets;
    if (nodeLabel && grants.length > 0) new NodeLabelPolicy(this, 'NodeLabelPolicy', { grants, labels: props.labels });

    if (cluster.installNodeFeatureDiscovery) new NodeFeatureDiscovery(this, 'NodeFeatureDiscovery', { labels: props.labels });
  }
}
