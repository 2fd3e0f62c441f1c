import { KernelModule } from '../module/kernel-module';
import { KernelVersion } from '../release/kernel-version';

/** The cluster's internal registry, as pods and builds address it. */
export const INTERNAL_REGISTRY = 'image-registry.openshift-image-registry.svc:5000';

/** Where the image of one (module, kernel) lives, and how a loader refers to it. */
export interface ModuleImage {
  /** Pullable reference: the prebuilt image, the external repository tag, or the internal registry tag. */
  readonly image: string;
  /** The ImageStream that receives the build, when the image is built into the internal registry. */
  readonly imageStream?: string;
  /**
   * The kernel as an image tag (as NFD labels it: `+` becomes `_`); for images built into the
   * internal registry, the ImageStream tag is `<module version>-<this>`.
   */
  readonly tag: string;
  /** The ImageStreamTag builds push to (`<stream>:<version>-<kernel tag>`), when built into the internal registry. */
  readonly imageStreamTag?: string;
  /** True when the cluster builds this image (git or Dockerfile source). */
  readonly built: boolean;
}

/**
 * One place that decides image names, shared by builds, loaders and the KMM backend:
 * - prebuilt: the vendor's image for the kernel;
 * - built, `imageRepository` set: `<imageRepository>:<module version>-<kernel tag>`;
 * - built, internal registry: ImageStream `<module>` in the loader namespace, tag
 *   `<module version>-<kernel tag>`.
 *
 * Every reference names the module version, so a version bump changes the loader's image in Git
 * and the GitOps engine applies it. No controller rewrites the field (no image-change trigger):
 * Argo CD needs no `ignoreDifferences` for it and Flux's server-side apply never fights OpenShift.
 */
export function moduleImage(module: KernelModule, kernel: KernelVersion, namespace: string): ModuleImage {
  const tag = kernel.nfdLabelValue;
  const prebuilt = module.prebuiltImageFor(kernel.full);
  if (prebuilt !== undefined) return { image: prebuilt, tag, built: false };
  if (module.imageRepository !== undefined) {
    return { image: `${module.imageRepository}:${module.version}-${tag}`.slice(0, 255), tag, built: true };
  }
  const streamTag = `${module.version.replace(/\+/g, '_')}-${tag}`.slice(0, 128);
  return {
    image: `${INTERNAL_REGISTRY}/${namespace}/${module.name}:${streamTag}`,
    imageStream: module.name,
    imageStreamTag: `${module.name}:${streamTag}`,
    tag,
    built: true,
  };
}
