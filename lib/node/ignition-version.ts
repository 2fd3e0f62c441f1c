import { ProblemCollector } from '../errors';
import { OpenShiftRelease } from '../release/release-catalog';
import { OpenShiftVersion } from '../release/openshift-version';

/**
 * An Ignition config spec version that a MachineConfig's `spec.config.ignition.version` may carry.
 *
 * The MCO parses any 3.x version up to the newest its release knows and translates it up, so an
 * older version is always accepted by a newer release; a newer one fails the pool's render
 * ("parsing Ignition config failed: unknown version") after `kubectl apply` already succeeded.
 */
export class IgnitionVersion {
  public static readonly V3_0_0 = new IgnitionVersion(3, 0, 0);
  public static readonly V3_1_0 = new IgnitionVersion(3, 1, 0);
  public static readonly V3_2_0 = new IgnitionVersion(3, 2, 0);
  public static readonly V3_3_0 = new IgnitionVersion(3, 3, 0);
  public static readonly V3_4_0 = new IgnitionVersion(3, 4, 0);
  public static readonly V3_5_0 = new IgnitionVersion(3, 5, 0);

  /** Every version the library can emit, oldest first (3.6.0 is accepted by no MCO release). */
  public static readonly ALL: ReadonlyArray<IgnitionVersion> = [
    IgnitionVersion.V3_0_0, IgnitionVersion.V3_1_0, IgnitionVersion.V3_2_0,
    IgnitionVersion.V3_3_0, IgnitionVersion.V3_4_0, IgnitionVersion.V3_5_0,
  ];

  /** The version with this text (`3.2.0`), or undefined. */
  public static tryParse(text: string): IgnitionVersion | undefined {
    return IgnitionVersion.ALL.find((v) => v.text === text);
  }

  /**
   * The newest Ignition version the MCO of an OpenShift release accepts in MachineConfigs
   * (from the `ign3types` import of the MCO release branch): 3.1.0 on 4.6, 3.2.0 on 4.7–4.13,
   * 3.4.0 on 4.14–4.18, 3.5.0 on 4.19 and later. Undefined for releases before 4.6.
   */
  public static maxForRelease(version: OpenShiftVersion): IgnitionVersion | undefined {
    if (version.atLeast(4, 19)) return IgnitionVersion.V3_5_0;
    if (version.atLeast(4, 14)) return IgnitionVersion.V3_4_0;
    if (version.atLeast(4, 7)) return IgnitionVersion.V3_2_0;
    if (version.atLeast(4, 6)) return IgnitionVersion.V3_1_0;
    return undefined;
  }

  /**
   * The version for a cluster running `releases` (two during an upgrade): the newest version
   * that *every* release accepts, i.e. the lower release's maximum. Undefined when a release is
   * older than 4.6.
   */
  public static forReleases(releases: ReadonlyArray<OpenShiftRelease>): IgnitionVersion | undefined {
    let chosen: IgnitionVersion | undefined;
    for (const release of releases) {
      const max = IgnitionVersion.maxForRelease(release.version);
      if (!max) return undefined;
      if (!chosen || max.compare(chosen) < 0) chosen = max;
    }
    return chosen;
  }

  /**
   * Resolves the version a cluster's MachineConfigs carry: `pinned` when given and accepted by
   * every release, else `forReleases`. Problems go to `problems` at `path`.
   */
  public static resolve(
    releases: ReadonlyArray<OpenShiftRelease>,
    pinned: string | undefined,
    problems: ProblemCollector,
    path: ReadonlyArray<string | number>,
  ): IgnitionVersion {
    const max = IgnitionVersion.forReleases(releases);
    if (!max) {
      problems.add(path, 'machine configs need OpenShift 4.6 or later', releases.map((r) => r.version.toString()).join(', '), 'releases 4.6 and later');
      return IgnitionVersion.V3_1_0;
    }
    if (pinned === undefined) return max;
    const version = IgnitionVersion.tryParse(pinned);
    const allowed = IgnitionVersion.ALL.filter((v) => v.compare(max) <= 0).map((v) => v.text).join(', ');
    if (!version) {
      problems.add(path, 'unknown ignition spec version', pinned, allowed);
      return max;
    }
    if (version.compare(max) > 0) {
      const names = releases.map((r) => r.version.toString()).join(' and ');
      problems.add(path, `ignition ${version.text} is newer than release ${names} accepts (the machine config pool would fail to render)`, pinned, allowed);
      return max;
    }
    return version;
  }

  /** `3.2.0`. */
  public readonly text: string;

  private constructor(public readonly major: number, public readonly minor: number, public readonly patch: number) {
    this.text = `${major}.${minor}.${patch}`;
  }

  /** Negative when older than `other`, 0 when equal, positive when newer. */
  public compare(other: IgnitionVersion): number {
    return this.major - other.major || this.minor - other.minor || this.patch - other.patch;
  }

  public toString(): string {
    return this.text;
  }
}
