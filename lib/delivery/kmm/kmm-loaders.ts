import { Construct } from 'constructs';
import { DtkBuildArg, renderModuleDockerfile } from '../../image/dockerfile';
import { ProblemCollector } from '../../errors';
import type { Cluster } from '../../fleet/cluster';
import { LoaderRbac } from '../daemonset/loader-rbac';
import { LoaderKind } from '../../module/kernel-module';
import { DockerfileSource, PrebuiltSource } from '../../module/module-source';
import { KernelVersion } from '../../release/kernel-version';
import { OpenShiftRelease } from '../../release/release-catalog';
import { KmmBuildConfigMap } from './kmm-build-config-map';
import { KmmKernelMapping } from './kmm-kernel-mapping';
import { KmmModule } from './kmm-module';
import { KmmOperatorInstall } from './kmm-operator-install';
import { PreflightValidation } from './preflight-validation';

/** Props of `KmmLoaders`. */
export interface KmmLoadersProps {
  /** The cluster whose KMM-loaded modules get Modules. */
  readonly cluster: Cluster;
  /** Also install the KMM operator through OLM (Namespace, OperatorGroup, Subscription). @default false */
  readonly installOperator?: boolean;
  /** How Modules map kernels to images, for modules that do not choose. @default KmmKernelMapping.LITERAL */
  readonly kernelMapping?: KmmKernelMapping;
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
    const { cluster } = props;
    const namespace = cluster.loaderNamespace;
    const labels = { ...props.labels };
    const problems = new ProblemCollector(['clusters', cluster.name]);
    const clusterMapping = props.kernelMapping ?? KmmKernelMapping.LITERAL;
    if (!Object.values(KmmKernelMapping).includes(clusterMapping)) {
      problems.add(['kmmKernelMapping'], 'unknown KMM kernel mapping', clusterMapping, Object.values(KmmKernelMapping).join(', '));
    }
    if (props.installOperator) new KmmOperatorInstall(this, 'Operator', { labels });

    const deployments = cluster.moduleDeployments.filter((d) => d.loader === LoaderKind.KMM);
    const modules: KmmModule[] = [];
    for (const { module, pools } of deployments) {
      const moduleScope = new Construct(this, module.name);
      const rbac = new LoaderRbac(moduleScope, 'Rbac', { moduleName: module.name, namespace, labels });
      const built = !(module.source instanceof PrebuiltSource);
      const dockerfileConfigMap = built ? new KmmBuildConfigMap(moduleScope, 'Dockerfile', {
        name: `${module.name}-kmm-dockerfile`,
        namespace,
        dockerfile: renderModuleDockerfile(module, { dtkArg: DtkBuildArg.DTK_AUTO, sign: false }),
        labels,
      }).name : undefined;
      // A user Dockerfile built on FROM ${DTK_IMAGE}: KMM does not know that arg, so each
      // literal mapping passes its release's Driver Toolkit digest.
      const dtkImageBuildArg = module.source instanceof DockerfileSource && !module.source.text.includes(DtkBuildArg.DTK_AUTO);
      for (const pool of pools) {
        problems.capture(() => {
          modules.push(new KmmModule(moduleScope, pool.name, {
            name: `${module.name}-${pool.name}`,
            namespace,
            module,
            selector: pool.nodeSelector,
            kernels: pool.kernels.map((kernel) => ({ kernel, release: releaseOf(cluster.releases, kernel) })),
            kernelMapping: module.kmmKernelMapping ?? clusterMapping,
            serviceAccountName: rbac.serviceAccountName,
            dockerfileConfigMap,
            dtkImageBuildArg,
            path: ['clusters', cluster.name, 'pools', pool.name, 'modules', pool.modules.indexOf(module)],
            labels: { ...labels, 'app.kubernetes.io/name': module.name },
          }));
        });
      }
    }
    this.modules = modules;

    const target = cluster.upgradeTo;
    if (target && deployments.length > 0) {
      const targetKernels = new Map<string, { kernel: KernelVersion; built: boolean }>();
      for (const { module, pools } of deployments) {
        for (const pool of pools) {
          const kernel = pool.kernels.find((k) => releaseOf([target], k, false) !== undefined);
          if (!kernel) continue;
          const entry = targetKernels.get(kernel.full) ?? { kernel, built: false };
          targetKernels.set(kernel.full, { kernel, built: entry.built || !(module.source instanceof PrebuiltSource) });
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

function releaseOf(releases: ReadonlyArray<OpenShiftRelease>, kernel: KernelVersion): OpenShiftRelease;
function releaseOf(releases: ReadonlyArray<OpenShiftRelease>, kernel: KernelVersion, required: false): OpenShiftRelease | undefined;
/** The first release that ships `kernel` (its Driver Toolkit has that kernel's devel tree). */
function releaseOf(releases: ReadonlyArray<OpenShiftRelease>, kernel: KernelVersion, required = true): OpenShiftRelease | undefined {
  const release = releases.find((r) => [r.kernel, r.realtimeKernel, r.kernel64k].some((k) => k?.full === kernel.full));
  if (!release && required) throw new Error(`no release of the cluster ships kernel ${kernel.full}`);
  return release;
}
