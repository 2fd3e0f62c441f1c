import { Construct } from 'constructs';
import { LoaderKind } from '../../module/kernel-module';
import { ClusterPlan } from '../../plan/cluster-plan';
import { FleetCatalogs, planKernels, planModule, planRelease, planReleases } from '../../plan/fleet-catalogs';
import { LoaderDaemonSet } from './loader-daemon-set';
import { LoaderRbac } from './loader-rbac';
import { LoaderScript } from './loader-script';
import { LoaderLabelGrant, NodeLabelPolicy } from './node-label-policy';
import { nodeReadyLabelKey, nodeReadyLabelValue } from './node-ready-label';
import { NodeFeatureDiscovery } from './node-feature-discovery';

export interface ModuleLoadersProps {
  /** The cluster's plan: its DaemonSet-loaded modules (`plan.modules`), pools, releases and namespace. */
  readonly plan: ClusterPlan;
  /** The catalogs the plan refers into. */
  readonly catalogs: FleetCatalogs;
  /** Labels of every generated object. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Every loader of a cluster: for each module its pools load with `LoaderKind.DAEMONSET`, a
 * ServiceAccount with its bindings and a script ConfigMap, and one DaemonSet per pool; once per
 * cluster the node-label ClusterRole and admission policy. Also the optional Node Feature
 * Discovery install (loaders do not need it). The plan already checked the modules (cordon
 * tolerance, node label key length).
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
    const { plan, catalogs } = props;
    const namespace = plan.loaderNamespace;
    const loaderImage = planRelease(catalogs, plan.release).driverToolkitImage;
    // The node label needs ValidatingAdmissionPolicy v1 and node-bound tokens (Kubernetes 1.30,
    // OpenShift 4.17) to stay minimal; before that the loaders get no API access and set no label.
    const nodeLabel = planReleases(plan, catalogs).every((r) => r.version.atLeast(4, 17));
    const daemonSets: LoaderDaemonSet[] = [];
    const grants: LoaderLabelGrant[] = [];
    for (const deployment of plan.modules.filter((d) => d.loader === LoaderKind.DAEMONSET)) {
      const module = planModule(catalogs, deployment.module);
      const scope = new Construct(this, module.name);
      const rbac = new LoaderRbac(scope, 'Rbac', { moduleName: module.name, namespace, nodeLabel, labels: props.labels });
      const labelKey = nodeReadyLabelKey(namespace, module.name);
      grants.push({ namespace, serviceAccountName: rbac.serviceAccountName, labelKey });
      const script = new LoaderScript(scope, 'Script', {
        module, namespace, labels: props.labels, ...(nodeLabel ? { nodeLabelKey: labelKey, nodeLabelValue: nodeReadyLabelValue(module.version) } : {}),
      });
      for (const pool of plan.pools.filter((p) => deployment.pools.includes(p.name))) {
        daemonSets.push(new LoaderDaemonSet(scope, pool.name, {
          module,
          pool: { name: pool.name, nodeSelector: pool.nodeSelector, kernels: planKernels(plan, catalogs, pool.kernels) },
          namespace,
          loaderImage,
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

    if (plan.installNodeFeatureDiscovery) new NodeFeatureDiscovery(this, 'NodeFeatureDiscovery', { labels: props.labels });
  }
}
