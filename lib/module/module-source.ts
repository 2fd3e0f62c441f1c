/** Where a kernel module's per-kernel image comes from. Create one with a static factory. */
export abstract class ModuleSource {
  /** Build from a git repository on the release's Driver Toolkit image. */
  public static git(props: GitSourceProps): ModuleSource {
    return new GitSource(props);
  }

  /**
   * Build with your own Dockerfile. It receives the build args `DTK_IMAGE` (the release's
   * Driver Toolkit, by digest) and `KERNEL_FULL_VERSION`, and must leave the modules under
   * `/opt/lib/modules/${KERNEL_FULL_VERSION}/` in its final stage.
   */
  public static dockerfile(text: string): ModuleSource {
    return new DockerfileSource(text);
  }

  /** Use vendor images built per kernel; nothing is built on the cluster. */
  public static prebuilt(props: PrebuiltSourceProps): ModuleSource {
    return new PrebuiltSource(props);
  }

  /** Which kind of source this is. */
  public abstract readonly kind: 'git' | 'dockerfile' | 'prebuilt';
}

/** A module source in a git repository, built with `make` (or `buildCommand`) on the Driver Toolkit. */
export interface GitSourceProps {
  /** Repository URL (https or ssh). */
  readonly url: string;
  /** Branch, tag or commit to build. Pin a tag or commit for reproducible builds. */
  readonly ref: string;
  /** Directory inside the repository that holds the module's Makefile. @default - the repository root */
  readonly contextDir?: string;
  /**
   * One-line shell command that builds the `.ko` files, run in `contextDir`; `KERNEL_FULL_VERSION`,
   * `KERNEL_SRC` (the kernel-devel tree) and, with `firmwarePath`, `KMOD_FIRMWARE_DIR` (copy firmware
   * files there) are set in its environment. @default "make -C $KERNEL_SRC M=$PWD modules"
   */
  readonly buildCommand?: string;
}

/** Vendor images per kernel: a template, an explicit map, or both (the map wins). */
export interface PrebuiltSourceProps {
  /** Image reference with `${KERNEL_FULL_VERSION}` in it, e.g. `quay.io/acme/gpfs:${KERNEL_FULL_VERSION}`. @default - only `images` */
  readonly image?: string;
  /** Kernel release → image reference. @default - only `image` */
  readonly images?: Readonly<Record<string, string>>;
}

export class GitSource extends ModuleSource {
  public readonly kind = 'git' as const;
  constructor(public readonly props: GitSourceProps) {
    super();
  }
}

export class DockerfileSource extends ModuleSource {
  public readonly kind = 'dockerfile' as const;
  constructor(public readonly text: string) {
    super();
  }
}

export class PrebuiltSource extends ModuleSource {
  public readonly kind = 'prebuilt' as const;
  constructor(public readonly props: PrebuiltSourceProps) {
    super();
  }

  /** The image for `kernel`, or undefined when neither the map nor a template covers it. */
  public imageFor(kernel: string): string | undefined {
    const mapped = this.props.images?.[kernel];
    if (mapped !== undefined) return mapped;
    return this.props.image?.split('${KERNEL_FULL_VERSION}').join(kernel);
  }
}
