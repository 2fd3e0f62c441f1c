import { ProblemCollector } from '../errors';
import { OpenShiftVersion } from '../release/openshift-version';
import { OpenShiftRelease } from '../release/release-catalog';
import { KernelType } from './kernel-type';

/** A `major.minor` OpenShift release line. */
interface MinorRelease {
  readonly major: number;
  readonly minor: number;
}

/**
 * An RHCOS extension: a name the MCO accepts in MachineConfig `spec.extensions`, with the
 * releases that offer it. Source: `SupportedExtensions()` of each MCO release branch
 * (`pkg/controller/common/helpers.go` from 4.16, `pkg/daemon/update.go` before); any other name
 * fails the pool's render with "invalid extensions found".
 */
export class RhcosExtension {
  /** USBGuard (4.6+). */
  public static readonly USBGUARD = new RhcosExtension('usbguard', 'usbguard', { major: 4, minor: 6 });
  /** kernel-devel and kernel-headers of the default kernel (4.6+); builds should use the Driver Toolkit instead. */
  public static readonly KERNEL_DEVEL = new RhcosExtension('kernel-devel', 'kernel-devel, kernel-headers', { major: 4, minor: 6 });
  /** Kata containers (4.8+; not on OKD). */
  public static readonly SANDBOXED_CONTAINERS = new RhcosExtension('sandboxed-containers', 'kata-containers', { major: 4, minor: 8 });
  /** Kerberos client tools (4.11+). */
  public static readonly KERBEROS = new RhcosExtension('kerberos', 'krb5-workstation, libkadm5', { major: 4, minor: 11 });
  /** IPsec through libreswan (4.14+). */
  public static readonly IPSEC = new RhcosExtension('ipsec', 'NetworkManager-libreswan, libreswan', { major: 4, minor: 14 });
  /** WebAssembly runtime crun-wasm (4.14 to 4.21; removed in 4.22). */
  public static readonly WASM = new RhcosExtension('wasm', 'crun-wasm', { major: 4, minor: 14 }, { major: 4, minor: 22 });
  /** sysstat (4.18+). */
  public static readonly SYSSTAT = new RhcosExtension('sysstat', 'sysstat', { major: 4, minor: 18 });
  /** Pacemaker for two-node clusters (4.19+). */
  public static readonly TWO_NODE_HA = new RhcosExtension('two-node-ha', 'pacemaker, pcs, fence-agents-all', { major: 4, minor: 19 });

  /** Every extension any release offers, in the order the MCO lists them. */
  public static readonly ALL: ReadonlyArray<RhcosExtension> = [
    RhcosExtension.USBGUARD, RhcosExtension.KERNEL_DEVEL, RhcosExtension.SANDBOXED_CONTAINERS, RhcosExtension.KERBEROS,
    RhcosExtension.IPSEC, RhcosExtension.WASM, RhcosExtension.SYSSTAT, RhcosExtension.TWO_NODE_HA,
  ];

  /** The extension of this name, or undefined for a name no release accepts. */
  public static tryGet(name: string): RhcosExtension | undefined {
    return RhcosExtension.ALL.find((e) => e.name === name);
  }

  /** Names of the extensions `version` accepts, in catalog order. */
  public static namesFor(version: OpenShiftVersion): string[] {
    return RhcosExtension.ALL.filter((e) => e.isAvailableIn(version)).map((e) => e.name);
  }

  private constructor(
    /** The name in `spec.extensions`. */
    public readonly name: string,
    /** The RPMs the MCO installs for it (for documentation). */
    public readonly packages: string,
    /** First release line that offers it. */
    public readonly since: MinorRelease,
    /** First release line that no longer offers it. @default - still offered */
    public readonly removedIn?: MinorRelease,
  ) {}

  /** True when the MCO of `version` accepts this extension. */
  public isAvailableIn(version: OpenShiftVersion): boolean {
    if (!version.atLeast(this.since.major, this.since.minor)) return false;
    return !this.removedIn || !version.atLeast(this.removedIn.major, this.removedIn.minor);
  }

  /** True when the MCO accepts the extension together with `kernelType` (kernel-devel matches the default kernel only). */
  public supportsKernelType(kernelType: KernelType): boolean {
    return this !== RhcosExtension.KERNEL_DEVEL || kernelType === KernelType.DEFAULT;
  }

  /** Which releases offer it, e.g. `4.14 to 4.21`. */
  public get availability(): string {
    const since = `${this.since.major}.${this.since.minor}`;
    if (!this.removedIn) return `${since} and later`;
    return `${since} until before ${this.removedIn.major}.${this.removedIn.minor}`;
  }
}

/**
 * Records problems with extension names for a pool running `kernelType` on a cluster that runs
 * `releases` (both releases during an upgrade): unknown names, names a release does not (yet or
 * any more) offer, repeats, and `kernel-devel` with a realtime or 64k-pages kernel.
 */
export function checkExtensions(
  names: ReadonlyArray<unknown>,
  kernelType: KernelType,
  releases: ReadonlyArray<OpenShiftRelease>,
  problems: ProblemCollector,
  path: ReadonlyArray<string | number>,
): void {
  const offeredByAll = RhcosExtension.ALL.filter((e) => releases.every((r) => e.isAvailableIn(r.version))).map((e) => e.name);
  const allowed = offeredByAll.length > 0 ? offeredByAll.join(', ') : 'none';
  const seen = new Set<string>();
  names.forEach((name, i) => {
    const extension = typeof name === 'string' ? RhcosExtension.tryGet(name) : undefined;
    if (!extension) {
      const hint = name === 'kernel-headers' ? ' (kernel-headers comes with kernel-devel)' : '';
      problems.add([...path, i], `unknown rhcos extension${hint}`, name, allowed);
      return;
    }
    for (const release of releases) {
      if (!extension.isAvailableIn(release.version)) {
        problems.add([...path, i], `release ${release.version} does not offer the ${extension.name} extension (offered in ${extension.availability})`,
          name, allowed);
      }
    }
    if (!extension.supportsKernelType(kernelType)) {
      problems.add([...path, i], `the MCO does not install ${extension.name} with kernelType ${kernelType} (it matches the default kernel only)`,
        name, 'kernel-devel only with the default kernel; modules for other kernels are built on the Driver Toolkit');
    }
    if (seen.has(extension.name)) problems.add([...path, i], 'extension listed twice', name);
    seen.add(extension.name);
  });
}
