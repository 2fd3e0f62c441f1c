/**
 * A kernel release string as `uname -r` prints it, e.g. `5.14.0-427.50.1.el9_4.x86_64` or the
 * realtime `5.14.0-427.50.1.el9_4.x86_64+rt`.
 */
export class KernelVersion {
  /** `uname -r` shape: x.y.z, '-', then release/arch/flavour characters. */
  public static readonly PATTERN = /^(\d+)\.(\d+)\.(\d+)-([A-Za-z0-9._+~-]+)$/;

  /** Parses a kernel release; throws on anything `uname -r` would not print. */
  public static parse(full: string): KernelVersion {
    const match = KernelVersion.PATTERN.exec(full);
    if (!match || full.length > 128) {
      throw new Error(`"${full}" is not a kernel release (expected uname -r form such as 5.14.0-427.50.1.el9_4.x86_64)`);
    }
    return new KernelVersion(full, Number(match[1]), Number(match[2]), Number(match[3]));
  }

  /** True when `full` has the shape of a kernel release. */
  public static isValid(full: string): boolean {
    return full.length <= 128 && KernelVersion.PATTERN.test(full);
  }

  private constructor(
    /** The full release string, exactly as `uname -r` prints it. */
    public readonly full: string,
    public readonly major: number,
    public readonly minor: number,
    public readonly patch: number,
  ) {}

  /** True for a realtime kernel (`+rt` on RHEL 9, `.rt` on RHEL 8). */
  public get isRealtime(): boolean {
    return /\+rt\b|\.rt\d/.test(this.full);
  }

  /**
   * The value Node Feature Discovery puts in `feature.node.kubernetes.io/kernel-version.full`:
   * every character outside `[-A-Za-z0-9_.]` becomes '_', then leading and trailing '-', '_'
   * and '.' are trimmed (so `…x86_64+rt` is labelled `…x86_64_rt`).
   */
  public get nfdLabelValue(): string {
    return this.full.replace(/[^-A-Za-z0-9_.]/g, '_').replace(/^[-_.]+|[-_.]+$/g, '');
  }

  /**
   * A short, DNS-label-safe token for object names, e.g. `5.14.0-427.50.1.el9_4.x86_64+rt` →
   * `5-14-0-427-50-1-el9-4-x86-64-rt`.
   */
  public get nameToken(): string {
    return this.full.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  }

  public toString(): string {
    return this.full;
  }
}

/** The NFD node label that carries the node's full kernel release. */
export const NFD_KERNEL_LABEL = 'feature.node.kubernetes.io/kernel-version.full';
