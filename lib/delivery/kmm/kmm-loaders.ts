import { Construct } from 'constructs';
import { DtkBuildArg, renderModuleDockerfile } from '../../image/dockerfile';
import { Problem, ProblemCollector } from '../../errors';
import { LoaderRbac } from '../daemonset/loader-rbac';
import { KernelModule, LoaderKind } from '../../module/kernel-module';
import { ClusterPlan, PoolPlan } from '../../plan/cluster-plan';
import { FleetCatalogs, planKernel, planModule, planRelease, planReleaseOf } from '../../plan/fleet-catalogs';
import { KernelVersion } from '../../release/kernel-version';
import { KmmBuildConfigMap } from './kmm-build-config-map';
import { KmmModule, KmmModuleProps, renderKmmModuleSpec } from './kmm-module';
import { checkModuleWebhookRules } from './module-webhook-rules';
import { KmmOperatorInstall } from './kmm-operator-install';
import { PreflightValidation } from './preflight-validation';

/** Props of `KmmLoaders`. */
export interface KmmLoadersProps {
  /**
   * The cluster's plan: its KMM-loaded modules (`plan.modules`), pools, releases, and `plan.kmm`
   * (operator install, the cluster's kernel mapping).
   */
  readonly plan: ClusterPlan;
  /** The catalogs the plan refers into. */
  readonly catalogs: FleetCatalogs;
  /** Labels of every object. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The KMM backend of one cluster. For every module its pools load with `LoaderKind.KMM`:
 * - one `Module` per (module, pool), named `<module>-<pool>` (a Module has one matchLabels
 *   selector and our pools have disjoint selectors, so a module on two pools is two Modules;
 *   the name never depends on how many pools use the module, so adding a pool does not rename,
 *   and thereby unload and reload, an existing Module);
 * - the ServiceAccount `<module>-loader` with the privileged SCC (the loaders' `LoaderRbac`);
 * - for modules built on the cluster, the ConfigMap `<module>-kmm-dockerfile` with the Driver
 *   Toolkit Dockerfile (`DTK_AUTO` variant).
 * During an upgrade, a `PreflightValidationOCP` per kernel of the target release. Optionally the
 * operator itself.
 */
export class KmmLoaders extends Construct {
  /** The Modules, in module then pool order. */
  public readonly modules: ReadonlyArray<KmmModule>;

  constructor(scope: Construct, id: string, props: KmmLoadersProps) {
    super(scope, id);
    const { plan, catalogs } = props;
    const namespace = plan.loaderNamespace;
    const labels = { ...props.labels };
    const problems = new ProblemCollector(['clusters', plan.name]);
    if (plan.kmm.installOperator) new KmmOperatorInstall(this, 'Operator', { labels });

    const deployments = kmmDeployments(plan, catalogs);
    const modules: KmmModule[] = [];
    for (const { module, pools } of deployments) {
      const moduleScope = new Construct(this, module.name);
      const rbac = new LoaderRbac(moduleScope, 'Rbac', { moduleName: module.name, namespace, labels });
      if (module.source.buildsOnCluster) {
        new KmmBuildConfigMap(moduleScope, 'Dockerfile', {
          name: kmmDockerfileConfigMapName(module),
          namespace,
          dockerfile: renderModuleDockerfile(module, { dtkArg: DtkBuildArg.DTK_AUTO, sign: false }),
          labels,
        });
      }
      for (const pool of pools) {
        problems.capture(() => {
          modules.push(new KmmModule(moduleScope, pool.name, kmmModuleProps(plan, catalogs, module, pool, rbac.serviceAccountName, labels)));
        });
      }
    }
    this.modules = modules;

    const target = plan.upgradeTo === undefined ? undefined : planRelease(catalogs, plan.upgradeTo);
    if (target && deployments.length > 0) {
      const targetKernels = new Map<string, { kernel: KernelVersion; built: boolean }>();
      const shipped = [target.kernel, target.realtimeKernel, target.kernel64k].map((k) => k?.full);
      for (const { module, pools } of deployments) {
        for (const pool of pools) {
          const full = pool.kernels.find((k) => shipped.includes(k));
          if (!full) continue;
          const kernel = planKernel(plan, catalogs, full);
          const entry = targetKernels.get(kernel.full) ?? { kernel, built: false };
          targetKernels.set(kernel.full, { kernel, built: entry.built || module.source.buildsOnCluster });
        }
      }
      for (const { kernel, built } of targetKernels.values()) {
        new PreflightValidation(this, `Preflight:${kernel.full}`, {
          name: `kmods-preflight-${kernel.nameToken}`,
          kernel,
          dtkImage: built ? target.driverToolkitImage : undefined,
          labels,
        });
      }
    }
    problems.throwIfAny();
  }
}

/** The KMM-loaded modules of a plan, with their pools. */
function kmmDeployments(plan: ClusterPlan, catalogs: FleetCatalogs): Array<{ module: KernelModule; pools: PoolPlan[] }> {
  return plan.modules.filter((d) => d.loader === LoaderKind.KMM).map((d) => ({
    module: planModule(catalogs, d.module),
    pools: plan.pools.filter((p) => d.pools.includes(p.name)),
  }));
}

/** Name of the ConfigMap with the Driver Toolkit Dockerfile of a module KMM builds. */
function kmmDockerfileConfigMapName(module: KernelModule): string {
  return `${module.name}-kmm-dockerfile`;
}

/** The props of the `Module` of `module` on `pool`. */
function kmmModuleProps(
  plan: ClusterPlan, catalogs: FleetCatalogs, module: KernelModule, pool: PoolPlan, serviceAccountName: string, labels: Readonly<Record<string, string>>,
): KmmModuleProps {
  return {
    name: `${module.name}-${pool.name}`,
    namespace: plan.loaderNamespace,
    module,
    selector: pool.nodeSelector,
    kernels: pool.kernels.map((full) => ({ kernel: planKernel(plan, catalogs, full), release: planReleaseOf(plan, catalogs, full) })),
    kernelMapping: module.kmmKernelMapping ?? plan.kmm.kernelMapping,
    serviceAccountName,
    dockerfileConfigMap: module.source.buildsOnCluster ? kmmDockerfileConfigMapName(module) : undefined,
    // A user Dockerfile built on FROM ${DTK_IMAGE}: KMM does not know that arg, so each
    // literal mapping passes its release's Driver Toolkit digest.
    dtkImageBuildArg: module.source.kmmNeedsDtkImageArg,
    path: ['clusters', plan.name, 'pools', pool.name, 'modules', pool.modules.indexOf(module.name)],
    labels: { ...labels, 'app.kubernetes.io/name': module.name },
  };
}

/**
 * The problems `KmmLoaders` would meet rendering the plan's KMM `Module`s (the Module spec and
 * KMM's admission webhook rules), so the planner reports them before anything is rendered.
 */
export function checkKmmModules(plan: ClusterPlan, catalogs: FleetCatalogs): Problem[] {
  const problems: Problem[] = [];
  for (const { module, pools } of kmmDeployments(plan, catalogs)) {
    for (const pool of pools) {
      const props = kmmModuleProps(plan, catalogs, module, pool, `${module.name}-loader`, {});
      const { spec, problems: found } = renderKmmModuleSpec(props);
      problems.push(...found, ...checkModuleWebhookRules({ name: props.name, namespace: props.namespace, spec }, props.path ?? []));
    }
  }
  return problems;
}
