import { Construct } from 'constructs';
import { ProblemCollector } from '../../errors';
import type { Cluster } from '../../fleet/cluster';
import { LoaderKind } from '../../module/kernel-module';
import { isLabelValue, LABEL_VALUE_RULE } from '../../names';
import { NFD_KERNEL_LABEL } from '../../release/kernel-version';
import { LoaderDaemonSet } from './loader-daemon-set';
import { LoaderRbac } from './loader-rbac';
import { LoaderScript } from './loader-script';
import { NodeFeatureDiscovery } from './node-feature-discovery';

export interface ModuleLoadersProps {
  /** The cluster whose DaemonSet-loaded modules get loaders. */
  readonly cluster: Cluster;
  /** Labels of every generated object. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Every loader of a cluster: for each module its pools load with `LoaderKind.DAEMONSET`, a
 * ServiceAccount + SCC RoleBinding and a script ConfigMap, and one DaemonSet per kernel the
 * module's pools run or will run. Also the optional Node Feature Discovery install.
 */
export class ModuleLoaders extends Construct {
  /** The DaemonSets, in module then kernel order. */
  public readonly daemonSets: ReadonlyArray<LoaderDaemonSet>;

  constructor(scope: Construct, id: string, props: ModuleLoadersProps) {
    super(scope, id);
    const { cluster } = props;
    const namespace = cluster.loaderNamespace;
    const problems = new ProblemCollector();
    const deployments = cluster.moduleDeployments.filter((d) => d.loader === LoaderKind.DAEMONSET);

    for (const { module, pools } of deployments) {
      if (!module.toleratesCordon) {
        problems.add(['modules', module.name, 'toleratesCordon'],
          `cluster "${cluster.name}" loads this module with a DaemonSet, and DaemonSet pods always stay on cordoned and draining nodes `
          + '(the DaemonSet controller adds the node.kubernetes.io/unschedulable toleration, and drains skip DaemonSet pods)',
          false, 'true, or loader: kmm (KMM unloads the module when a node is cordoned)');
      }
      for (const pool of pools) {
        for (const kernel of pool.kernels) {
          if (!isLabelValue(kernel.nfdLabelValue)) {
            problems.add(['clusters', cluster.name, 'pools', pool.name, 'kernelType'],
              `kernel ${kernel.full} cannot be selected: NFD would label it ${NFD_KERNEL_LABEL}=${kernel.nfdLabelValue}, which is not a label value`,
              kernel.nfdLabelValue, LABEL_VALUE_RULE);
          }
        }
      }
    }
    problems.throwIfAny();

    const daemonSets: LoaderDaemonSet[] = [];
    for (const { module, pools, kernels } of deployments) {
      const scope = new Construct(this, module.name);
      const rbac = new LoaderRbac(scope, 'Rbac', { moduleName: module.name, namespace, labels: props.labels });
      const script = new LoaderScript(scope, 'Script', { module, namespace, labels: props.labels });
      for (const kernel of kernels) {
        daemonSets.push(new LoaderDaemonSet(scope, kernel.nameToken, {
          module,
          kernel,
          pools: pools.filter((p) => p.kernels.some((k) => k.full === kernel.full)),
          namespace,
          serviceAccountName: rbac.serviceAccountName,
          scriptConfigMap: script.configMapName,
          scriptSha256: script.sha256,
          labels: props.labels,
        }));
      }
    }
    this.daemonSets = daemonSets;

    if (cluster.installNodeFeatureDiscovery) new NodeFeatureDiscovery(this, 'NodeFeatureDiscovery', { labels: props.labels });
  }
}
