import { Construct } from 'constructs';
import { LoaderKind } from '../../module/kernel-module';
import { ClusterPlan } from '../../plan/cluster-plan';
import { FleetCatalogs, planKernels, planModule } from '../../plan/fleet-catalogs';
import { LoaderDaemonSet } from './loader-daemon-set';
import { LoaderRbac } from './loader-rbac';
import { LoaderScript } from './loader-script';
import { NodeFeatureDiscovery } from './node-feature-discovery';

export interface ModuleLoadersProps {
  /** The cluster's plan: its DaemonSet-loaded modules (`plan.modules`), pools and namespace. */
  readonly plan: ClusterPlan;
  /** The catalogs the plan refers into. */
  readonly catalogs: FleetCatalogs;
  /** Labels of every generated object. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Every loader of a cluster: for each module its pools load with `LoaderKind.DAEMONSET`, a
 * ServiceAccount + SCC RoleBinding and a script ConfigMap, and one DaemonSet per kernel the
 * module's pools run or will run. Also the optional Node Feature Discovery install. (The plan
 * already checked that such modules tolerate cordoned nodes and that NFD can label each kernel.)
 */
export class ModuleLoaders extends Construct {
  /** The DaemonSets, in module then kernel order. */
  public readonly daemonSets: ReadonlyArray<LoaderDaemonSet>;

  constructor(scope: Construct, id: string, props: ModuleLoadersProps) {
    super(scope, id);
    const { plan, catalogs } = props;
    const namespace = plan.loaderNamespace;
    const daemonSets: LoaderDaemonSet[] = [];
    for (const deployment of plan.modules.filter((d) => d.loader === LoaderKind.DAEMONSET)) {
      const module = planModule(catalogs, deployment.module);
      const pools = plan.pools.filter((p) => deployment.pools.includes(p.name));
      const scope = new Construct(this, module.name);
      const rbac = new LoaderRbac(scope, 'Rbac', { moduleName: module.name, namespace, labels: props.labels });
      const script = new LoaderScript(scope, 'Script', { module, namespace, labels: props.labels });
      for (const kernel of planKernels(plan, catalogs, deployment.kernels)) {
        daemonSets.push(new LoaderDaemonSet(scope, kernel.nameToken, {
          module,
          kernel,
          pools: pools.filter((p) => p.kernels.includes(kernel.full)),
          namespace,
          serviceAccountName: rbac.serviceAccountName,
          scriptConfigMap: script.configMapName,
          scriptSha256: script.sha256,
          labels: props.labels,
        }));
      }
    }
    this.daemonSets = daemonSets;

    if (plan.installNodeFeatureDiscovery) new NodeFeatureDiscovery(this, 'NodeFeatureDiscovery', { labels: props.labels });
  }
}
