import { Fleet } from '../../lib/fleet/fleet';
import { KernelModuleProps } from '../../lib/module/kernel-module';
import { ModuleSource } from '../../lib/module/module-source';
import { KernelType } from '../../lib/node/kernel-type';
import { OpenShiftReleaseProps } from '../../lib/release/release-catalog';

/** Example releases (example data, not read off real releases). */
export const RELEASES: OpenShiftReleaseProps[] = [
  {
    version: '4.18.12',
    kernel: '5.14.0-427.50.1.el9_4.x86_64',
    realtimeKernel: '5.14.0-427.50.1.el9_4.x86_64+rt',
    driverToolkitImage: `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'a'.repeat(64)}`,
    example: true,
  },
  {
    version: '4.19.3',
    kernel: '5.14.0-570.19.1.el9_6.x86_64',
    realtimeKernel: '5.14.0-570.19.1.el9_6.x86_64+rt',
    driverToolkitImage: `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'b'.repeat(64)}`,
    example: true,
  },
];

export const GIT_MODULE: KernelModuleProps = {
  name: 'simple-kmod',
  version: '1.0.0',
  loadOrder: [{ name: 'simple_kmod', parameters: { greeting: 'hi' } }, { name: 'simple_procfs_kmod' }],
  source: ModuleSource.git({ url: 'https://github.com/openshift-psap/simple-kmod.git', ref: 'v1.0.0' }),
};

export const SIGNED_MODULE: KernelModuleProps = {
  name: 'signed-kmod',
  version: '2.1',
  loadOrder: [{ name: 'signed_kmod' }],
  source: ModuleSource.git({ url: 'https://git.example.com/acme/signed.git', ref: 'main', contextDir: 'driver', buildCommand: "make KVER=\"$KERNEL_FULL_VERSION\" KDIR=\"$KERNEL_SRC\" all && echo 'done'" }),
  firmwarePath: '/firmware',
  signing: { keySecret: 'kmod-signing-key', certSecret: 'kmod-signing-cert' },
};

export const EXTERNAL_MODULE: KernelModuleProps = {
  name: 'nic-driver',
  version: '3.4.5',
  loadOrder: [{ name: 'acme_nic' }],
  source: ModuleSource.dockerfile('ARG DTK_IMAGE\nFROM ${DTK_IMAGE} AS build\nARG KERNEL_FULL_VERSION\nRUN make\nFROM registry.access.redhat.com/ubi9/ubi-minimal:9.6\nCOPY --from=build /opt/lib/modules/ /opt/lib/modules/\n'),
  imageRepository: 'quay.io/acme/nic-driver',
  imagePullSecret: 'acme-push',
  signing: { keySecret: 'sb-key', certSecret: 'sb-cert' },
};

export const PREBUILT_MODULE: KernelModuleProps = {
  name: 'gpfs',
  version: '5.2.1',
  loadOrder: [{ name: 'tracedev' }, { name: 'mmfslinux' }, { name: 'mmfs26' }],
  source: ModuleSource.prebuilt({
    images: {
      '5.14.0-427.50.1.el9_4.x86_64': `quay.io/acme/gpfs@sha256:${'c'.repeat(64)}`,
      '5.14.0-570.19.1.el9_6.x86_64': 'quay.io/acme/gpfs:5.2.1-570',
    },
  }),
};

/** A fleet with one module of every kind. */
export function buildFleet(modules: KernelModuleProps[] = [GIT_MODULE, SIGNED_MODULE, EXTERNAL_MODULE, PREBUILT_MODULE]): Fleet {
  return new Fleet({ releases: RELEASES, modules });
}

/** A cluster upgrading 4.18 → 4.19 with a default-kernel pool and a realtime pool. */
export function upgradingCluster(fleet = buildFleet()) {
  return fleet.addCluster('edge-1', {
    release: '4.18.12',
    upgradeTo: '4.19.3',
    pools: {
      gpu: { nodeSelector: { 'kmods.example.com/pool': 'gpu' }, modules: ['simple-kmod', 'signed-kmod', 'gpfs'] },
      rt: { nodeSelector: { 'kmods.example.com/pool': 'rt' }, kernelType: KernelType.REALTIME, modules: ['simple-kmod', 'nic-driver'] },
    },
  });
}
