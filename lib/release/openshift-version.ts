/** An OpenShift release number `major.minor.patch`, e.g. `4.18.12`. */
export class OpenShiftVersion {
  public static readonly PATTERN = /^(\d+)\.(\d+)\.(\d+)$/;

  public static parse(text: string): OpenShiftVersion {
    const match = OpenShiftVersion.PATTERN.exec(text);
    if (!match) throw new Error(`"${text}" is not an OpenShift release (expected major.minor.patch such as 4.18.12)`);
    return new OpenShiftVersion(Number(match[1]), Number(match[2]), Number(match[3]));
  }

  public static isValid(text: string): boolean {
    return OpenShiftVersion.PATTERN.test(text);
  }

  private constructor(
    public readonly major: number,
    public readonly minor: number,
    public readonly patch: number,
  ) {}

  /** `major.minor`, e.g. `4.18`. */
  public get minorVersion(): string {
    return `${this.major}.${this.minor}`;
  }

  /** Negative when this is older than `other`, 0 when equal, positive when newer. */
  public compare(other: OpenShiftVersion): number {
    return this.major - other.major || this.minor - other.minor || this.patch - other.patch;
  }

  /** True when this release is at least `major.minor` (any patch). */
  public atLeast(major: number, minor: number): boolean {
    return this.major > major || (this.major === major && this.minor >= minor);
  }

  public toString(): string {
    return `${this.major}.${this.minor}.${this.patch}`;
  }
}
