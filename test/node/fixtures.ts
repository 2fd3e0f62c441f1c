import { Fleet } from '../../lib/fleet/fleet';
import { Cluster, ClusterProps } from '../../lib/fleet/cluster';
import { KernelModuleProps } from '../../lib/module/kernel-module';
import { ModuleSource } from '../../lib/module/module-source';
import { OpenShiftRelease, OpenShiftReleaseProps } from '../../lib/release/release-catalog';

const DIGEST = `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'a'.repeat(64)}`;

/** One release per minor that changes a node rule: Ignition version, extensions, node disruption policies. */
export const RELEASE_VERSIONS = ['4.6.1', '4.7.0', '4.11.0', '4.12.0', '4.13.0', '4.14.0', '4.16.0', '4.17.0', '4.18.0', '4.19.0', '4.21.0', '4.22.0', '5.0.0'];

export function releaseProps(version: string): OpenShiftReleaseProps {
  const [, minor] = version.split('.').map(Number);
  const rhel9 = version.startsWith('5.') || minor >= 13;
  const kernel = rhel9 ? `5.14.0-${minor * 10}.1.el9_2.x86_64` : `4.18.0-${minor * 10}.1.el8_6.x86_64`;
  return {
    version,
    kernel,
    realtimeKernel: rhel9 ? `${kernel}+rt` : `4.18.0-${minor * 10}.1.rt7.1.el8_6.x86_64`,
    driverToolkitImage: DIGEST,
  };
}

/** An aarch64 release: the only kind with a 64k-pages kernel (the MCO accepts 64k-pages only on aarch64). */
export const AARCH64_RELEASE = '4.18.1';

export function aarch64ReleaseProps(): OpenShiftReleaseProps {
  const kernel = '5.14.0-181.1.el9_2.aarch64';
  return { version: AARCH64_RELEASE, kernel, kernel64k: `${kernel}+64k`, driverToolkitImage: DIGEST };
}

export function release(version: string): OpenShiftRelease {
  return new OpenShiftRelease(releaseProps(version));
}

export const NVIDIA: KernelModuleProps = {
  name: 'nvidia',
  version: '550.90.07',
  loadOrder: [{ name: 'nvidia' }, { name: 'nvidia_uvm' }],
  source: ModuleSource.dockerfile('FROM scratch\n'),
  blacklist: ['nouveau'],
  blacklistOnKernelCommandLine: true,
  loadAtBoot: ['ipmi_devintf'],
};

export const SCALE: KernelModuleProps = {
  name: 'gpfs',
  version: '5.2.1',
  loadOrder: [{ name: 'tracedev' }, { name: 'mmfslinux' }, { name: 'mmfs26' }],
  source: ModuleSource.dockerfile('FROM scratch\n'),
  loadAtBoot: ['ipmi_devintf', 'sg'],
};

export function fleet(extraModules: ReadonlyArray<KernelModuleProps> = []): Fleet {
  return new Fleet({ releases: [...RELEASE_VERSIONS.map(releaseProps), aarch64ReleaseProps()], modules: [NVIDIA, SCALE, ...extraModules] });
}

export function cluster(props: ClusterProps, name = 'c1', extraModules: ReadonlyArray<KernelModuleProps> = []): Cluster {
  return fleet(extraModules).addCluster(name, props);
}

/** The objects a cluster synthesizes, as plain JSON. */
export function objects(c: Cluster): any[] {
  return c.toJson();
}

export function ofKind(c: Cluster, kind: string): any[] {
  return objects(c).filter((o) => o.kind === kind);
}

/** Runs `fn` and returns the messages of the FleetValidationError it throws (fails when it does not throw one). */
export function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e: any) {
    if (e?.name === 'FleetValidationError') return e.message.split('\n').slice(1);
    throw e;
  }
  throw new Error('expected a FleetValidationError, nothing was thrown');
}
