import { KmmKernelMapping } from '../delivery/kmm/kmm-kernel-mapping';
import { checkKmmModules } from '../delivery/kmm/kmm-loaders';
import { FleetValidationError, ProblemCollector } from '../errors';
import { clusterDestination, destinationProblems } from '../gitops/destination';
import { BootstrapMode } from '../gitops/gitops-props';
import { KernelModule, LoaderKind } from '../module/kernel-module';
import { DNS_LABEL_RULE, isDnsLabel, isLabelKey, isLabelValue, isPositiveIntOrPercent, LABEL_VALUE_RULE, POSITIVE_INT_OR_PERCENT_RULE } from '../names';
import { IgnitionVersion } from '../node/ignition-version';
import { KernelType } from '../node/kernel-type';
import { checkNodeSelectorRoles } from '../node/machine-config-pool';
import { checkNodeDisruptionPolicySupport } from '../node/node-disruption-policy';
import { PoolMachineConfigs } from '../node/pool-machine-configs';
import { isNodeReadyLabelKeyValid, nodeReadyLabelKey } from '../delivery/daemonset/node-ready-label';
import { KernelVersion } from '../release/kernel-version';
import { OpenShiftRelease } from '../release/release-catalog';
import { moduleImage } from '../image/module-image';
import { ClusterPlan, ImageOrigin, KernelPlan, ModuleDeploymentPlan, ModuleImagePlan, PoolPlan } from './cluster-plan';
import { ClusterProps, NodePoolProps } from './cluster-props';
import { FleetCatalogs } from './fleet-catalogs';
import { deepFreeze } from './freeze';
import { poolsCanShareNodes } from './pool-selectors';
import { planNvidiaGpuOperator } from '../presets/nvidia-gpu-operator';

/** The MCO's own pools; a custom pool may not take their names. */
const RESERVED_POOLS = new Set(['master', 'worker', 'arbiter']);

/**
 * Checks one cluster's definition against the fleet's catalogs and decides everything about it:
 * pools, kernels, module deployments, images, node settings, GitOps destination. Throws one
 * FleetValidationError listing every problem (paths start `clusters.<name>`); otherwise returns
 * a frozen `ClusterPlan`. Pure: same input, same plan; nothing is constructed. `bootstrap` (the
 * fleet's GitOps bootstrap mode) decides the default destination.
 */
