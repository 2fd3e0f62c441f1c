import { LoaderKind } from '../module/kernel-module';
import { Construct } from 'constructs';
import type { Cluster } from '../fleet/cluster';
import { KernelModule } from '../module/kernel-module';
import { KernelVersion } from '../release/kernel-version';
import { OpenShiftRelease } from '../release/release-catalog';
import { ModuleBuildConfig } from './build-config';
import { BuildRetry } from './build-retry';
import { addSynthWarning } from '../warnings';
import { ModuleImageStream } from './image-stream';
import { moduleImage, ModuleImage } from './module-image';

/** Props of `ModuleBuilds`. */
export interface ModuleBuildsProps {
  /** The cluster whose modules are built; builds go to its loader namespace. */
  readonly cluster: Cluster;
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
 * Every module image a cluster needs: for each module its pools load and each kernel those pools
 * run or upgrade to, either a BuildConfig (git and Dockerfile sources; plus one ImageStream per
 * module unless it pushes to an external repository) or the vendor's prebuilt image. Modules
 * loaded by KMM get the ImageStream but no BuildConfig: KMM builds them itself. Prebuilt
 * images referenced by tag rather than digest get a synth warning (`synthWarnings`).
 */
export class ModuleBuilds extends Construct {
  /** One entry per (module, kernel), modules in name order, kernels in release order. */
  public readonly images: ReadonlyArray<ModuleKernelImage>;

  constructor(scope: Construct, id: string, props: ModuleBuildsProps) {
    super(scope, id);
    const { cluster } = props;
    const labels = { 'app.kubernetes.io/part-of': 'cdk8s-kmods' };
    const images: ModuleKernelImage[] = [];
    for (const deployment of cluster.moduleDeployments) {
      const { module } = deployment;
      for (const kernel of deployment.kernels) {
        const image = moduleImage(module, kernel, cluster.loaderNamespace);
        if (!image.built) {
          if (!/@sha256:[a-f0-9]{64}$/.test(image.image)) {
            addSynthWarning(this, `cluster "${cluster.name}": module "${module.name}" uses prebuilt image ${image.image} `
              + `for kernel ${kernel.full} by tag; pin it by digest (@sha256:…) so every node runs the image that was reviewed`);
          }
          images.push({ module, kernel, image });
          continue;
        }
        if (image.imageStream !== undefined && this.node.tryFindChild(`ImageStream:${image.imageStream}`) === undefined) {
          new ModuleImageStream(this, `ImageStream:${image.imageStream}`, {
            name: image.imageStream, namespace: cluster.loaderNamespace, module: module.name, labels,
          });
        }
        // KMM builds the images of the modules it loads (Module.spec…build), so a BuildConfig here would build them twice.
        if (deployment.loader === LoaderKind.KMM) {
          images.push({ module, kernel, image });
          continue;
        }
        const buildConfig = new ModuleBuildConfig(this, `Build:${module.name}:${kernel.full}`, {
          module, kernel, release: releaseOf(cluster.releases, kernel), namespace: cluster.loaderNamespace, baseImage: props.baseImage, labels,
        });
        images.push({ module, kernel, image, buildConfig });
      }
    }
    this.images = images;
    // Failed or evicted builds are retried, and each BuildConfig shows its latest build's result.
    if (images.some((i) => i.buildConfig !== undefined)) {
      new BuildRetry(this, 'Retry', {
        namespace: cluster.loaderNamespace,
        cliImage: props.cliImage ?? `registry.redhat.io/openshift4/ose-cli-rhel9:v${cluster.release.version.minorVersion}`,
        labels,
      });
    }
  }
}

/** The first of the cluster's releases that ships `kernel` (its DTK has that kernel's devel tree). */
function releaseOf(releases: ReadonlyArray<OpenShiftRelease>, kernel: KernelVersion): OpenShiftRelease {
  const release = releases.find((r) => [r.kernel, r.realtimeKernel, r.kernel64k].some((k) => k?.full === kernel.full));
  if (!release) throw new Error(`no release of the cluster ships kernel ${kernel.full}`);
  return release;
}
