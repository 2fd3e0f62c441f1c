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
  /** The ImageStream tag for this kernel (the kernel as NFD labels it: `+` becomes `_`). */
  readonly tag: string;
  /** True when the cluster builds this image (git or Dockerfile source). */
  readonly built: boolean;
}

/**
 * One place that decides image names, shared by builds, loaders and the KMM backend:
 * - prebuilt: the vendor's image for the kernel;
 * - built, `imageRepository` set: `<imageRepository>:<module version>-<kernel tag>`;
 * - built, internal registry: ImageStream `<module>` in the loader namespace, tag `<kernel tag>`.
 */
export function moduleImage(module: KernelModule, kernel: KernelVersion, namespace: string): ModuleImage {
  const tag = kernel.nfdLabelValue;
  const prebuilt = module.prebuiltImageFor(kernel.full);
  if (prebuilt !== undefined) return { image: prebuilt, tag, built: false };
  if (module.imageRepository !== undefined) {
    return { image: `${module.imageRepository}:${module.version}-${tag}`.slice(0, 255), tag, built: true };
  }
  return { image: `${INTERNAL_REGISTRY}/${namespace}/${module.name}:${tag}`, imageStream: module.name, tag, built: true };
}