export function planCluster(name: string, props: ClusterProps, catalogs: FleetCatalogs, bootstrap: BootstrapMode = BootstrapMode.PER_CLUSTER): ClusterPlan {
  const problems = new ProblemCollector(['clusters', name]);
  const loaderNamespace = props.namespace ?? 'kmods-system';
  const defaultLoader = props.defaultLoader ?? LoaderKind.DAEMONSET;

  if (!isDnsLabel(name, 40)) problems.add([], 'cluster name must be a DNS label of at most 40 characters', name, DNS_LABEL_RULE);
  if (!isDnsLabel(loaderNamespace)) problems.add(['namespace'], 'not a namespace name', loaderNamespace, DNS_LABEL_RULE);
  for (const p of destinationProblems(props)) problems.add(p.path, p.message, p.given, p.allowed);
  if (!Object.values(LoaderKind).includes(defaultLoader)) {
    problems.add(['defaultLoader'], 'unknown loader', defaultLoader, Object.values(LoaderKind).join(', '));
  }
  const known = catalogs.releases.versions.join(', ') || 'no releases defined';
  const release = catalogs.releases.tryGet(props.release);
  if (!release) problems.add(['release'], 'release is not in the fleet\'s release catalog', props.release, known);
  const upgradeTo = props.upgradeTo === undefined ? undefined : catalogs.releases.tryGet(props.upgradeTo);
  if (props.upgradeTo !== undefined && !upgradeTo) problems.add(['upgradeTo'], 'release is not in the fleet\'s release catalog', props.upgradeTo, known);
  if (release && upgradeTo && upgradeTo.version.compare(release.version) <= 0) {
    problems.add(['upgradeTo'], `an upgrade must go to a newer release than ${release.version}`, props.upgradeTo);
  }
  const poolNames = Object.keys(props.pools ?? {}).sort();
  if (poolNames.length === 0) problems.add(['pools'], 'a cluster needs at least one node pool');
  problems.throwIfAny();

  const releases: OpenShiftRelease[] = upgradeTo ? [release!, upgradeTo] : [release!];
  const ignitionVersion = IgnitionVersion.resolve(releases, props.ignitionVersion, problems, ['ignitionVersion']);
  if (props.rebootlessModuleFiles) checkNodeDisruptionPolicySupport(releases, problems, ['rebootlessModuleFiles']);
  if (props.clusterID !== undefined) {
    for (const r of releases.filter((rel) => !rel.version.atLeast(4, 17))) {
      problems.add(['clusterID'], `release ${r.version} has no ValidatingAdmissionPolicy v1 (OpenShift 4.17+), which the identity guard needs`, props.clusterID, 'no clusterID, or releases 4.17 and later');
    }
  }
  problems.throwIfAny();

  const pools: PoolPlan[] = [];
  const poolModules = new Map<string, KernelModule[]>();
  for (const poolName of poolNames) {
    problems.capture(() => {
      const planned = planPool(name, poolName, props.pools[poolName], releases, catalogs, ignitionVersion, props.rebootlessModuleFiles ?? false);
      pools.push(planned.pool);
      poolModules.set(poolName, planned.modules);
    });
  }
  checkPoolsAreDisjoint(pools, problems);
  const modules = moduleDeployments(pools, poolModules, defaultLoader);
  const byName = new Map([...poolModules.values()].flat().map((m) => [m.name, m]));
  checkPrebuiltCoverage(pools, modules, byName, problems);
  const nvidiaGpuOperator = props.nvidiaGpuOperator ? planNvidiaGpuOperator(props.nvidiaGpuOperator, pools, problems, ['nvidiaGpuOperator']) : undefined;
  problems.throwIfAny();
  checkDaemonSetLoading(name, loaderNamespace, modules, byName);

  const kmmKernelMapping = props.kmmKernelMapping ?? KmmKernelMapping.LITERAL;
  if (!Object.values(KmmKernelMapping).includes(kmmKernelMapping)) {
    problems.add(['kmmKernelMapping'], 'unknown KMM kernel mapping', kmmKernelMapping, Object.values(KmmKernelMapping).join(', '));
  }
  problems.throwIfAny();

  const kernels: KernelPlan[] = [];
  for (const full of unique(pools.flatMap((p) => p.kernels))) {
    kernels.push({ full, release: releases.find((r) => kernelsOf(r).some((k) => k.full === full))!.version.toString() });
  }
  const kernelByFull = new Map(releases.flatMap(kernelsOf).map((k) => [k.full, k]));
  const images: ModuleImagePlan[] = [];
  for (const deployment of modules) {
    const module = byName.get(deployment.module)!;
    for (const full of deployment.kernels) {
      const image = moduleImage(module, kernelByFull.get(full)!, loaderNamespace);
      const origin = !image.built ? ImageOrigin.PREBUILT : deployment.loader === LoaderKind.KMM ? ImageOrigin.BUILT_BY_KMM : ImageOrigin.BUILT_HERE;
      images.push({
        module: module.name, kernel: full, origin, image: image.image, tag: image.tag,
        ...(image.imageStream !== undefined ? { imageStream: image.imageStream } : {}),
        ...(image.imageStreamTag !== undefined ? { imageStreamTag: image.imageStreamTag } : {}),
      });
    }
  }

  const plan: ClusterPlan = deepFreeze({
    name,
    release: release!.version.toString(),
    ...(upgradeTo ? { upgradeTo: upgradeTo.version.toString() } : {}),
    releases: releases.map((r) => r.version.toString()),
    loaderNamespace,
    defaultLoader,
    pools,
    kernels,
    modules,
    images,
    node: { ignitionVersion: ignitionVersion.text, rebootlessModuleFiles: props.rebootlessModuleFiles ?? false },
    kmm: { installOperator: props.installKmmOperator ?? false, kernelMapping: kmmKernelMapping },
    installNodeFeatureDiscovery: props.installNodeFeatureDiscovery ?? false,
    destination: { ...clusterDestination(bootstrap, name, props), namespace: loaderNamespace },
    ...(nvidiaGpuOperator ? { nvidiaGpuOperator } : {}),
  });
  const kmmProblems = checkKmmModules(plan, catalogs);
  if (kmmProblems.length > 0) throw new FleetValidationError(kmmProblems);
  return plan;
}

