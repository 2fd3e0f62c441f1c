import { ProblemCollector } from '../errors';

/** An image reference: registry/path with an optional tag and/or digest. */
/**
 * An image reference (registry host[:port], path, optional tag and digest). Written so that no
 * string can be split two ways (host labels joined by '.'; path components are `[a-z0-9]` words
 * joined by one separator), which keeps matching linear.
 */
export const IMAGE_REF = /^[a-z0-9]([a-z0-9_-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

/**
 * How a consumer treats each kind of source, for the one place that must branch on the kind
 * (e.g. the Dockerfile renderer): `source.accept(visitor)` calls the method for its own kind,
 * and a new kind fails to compile until every visitor handles it.
 */
export interface ModuleSourceVisitor<T> {
  git(source: GitSource): T;
  dockerfile(source: DockerfileSource): T;
  prebuilt(source: PrebuiltSource): T;
}

/**
 * Where a kernel module's per-kernel image comes from, and what that means for builds, loaders
 * and KMM: each kind answers for itself (`buildsOnCluster`, `imageFor`, `validate`, …).
 * Create one with a static factory.
 */
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
  /** True when the cluster (a BuildConfig, or KMM) builds the images; false for vendor images. */
  public abstract readonly buildsOnCluster: boolean;
  /**
   * Where the built image keeps the `.ko` files below `/opt/lib/modules/<kernel>`: `/extra`
   * for our git build (`make modules_install`), `` for a user Dockerfile.
   */
  public readonly modulesSubdir: string = '';
  /** True when a KMM build must pass `DTK_IMAGE` as a build arg (a Dockerfile that does not use KMM's `DTK_AUTO`). */
  public get kmmNeedsDtkImageArg(): boolean {
    return false;
  }

  /** The vendor image for `kernel`, or undefined (built on the cluster, or not covered). */
  public imageFor(_kernel: string): string | undefined {
    return undefined;
  }

  /** Kernels with an image of their own (a prebuilt map), kernel → image. */
  public get explicitImages(): Readonly<Record<string, string>> {
    return {};
  }

  /** True when every kernel's image follows one `${KERNEL_FULL_VERSION}` template. */
  public get hasImageTemplate(): boolean {
    return true;
  }

  /** Adds this source's problems (paths under `source`). */
  public abstract validate(problems: ProblemCollector): void;

  /** Calls the visitor's method for this kind. */
  public abstract accept<T>(visitor: ModuleSourceVisitor<T>): T;

  /**
   * The source as plain data (structured-clone and JSON safe) that `moduleSourceFromData`
   * turns back into an equal source, or undefined when this source is not one of the library's
   * own kinds (a subclass may behave differently, so it cannot be rebuilt from data).
   */
  public toData(): ModuleSourceData | undefined {
    return undefined;
  }
}

/** A ModuleSource as plain data: see `ModuleSource.toData` and `moduleSourceFromData`. */
export type ModuleSourceData =
  | { readonly git: GitSourceProps }
  | { readonly dockerfile: string }
  | { readonly prebuilt: PrebuiltSourceProps };

/** The ModuleSource that `data` (from `ModuleSource.toData`) describes. */
export function moduleSourceFromData(data: ModuleSourceData): ModuleSource {
  if ('git' in data) return ModuleSource.git(data.git);
  if ('dockerfile' in data) return ModuleSource.dockerfile(data.dockerfile);
  return ModuleSource.prebuilt(data.prebuilt);
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
  public readonly buildsOnCluster = true;
  public readonly modulesSubdir = '/extra';
  constructor(public readonly props: GitSourceProps) {
    super();
  }

  public validate(problems: ProblemCollector): void {
    const { url, ref, contextDir, buildCommand } = this.props;
    if (!/^(https:\/\/|ssh:\/\/|git@)[^\s'"`$\\]+$/.test(url ?? '')) problems.add(['source', 'git', 'url'], 'not a git URL', url, 'https://…, ssh://… or git@host:path');
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/.test(ref ?? '')) problems.add(['source', 'git', 'ref'], 'not a git ref', ref, "a branch, tag or commit: letters, digits, '.', '_', '/', '-'");
    if (contextDir !== undefined && (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(contextDir) || contextDir.split('/').includes('..'))) {
      problems.add(['source', 'git', 'contextDir'], 'not a directory inside the repository', contextDir, "a relative path of plain segments without '..', e.g. kernel/driver");
    }
    if (buildCommand !== undefined && (typeof buildCommand !== 'string' || !/^[\x20-\x7e]{1,2048}$/.test(buildCommand) || buildCommand.trim() === '')) {
      problems.add(['source', 'git', 'buildCommand'], 'build command must be one line of printable ASCII, at most 2048 characters', buildCommand);
    }
  }

  public accept<T>(visitor: ModuleSourceVisitor<T>): T {
    return visitor.git(this);
  }

  public toData(): ModuleSourceData | undefined {
    return Object.getPrototypeOf(this) === GitSource.prototype ? { git: this.props } : undefined;
  }
}

export class DockerfileSource extends ModuleSource {
  public readonly kind = 'dockerfile' as const;
  public readonly buildsOnCluster = true;
  constructor(public readonly text: string) {
    super();
  }

  /** KMM injects `DTK_AUTO` only when the Dockerfile mentions it; otherwise each mapping passes `DTK_IMAGE`. */
  public get kmmNeedsDtkImageArg(): boolean {
    return !this.text.includes('DTK_AUTO');
  }

  public validate(problems: ProblemCollector): void {
    if (typeof this.text !== 'string' || !/^\s*FROM\s/im.test(this.text)) problems.add(['source', 'dockerfile'], 'a Dockerfile needs at least one FROM line');
  }

  public accept<T>(visitor: ModuleSourceVisitor<T>): T {
    return visitor.dockerfile(this);
  }

  public toData(): ModuleSourceData | undefined {
    return Object.getPrototypeOf(this) === DockerfileSource.prototype ? { dockerfile: this.text } : undefined;
  }
}

export class PrebuiltSource extends ModuleSource {
  public readonly kind = 'prebuilt' as const;
  public readonly buildsOnCluster = false;
  constructor(public readonly props: PrebuiltSourceProps) {
    super();
  }

  /** The image for `kernel`, or undefined when neither the map nor a template covers it. */
  public imageFor(kernel: string): string | undefined {
    const mapped = this.props.images?.[kernel];
    if (mapped !== undefined) return mapped;
    return this.props.image?.split('${KERNEL_FULL_VERSION}').join(kernel);
  }

  public get explicitImages(): Readonly<Record<string, string>> {
    return this.props.images ?? {};
  }

  public get hasImageTemplate(): boolean {
    return this.props.image !== undefined;
  }

  public validate(problems: ProblemCollector): void {
    const { image, images } = this.props;
    if (image === undefined && (images === undefined || Object.keys(images).length === 0)) {
      problems.add(['source', 'prebuilt'], 'give an image template or a kernel → image map');
    }
    if (image !== undefined) {
      if (!image.includes('${KERNEL_FULL_VERSION}')) {
        problems.add(['source', 'prebuilt', 'image'], 'the image template must contain ${KERNEL_FULL_VERSION} so each kernel gets its own image', image);
      } else if (!IMAGE_REF.test(image.split('${KERNEL_FULL_VERSION}').join('5.14.0-1.el9.x86_64'))) {
        problems.add(['source', 'prebuilt', 'image'], 'not an image reference', image);
      }
    }
    for (const [kernel, ref] of Object.entries(images ?? {})) {
      if (!IMAGE_REF.test(ref) || !/[:@]/.test(ref.slice(ref.lastIndexOf('/')))) {
        problems.add(['source', 'prebuilt', 'images', kernel], 'not an image reference with a tag or digest', ref);
      }
    }
  }

  public accept<T>(visitor: ModuleSourceVisitor<T>): T {
    return visitor.prebuilt(this);
  }

  public toData(): ModuleSourceData | undefined {
    return Object.getPrototypeOf(this) === PrebuiltSource.prototype ? { prebuilt: this.props } : undefined;
  }
}
