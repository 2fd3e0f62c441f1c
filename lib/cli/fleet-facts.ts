import type { Fleet } from '../fleet/fleet';
import { KERNEL_ANNOTATION, MODULE_LABEL } from '../labels';
import { LoaderKind } from '../module/kernel-module';
import { KernelType } from '../node/kernel-type';
import { ClusterPlan, ImageOrigin } from '../plan/cluster-plan';
import { OpenShiftRelease } from '../release/release-catalog';

/**
 * What the command line needs to know about one cluster of the fleet, as plain data: its pools
 * (selector, maxUnavailable, kernel type, kernels, modules) and, per (module, kernel), where the
 * image comes from. Read from the cluster's plan and the objects rendered from it, the same that
 * synthesis writes to `dist/`, so the checks judge exactly what is delivered.
 */
export interface ClusterFacts {
  readonly name: string;
  /** The release the cluster runs, then `upgradeTo` when set. */
  readonly releases: ReadonlyArray<string>;
  readonly upgradeTo?: string;
  readonly pools: ReadonlyArray<PoolFacts>;
  /** One entry per (module, kernel) the cluster's output delivers. */
  readonly images: ReadonlyArray<ModuleKernelFacts>;
  /** True when some build pushes to the internal image registry (an ImageStream). */
  readonly usesInternalRegistry: boolean;
  /** Modules loaded by KMM, with the pools that load them. */
  readonly kmmModules: ReadonlyArray<string>;
  /** Releases of the cluster whose builds take the Driver Toolkit from the in-cluster ImageStreamTag. */
  readonly dtkFromImageStream: ReadonlyArray<string>;
  /** The kernel mappings of the cluster's KMM Modules, as KMM reads them. */
  readonly kmmMappings: ReadonlyArray<KmmMappingFacts>;
  /** True when the output has a PreflightValidationOCP (needs KMM 2.4+). */
  readonly hasPreflightValidation: boolean;
}

/** One `kernelMappings` entry of a KMM Module: KMM uses the first whose literal equals, or regexp matches, the node's kernel. */
export interface KmmMappingFacts {
  readonly module: string;
  readonly kmmModule: string;
  readonly literal?: string;
  readonly regexp?: string;
  /** `containerImage`, possibly with `${KERNEL_FULL_VERSION}`. */
  readonly containerImage: string;
  /** True when KMM builds the image if it is missing (the mapping or the Module has a `build`). */
  readonly builds: boolean;
}

export interface PoolFacts {
  readonly name: string;
  /** matchLabels of the MachineConfigPool's nodeSelector. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly maxUnavailable: number | string;
  readonly kernelType: KernelType;
  /** The pool's kernel under each of the cluster's releases, in release order. */
  readonly kernels: ReadonlyArray<string>;
  /** Module names the pool loads, in load order. */
  readonly modules: ReadonlyArray<string>;
}

export interface ModuleKernelFacts {
  readonly module: string;
  readonly kernel: string;
  /** `daemonset` or `kmm`. */
  readonly loader: string;
  /** The image loaders pull. */
  readonly image: string;
  /** How the image comes to exist. */
  readonly source: 'BuildConfig' | 'KMM build' | 'prebuilt';
  /** The BuildConfig's name, for `BuildConfig`. */
  readonly buildConfig?: string;
}

/** The facts of every cluster, in name order. */
export function fleetFacts(fleet: Fleet): ClusterFacts[] {
  return fleet.clusterNames.map((name) => clusterFacts(fleet, name));
}

/**
 * The facts of the named cluster: pools, kernels and images from its plan (`Fleet.plan`), and what
 * only the rendered objects carry (BuildConfig names, KMM kernel mappings, PreflightValidationOCP)
 * from the objects synthesis writes.
 */
export function clusterFacts(fleet: Fleet, name: string): ClusterFacts {
  const plan: ClusterPlan = fleet.plan(name);
  const objects = fleet.chartForSynthesis(name).toJson() as Array<Record<string, any>>;
  const buildConfigs = new Map(objects.filter((o) => o.kind === 'BuildConfig')
    .map((o) => [`${o.metadata.labels?.[MODULE_LABEL]}|${o.metadata.annotations?.[KERNEL_ANNOTATION]}`, String(o.metadata.name)]));
  const loaders = new Map(plan.modules.map((d) => [d.module, d.loader as string]));
  const images: ModuleKernelFacts[] = plan.images.map((i) => {
    const buildConfig = i.origin === ImageOrigin.BUILT_HERE ? buildConfigs.get(`${i.module}|${i.kernel}`) : undefined;
    return {
      module: i.module,
      kernel: i.kernel,
      loader: loaders.get(i.module)!,
      image: i.image,
      source: i.origin === ImageOrigin.PREBUILT ? 'prebuilt' : i.origin === ImageOrigin.BUILT_BY_KMM ? 'KMM build' : 'BuildConfig',
      ...(buildConfig ? { buildConfig } : {}),
    };
  });
  const kmmMappings: KmmMappingFacts[] = objects
    .filter((o) => o.kind === 'Module' && String(o.apiVersion).startsWith('kmm.sigs.x-k8s.io/'))
    .flatMap((o) => ((o.spec?.moduleLoader?.container?.kernelMappings ?? []) as Array<Record<string, any>>).map((m) => ({
      module: String(o.metadata?.labels?.['app.kubernetes.io/name'] ?? o.metadata.name),
      kmmModule: String(o.metadata.name),
      ...(typeof m.literal === 'string' ? { literal: m.literal } : {}),
      ...(typeof m.regexp === 'string' ? { regexp: m.regexp } : {}),
      containerImage: String(m.containerImage ?? o.spec?.moduleLoader?.container?.containerImage ?? ''),
      builds: m.build !== undefined || o.spec?.moduleLoader?.container?.build !== undefined,
    })));
  const builtFrom = (version: string): boolean => plan.images.some((i) => i.origin === ImageOrigin.BUILT_HERE
    && plan.kernels.find((k) => k.full === i.kernel)?.release === version);
  return {
    name: plan.name,
    releases: plan.releases,
    ...(plan.upgradeTo ? { upgradeTo: plan.upgradeTo } : {}),
    pools: plan.pools.map((p) => ({
      name: p.name,
      nodeSelector: p.nodeSelector,
      maxUnavailable: p.maxUnavailable,
      kernelType: p.kernelType,
      kernels: p.kernels,
      modules: p.modules,
    })),
    images,
    usesInternalRegistry: plan.images.some((i) => i.imageStream !== undefined),
    kmmModules: plan.modules.filter((d) => d.loader === LoaderKind.KMM).map((d) => d.module),
    kmmMappings,
    dtkFromImageStream: plan.releases.filter((v) => fleet.releases.tryGet(v)?.driverToolkitImageStreamTag !== undefined && builtFrom(v)),
    hasPreflightValidation: objects.some((o) => o.kind === 'PreflightValidationOCP'),
  };
}

/** The kernel a pool of `kernelType` boots under `release`, when the catalog has one. */
export function kernelOf(release: OpenShiftRelease, kernelType: KernelType): string | undefined {
  switch (kernelType) {
    case KernelType.REALTIME: return release.realtimeKernel?.full;
    case KernelType.SIXTY_FOUR_K_PAGES: return release.kernel64k?.full;
    default: return release.kernel.full;
  }
}
