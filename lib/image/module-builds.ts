import { Construct } from 'constructs';
import { KernelModule } from '../module/kernel-module';
import { ClusterPlan, ImageOrigin } from '../plan/cluster-plan';
import { FleetCatalogs, planKernel, planModule, planRelease, planReleaseOf } from '../plan/fleet-catalogs';
import { KernelVersion } from '../release/kernel-version';
import { ModuleBuildConfig } from './build-config';
import { BuildRetry } from './build-retry';
import { addSynthWarning } from '../warnings';
import { ModuleImageStream } from './image-stream';
import { ModuleImage } from './module-image';

/** Props of `ModuleBuilds`. */
export interface ModuleBuildsProps {
  /** The cluster's plan: its images (`plan.images`) and loader namespace. */
  readonly plan: ClusterPlan;
  /** The catalogs the plan refers into. */
  readonly catalogs: FleetCatalogs;
  /** Final-stage base image of built module images. @default DEFAULT_MODULE_BASE_IMAGE */
  readonly baseImage?: string;
  /**
   * Image with `oc` for the build retry CronJob (see `BuildRetry`).
   * @default - `registry.redhat.io/openshift4/ose-cli-rhel9:v<minor of the cluster's release>`
   */
  readonly cliImage?: string;
}

/** Where the image of one (module, kernel) comes from on one cluster. */
export interface ModuleKernelImage {
  readonly module: KernelModule;
  readonly kernel: KernelVersion;
  /** The image loaders use (see `moduleImage`). */
  readonly image: ModuleImage;
  /** The BuildConfig that produces it, when the module is built here. @default - prebuilt */
  readonly buildConfig?: ModuleBuildConfig;
}

/**
 * Every module image a cluster needs (the plan's `images`): a BuildConfig for each image built
 * here (git and Dockerfile sources; plus one ImageStream per module unless it pushes to an
 * external repository), nothing for the vendor's prebuilt images. Modules loaded by KMM get the
 * ImageStream but no BuildConfig: KMM builds them itself. Prebuilt images referenced by tag
 * rather than digest get a synth warning (`synthWarnings`).
 */
export class ModuleBuilds extends Construct {
  /** One entry per (module, kernel), modules in name order, kernels in release order. */
  public readonly images: ReadonlyArray<ModuleKernelImage>;

  constructor(scope: Construct, id: string, props: ModuleBuildsProps) {
    super(scope, id);
    const { plan, catalogs } = props;
    const labels = { 'app.kubernetes.io/part-of': 'cdk8s-kmods' };
    const images: ModuleKernelImage[] = [];
    for (const planned of plan.images) {
      const module = planModule(catalogs, planned.module);
      const kernel = planKernel(plan, catalogs, planned.kernel);
      const image: ModuleImage = {
        image: planned.image, tag: planned.tag, built: planned.origin !== ImageOrigin.PREBUILT,
        ...(planned.imageStream !== undefined ? { imageStream: planned.imageStream } : {}),
        ...(planned.imageStreamTag !== undefined ? { imageStreamTag: planned.imageStreamTag } : {}),
      };
      if (planned.origin === ImageOrigin.PREBUILT) {
        if (!/@sha256:[a-f0-9]{64}$/.test(image.image)) {
          addSynthWarning(this, `cluster "${plan.name}": module "${module.name}" uses prebuilt image ${image.image} `
            + `for kernel ${kernel.full} by tag; pin it by digest (@sha256:…) so every node runs the image that was reviewed`);
        }
        images.push({ module, kernel, image });
        continue;
      }
      if (image.imageStream !== undefined && this.node.tryFindChild(`ImageStream:${image.imageStream}`) === undefined) {
        new ModuleImageStream(this, `ImageStream:${image.imageStream}`, {
          name: image.imageStream, namespace: plan.loaderNamespace, module: module.name, labels,
        });
      }
      // KMM builds the images of the modules it loads (Module.spec…build), so a BuildConfig here would build them twice.
      if (planned.origin === ImageOrigin.BUILT_BY_KMM) {
        images.push({ module, kernel, image });
        continue;
      }
      const buildConfig = new ModuleBuildConfig(this, `Build:${module.name}:${kernel.full}`, {
        module, kernel, release: planReleaseOf(plan, catalogs, kernel.full), namespace: plan.loaderNamespace, baseImage: props.baseImage, labels,
      });
      images.push({ module, kernel, image, buildConfig });
    }
    this.images = images;
    // Failed or evicted builds are retried, and each BuildConfig shows its latest build's result.
    if (images.some((i) => i.buildConfig !== undefined)) {
      new BuildRetry(this, 'Retry', {
        namespace: plan.loaderNamespace,
        cliImage: props.cliImage ?? `registry.redhat.io/openshift4/ose-cli-rhel9:v${planRelease(catalogs, plan.release).version.minorVersion}`,
        labels,
      });
    }
  }
}
