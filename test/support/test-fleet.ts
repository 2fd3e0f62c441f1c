import { Fleet, FleetProps } from '../../lib/fleet/fleet';
import { KernelModuleProps } from '../../lib/module/kernel-module';
import { ModuleSource } from '../../lib/module/module-source';
import { OpenShiftReleaseProps } from '../../lib/release/release-catalog';

const digest = (seed: string): string => seed.repeat(64).slice(0, 64);

/** Two example releases: 4.18.12 (RHEL 9.4 kernel) and 4.19.3 (RHEL 9.6 kernel), with realtime kernels. */
export const TEST_RELEASES: OpenShiftReleaseProps[] = [
  {
    version: '4.18.12',
    kernel: '5.14.0-427.50.1.el9_4.x86_64',
    realtimeKernel: '5.14.0-427.50.1.el9_4.x86_64+rt',
    driverToolkitImage: `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${digest('a')}`,
    example: true,
  },
  {
    version: '4.19.3',
    kernel: '5.14.0-570.22.1.el9_6.x86_64',
    realtimeKernel: '5.14.0-570.22.1.el9_6.x86_64+rt',
    driverToolkitImage: `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${digest('b')}`,
    example: true,
  },
];

/** A module built from git, with two .ko files and a parameter. */
export const GIT_MODULE: KernelModuleProps = {
  name: 'simple-kmod',
  version: '1.0.0',
  source: ModuleSource.git({ url: 'https://github.com/kmods-via-containers/simple-kmod.git', ref: 'v1.0.0' }),
  loadOrder: [{ name: 'simple-kmod', parameters: { greeting: 'hi' } }, { name: 'simple-procfs-kmod' }],
};

/** A prebuilt module whose image template covers every kernel. */
export const PREBUILT_MODULE: KernelModuleProps = {
  name: 'gpfs',
  version: '5.2.3.1',
  source: ModuleSource.prebuilt({ image: 'registry.example.com/gpfs/kmods:5.2.3.1-${KERNEL_FULL_VERSION}' }),
  loadOrder: [{ name: 'tracedev' }, { name: 'mmfslinux' }, { name: 'mmfs26' }],
  keepLoadedOnStop: true,
};

/** A fleet with the test releases and modules and no clusters yet. */
export function testFleet(props: FleetProps = {}): Fleet {
  return new Fleet({ releases: TEST_RELEASES, modules: [GIT_MODULE, PREBUILT_MODULE], ...props });
}