/** One pool's checks (reported under `clusters.<cluster>.pools.<pool>`) and its plan. */
function planPool(
  clusterName: string, name: string, props: NodePoolProps, releases: ReadonlyArray<OpenShiftRelease>,
  catalogs: FleetCatalogs, ignitionVersion: IgnitionVersion, rebootlessModuleFiles: boolean,
): { pool: PoolPlan; modules: KernelModule[] } {
  const problems = new ProblemCollector(['clusters', clusterName, 'pools', name]);
  const nodeSelector = props.nodeSelector ?? { [`node-role.kubernetes.io/${name}`]: '' };
  const maxUnavailable = props.maxUnavailable ?? 1;
  const kernelType = props.kernelType ?? KernelType.DEFAULT;
  const extensions = [...(props.extensions ?? [])];
  const kernelArguments = [...(props.kernelArguments ?? [])];

  if (!isDnsLabel(name, 50)) problems.add([], 'pool name must be a DNS label of at most 50 characters', name, DNS_LABEL_RULE);
  if (RESERVED_POOLS.has(name)) problems.add([], 'pool name is taken by a built-in MachineConfigPool', name, 'any name but master, worker or arbiter');
  if (Object.keys(nodeSelector).length === 0) problems.add(['nodeSelector'], 'an empty node selector would put every node in this pool');
  for (const [key, value] of Object.entries(nodeSelector)) {
    if (!isLabelKey(key)) problems.add(['nodeSelector', key], 'not a label key', key, 'optional DNS-subdomain prefix and "/", then a name of at most 63 characters');
    if (typeof value !== 'string' || !isLabelValue(value)) problems.add(['nodeSelector', key], 'not a label value', value, LABEL_VALUE_RULE);
  }
  if (!isPositiveIntOrPercent(maxUnavailable)) {
    problems.add(['maxUnavailable'], 'the MCO cannot update 0 nodes at a time (it resets 0 to 1; pause the pool instead)', maxUnavailable, POSITIVE_INT_OR_PERCENT_RULE);
  }
  if (!Object.values(KernelType).includes(kernelType)) {
    problems.add(['kernelType'], 'unknown kernel type', kernelType, Object.values(KernelType).join(', '));
  }
  const kernels: KernelVersion[] = [];
  for (const release of releases) {
    const kernel = kernelFor(release, kernelType);
    if (kernel) kernels.push(kernel);
    else problems.add(['kernelType'], `release ${release.version} has no ${kernelType} kernel in the release catalog`, kernelType);
  }
  const modules: KernelModule[] = [];
  (props.modules ?? []).forEach((moduleName, i) => {
    const module = catalogs.modules.tryGet(moduleName);
    if (!module) problems.add(['modules', i], 'no such module in the fleet\'s module catalog', moduleName);
    else if (modules.includes(module)) problems.add(['modules', i], 'module listed twice', moduleName);
    else modules.push(module);
  });
  checkNodeSelectorRoles(nodeSelector, problems, ['nodeSelector']);
  PoolMachineConfigs.check({
    pool: name, releases, ignitionVersion, kernelType, extensions, kernelArguments, modules, rebootlessModuleFiles,
    problemPath: ['clusters', clusterName, 'pools', name],
  }, problems);
  problems.throwIfAny();
  return {
    pool: { name, nodeSelector: { ...nodeSelector }, maxUnavailable, kernelType, extensions, kernelArguments, modules: modules.map((m) => m.name), kernels: kernels.map((k) => k.full) },
    modules,
  };
}

/** The modules the pools load, in name order, with their pools, kernels and loader. */
function moduleDeployments(pools: ReadonlyArray<PoolPlan>, poolModules: ReadonlyMap<string, KernelModule[]>, defaultLoader: LoaderKind): ModuleDeploymentPlan[] {
  const byName = new Map<string, PoolPlan[]>();
  for (const pool of pools) {
    for (const module of pool.modules) byName.set(module, [...(byName.get(module) ?? []), pool]);
  }
  return [...byName.keys()].sort().map((moduleName) => {
    const users = byName.get(moduleName)!;
    const module = poolModules.get(users[0].name)!.find((m) => m.name === moduleName)!;
    return {
      module: moduleName,
      pools: users.map((p) => p.name),
      kernels: unique(users.flatMap((p) => p.kernels)),
      loader: module.loader ?? defaultLoader,
    };
  });
}

