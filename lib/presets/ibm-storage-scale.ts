import { ProblemCollector } from '../errors';
import { KernelModuleProps, KoModule, LoaderRollout } from '../module/kernel-module';
import { ModuleSource } from '../module/module-source';

/**
 * IBM Storage Scale (GPFS) portability layer, with the facts from IBM's documentation:
 *
 * - The portability layer ("GPL") is three kernel modules built per kernel with `mmbuildgpl`
 *   (`/usr/lpp/mmfs/bin/mmbuildgpl`; `--build-package` makes a `gpfs.gplbin-<kernel>-<version>`
 *   package that only fits the identical kernel and Storage Scale level) and must be rebuilt for
 *   every kernel update ("Building the GPFS portability layer on Linux nodes"). So the images
 *   come per kernel, prebuilt: no compiler, no `kernel-devel` on the node.
 * - Load order `tracedev` → `mmfslinux` → `mmfs26` (mmfs26 uses mmfslinux, which uses tracedev;
 *   IBM's Fusion Access operator gives KMM `modulesLoadingOrder: [mmfs26, mmfslinux, tracedev]`,
 *   KMM's last-to-first form of the same order).
 * - `mmfs26` cannot be removed while a GPFS file system is mounted; only `mmshutdown` unloads it.
 *   So the loader leaves the modules loaded when it stops (`keepLoadedOnStop`), stays on
 *   cordoned nodes during drains (`toleratesCordon`, else KMM's unloader retries forever), and a
 *   changed loader waits for a person to restart it (`OnDelete`).
 * - The `kernel-devel` RHCOS extension that IBM's container-native samples add is for building
 *   the GPL on the node; with prebuilt images it only reboots the pool, so do not add it.
 */
export interface IbmStorageScaleProps {
  /** Catalog name of the module. @default "gpfs" */
  readonly name?: string;
  /** Storage Scale level of the GPL images, e.g. `5.2.3.1`. */
  readonly version: string;
  /** Kernel release → GPL image built for it (pin by digest). @default - only `image` */
  readonly images?: Readonly<Record<string, string>>;
  /** GPL image template with `${KERNEL_FULL_VERSION}`. @default - only `images` */
  readonly image?: string;
  /** Secret (dockerconfigjson) to pull the GPL images from the vendor or mirror registry. @default - none */
  readonly imagePullSecret?: string;
}

/** The GPL modules, first to last. */
export const IBM_STORAGE_SCALE_LOAD_ORDER: ReadonlyArray<KoModule> = [{ name: 'tracedev' }, { name: 'mmfslinux' }, { name: 'mmfs26' }];

/** The module definition of the IBM Storage Scale GPL (prebuilt images per kernel). */
export function ibmStorageScaleModule(props: IbmStorageScaleProps): KernelModuleProps {
  return {
    name: props.name ?? 'gpfs',
    version: props.version,
    source: ModuleSource.prebuilt({ image: props.image, images: props.images }),
    loadOrder: IBM_STORAGE_SCALE_LOAD_ORDER,
    keepLoadedOnStop: true,
    toleratesCordon: true,
    rollout: LoaderRollout.ON_DELETE,
    ...(props.imagePullSecret ? { imagePullSecret: props.imagePullSecret } : {}),
  };
}

/** Fields of a fleet-file module that the preset decides; giving another value is an error. */
const FIXED: Readonly<Record<string, unknown>> = { keepLoadedOnStop: true, toleratesCordon: true, rollout: LoaderRollout.ON_DELETE };

/**
 * Applies the preset to a fleet-file module (`preset: ibm-storage-scale`): fills in the load order
 * and the never-unload settings, and reports any field that contradicts them.
 */
export function applyIbmStorageScalePreset<T extends Partial<KernelModuleProps>>(module: T, problems: ProblemCollector, path: ReadonlyArray<string | number>): T {
  for (const [key, value] of Object.entries(FIXED)) {
    const given = (module as Record<string, unknown>)[key];
    if (given !== undefined && given !== value) {
      problems.add([...path, key], `IBM Storage Scale modules must be ${key}: ${String(value)} (mmfs26 cannot unload while a file system is mounted)`, given);
    }
  }
  if (module.loadOrder !== undefined) {
    const names = module.loadOrder.map((m) => m.name);
    if (names.join(' ') !== IBM_STORAGE_SCALE_LOAD_ORDER.map((m) => m.name).join(' ')) {
      problems.add([...path, 'loadOrder'], 'IBM Storage Scale loads tracedev, then mmfslinux, then mmfs26', names.join(', '), 'omit loadOrder, or give exactly that order (parameters allowed)');
    }
  }
  return { ...FIXED, loadOrder: IBM_STORAGE_SCALE_LOAD_ORDER, ...module } as T;
}