/** A node in two custom pools stops the MCO ("belongs to N custom roles"), so selectors must be disjoint. */
function checkPoolsAreDisjoint(pools: ReadonlyArray<PoolPlan>, problems: ProblemCollector): void {
  for (let i = 0; i < pools.length; i++) {
    for (let j = i + 1; j < pools.length; j++) {
      if (poolsCanShareNodes(pools[i].nodeSelector, pools[j].nodeSelector)) {
        problems.add(['pools', pools[j].name, 'nodeSelector'],
          `a node could match both pool "${pools[i].name}" and pool "${pools[j].name}"; the MCO refuses nodes in two custom pools`,
          pools[j].nodeSelector, `a custom role of its own, e.g. node-role.kubernetes.io/${pools[j].name}: "", or a different value of a shared label key`);
      }
    }
  }
}

/** A prebuilt module must name an image for every kernel its pools run or will run. */
function checkPrebuiltCoverage(
  pools: ReadonlyArray<PoolPlan>, deployments: ReadonlyArray<ModuleDeploymentPlan>, modules: ReadonlyMap<string, KernelModule>, problems: ProblemCollector,
): void {
  for (const deployment of deployments) {
    const module = modules.get(deployment.module)!;
    if (module.source.buildsOnCluster) continue;
    for (const pool of pools.filter((p) => deployment.pools.includes(p.name))) {
      for (const kernel of pool.kernels) {
        if (module.prebuiltImageFor(kernel) === undefined) {
          problems.add(['pools', pool.name, 'modules', pool.modules.indexOf(module.name)],
            `module "${module.name}" has no prebuilt image for kernel ${kernel}`, module.name,
            'a kernel → image entry for this kernel, or an image template with ${KERNEL_FULL_VERSION}');
        }
      }
    }
  }
}

/**
 * DaemonSet loading: pods stay on cordoned nodes, so the module must say it tolerates that; and
 * the loader's node label key `node.cdk8s-kmods.io/<namespace>.<module>.ready` must be a label key.
 * (Kernels need no NFD label: each loader pod picks its kernel's build by `uname -r`.)
 */
function checkDaemonSetLoading(
  clusterName: string, namespace: string, deployments: ReadonlyArray<ModuleDeploymentPlan>, modules: ReadonlyMap<string, KernelModule>,
): void {
  const problems = new ProblemCollector();
  for (const deployment of deployments.filter((d) => d.loader === LoaderKind.DAEMONSET)) {
    const module = modules.get(deployment.module)!;
    if (!module.toleratesCordon) {
      problems.add(['modules', module.name, 'toleratesCordon'],
        `cluster "${clusterName}" loads this module with a DaemonSet, and DaemonSet pods always stay on cordoned and draining nodes `
        + '(the DaemonSet controller adds the node.kubernetes.io/unschedulable toleration, and drains skip DaemonSet pods)',
        false, 'true, or loader: kmm (KMM unloads the module when a node is cordoned)');
    }
    if (!isNodeReadyLabelKeyValid(namespace, module.name)) {
      problems.add(['clusters', clusterName, 'namespace'],
        `the node label of module "${module.name}" would be ${nodeReadyLabelKey(namespace, module.name)}, whose name part is longer than 63 characters`,
        namespace, 'a namespace and module name of at most 56 characters together');
    }
  }
  problems.throwIfAny();
}

function kernelFor(release: OpenShiftRelease, type: KernelType): KernelVersion | undefined {
  switch (type) {
    case KernelType.REALTIME: return release.realtimeKernel;
    case KernelType.SIXTY_FOUR_K_PAGES: return release.kernel64k;
    default: return release.kernel;
  }
}

function kernelsOf(release: OpenShiftRelease): KernelVersion[] {
  return [release.kernel, release.realtimeKernel, release.kernel64k].filter((k): k is KernelVersion => k !== undefined);
}

function unique(values: ReadonlyArray<string>): string[] {
  return [...new Set(values)];
}
