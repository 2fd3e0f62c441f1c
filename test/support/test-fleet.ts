import type { ClusterProps } from '../../lib/plan/cluster-props';
import { Fleet, FleetProps } from '../../lib/fleet/fleet';
import { GitOpsEngine, GitOpsProps } from '../../lib/gitops/gitops-props';
import { KernelModuleProps, LoaderKind } from '../../lib/module/kernel-module';
import { KernelType } from '../../lib/node/kernel-type';
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

/** A git module built with a custom command, firmware and Secure Boot signing. */
export const SIGNED_MODULE: KernelModuleProps = {
  name: 'signed-kmod',
  version: '2.1',
  loadOrder: [{ name: 'signed_kmod' }],
  source: ModuleSource.git({ url: 'https://git.example.com/acme/signed.git', ref: 'main', contextDir: 'driver', buildCommand: "make KVER=\"$KERNEL_FULL_VERSION\" KDIR=\"$KERNEL_SRC\" all && echo 'done'" }),
  firmwarePath: '/firmware',
  signing: { keySecret: 'kmod-signing-key', certSecret: 'kmod-signing-cert' },
};

/** A module from the user's Dockerfile, pushed to an external repository, signed. */
export const EXTERNAL_MODULE: KernelModuleProps = {
  name: 'nic-driver',
  version: '3.4.5',
  loadOrder: [{ name: 'acme_nic' }],
  source: ModuleSource.dockerfile('ARG DTK_IMAGE\nFROM ${DTK_IMAGE} AS build\nARG KERNEL_FULL_VERSION\nRUN make\nFROM registry.access.redhat.com/ubi9/ubi-minimal:9.6\nCOPY --from=build /opt/lib/modules/ /opt/lib/modules/\n'),
  imageRepository: 'quay.io/acme/nic-driver',
  imagePullSecret: 'acme-push',
  signing: { keySecret: 'sb-key', certSecret: 'sb-cert' },
};

/** A prebuilt module with an explicit kernel → image map (one image by digest, one by tag). */
export const PREBUILT_BY_KERNEL_MODULE: KernelModuleProps = {
  name: 'gpfs',
  version: '5.2.1',
  loadOrder: [{ name: 'tracedev' }, { name: 'mmfslinux' }, { name: 'mmfs26' }],
  source: ModuleSource.prebuilt({
    images: {
      '5.14.0-427.50.1.el9_4.x86_64': `quay.io/acme/gpfs@sha256:${'c'.repeat(64)}`,
      '5.14.0-570.22.1.el9_6.x86_64': 'quay.io/acme/gpfs:5.2.1-570',
    },
  }),
};

/** A git-built GPU driver with a blacklist (the bench's and the examples' NVIDIA shape). */
export const NVIDIA_MODULE: KernelModuleProps = {
  name: 'nvidia',
  version: '570.148.08',
  source: ModuleSource.git({ url: 'https://github.com/NVIDIA/open-gpu-kernel-modules.git', ref: '570.148.08' }),
  loadOrder: [{ name: 'nvidia', parameters: { NVreg_OpenRmEnableUnsupportedGpus: '1' } }, { name: 'nvidia-modeset' }, { name: 'nvidia-uvm' }],
  blacklist: ['nouveau'],
};

/** A module built from the user's Dockerfile and loaded by KMM. */
export const VENDOR_NIC_MODULE: KernelModuleProps = {
  name: 'vendor-nic',
  version: '2.1.0',
  source: ModuleSource.dockerfile('ARG DTK_IMAGE\nFROM ${DTK_IMAGE}\nRUN make -C /src modules\n'),
  loadOrder: [{ name: 'vendor_nic', parameters: { queues: '8' } }],
  loader: LoaderKind.KMM,
};

/** A fleet with the test releases and modules and no clusters yet. */
export function testFleet(props: FleetProps = {}): Fleet {
  return new Fleet({ releases: TEST_RELEASES, modules: [GIT_MODULE, PREBUILT_MODULE], ...props });
}

/** A fleet with one module of every build kind (git, signed git, Dockerfile to an external repository, prebuilt by map). */
export function buildFleet(modules: KernelModuleProps[] = [GIT_MODULE, SIGNED_MODULE, EXTERNAL_MODULE, PREBUILT_BY_KERNEL_MODULE]): Fleet {
  return testFleet({ modules });
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

export const GPU_PROD_ID = '11111111-2222-4333-8444-555555555555';
export const EDGE_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

/**
 * The GitOps fixture fleet: two clusters covering every kind the GitOps wiring treats specially.
 * - gpu-prod: two pools, a git-built module loaded by DaemonSets, an upgrade under way (two
 *   kernels), Node Feature Discovery installed through OLM, an identity guard;
 * - edge-1: a prebuilt module loaded by KMM, the KMM operator installed through OLM, an upgrade
 *   (PreflightValidationOCP), rebootless module files (MachineConfiguration), an identity guard.
 * `clusters` overrides props per cluster.
 */
export function gitopsTestFleet(gitops: Partial<GitOpsProps> = {}, clusters: Record<string, Partial<ClusterProps>> = {}): Fleet {
  const fleet = new Fleet({
    releases: TEST_RELEASES,
    modules: [GIT_MODULE, { ...PREBUILT_MODULE, loader: LoaderKind.KMM, blacklist: ['nouveau'] }],
    gitops: {
      ...(gitops.engine === undefined ? { engines: [GitOpsEngine.ARGOCD, GitOpsEngine.FLUX] } : {}),
      repoURL: 'https://git.example.com/platform/fleet.git',
      ...gitops,
    },
  });
  fleet.addCluster('gpu-prod', {
    release: '4.18.12',
    upgradeTo: '4.19.3',
    clusterID: GPU_PROD_ID,
    installNodeFeatureDiscovery: true,
    pools: {
      gpu: { nodeSelector: { 'kmods.example.com/pool': 'gpu' }, modules: ['simple-kmod'], extensions: ['kernel-devel'] },
      storage: { nodeSelector: { 'kmods.example.com/pool': 'storage' } },
    },
    ...clusters['gpu-prod'],
  });
  fleet.addCluster('edge-1', {
    release: '4.18.12',
    upgradeTo: '4.19.3',
    namespace: 'edge-kmods',
    clusterID: EDGE_ID,
    installKmmOperator: true,
    rebootlessModuleFiles: true,
    pools: { nic: { modules: ['gpfs'] } },
    ...clusters['edge-1'],
  });
  return fleet;
}

/** Three modules, one per source kind; vendor-nic asks for the KMM loader, the others use DaemonSets. */
export const SIZED_FLEET_MODULES: ReadonlyArray<KernelModuleProps> = [NVIDIA_MODULE, PREBUILT_MODULE, VENDOR_NIC_MODULE];

/** Options of `fleetOfSize`. */
export interface FleetOfSizeOptions {
  /** Give each cluster its own cdk8s App (ours) or put them all in one (the bench's naive baseline). @default true */
  readonly appPerCluster?: boolean;
  /**
   * An edit, for the bench's warm re-synthesis: `cluster` changes the first cluster's gpu pool
   * (maxUnavailable 9), `module` changes the nvidia module's version (every cluster loads it).
   * @default - none
   */
  readonly edit?: 'cluster' | 'module';
}

/** Name of the i-th cluster of `fleetOfSize` (zero-padded so name order is index order). */
export function fleetOfSizeClusterName(i: number): string {
  return `cluster-${String(i).padStart(5, '0')}`;
}

/**
 * The fixture fleet at any size, shared by the tests and the bench (bench/bench-fleet.ts): each
 * cluster runs 4.18.12 and upgrades to 4.19.3 (two kernels), has two pools (gpu: nvidia +
 * vendor-nic; storage: gpfs + vendor-nic) and so deploys three modules with both loader kinds,
 * wired for Argo CD and Flux. Clusters differ slightly (maxUnavailable) so their output is not
 * identical. Clusters are defined by plan only, as the fleet.yaml loader does (synthesis holds
 * one cluster's constructs at a time); the one-App baseline adds (keeps) them instead.
 */
export function fleetOfSize(size: number, options: FleetOfSizeOptions = {}): Fleet {
  const fleet = new Fleet({
    releases: TEST_RELEASES,
    modules: options.edit === 'module'
      ? SIZED_FLEET_MODULES.map((m) => (m.name === 'nvidia' ? { ...m, version: '570.172.08' } : m))
      : SIZED_FLEET_MODULES,
    gitops: { engine: GitOpsEngine.BOTH, repoURL: 'https://git.example.com/platform/fleet.git' },
    appPerCluster: options.appPerCluster ?? true,
  });
  const add = options.appPerCluster === false ? fleet.addCluster.bind(fleet) : fleet.defineCluster.bind(fleet);
  for (let i = 0; i < size; i++) {
    add(fleetOfSizeClusterName(i), {
      release: '4.18.12',
      upgradeTo: '4.19.3',
      pools: {
        gpu: { maxUnavailable: options.edit === 'cluster' && i === 0 ? 9 : 1 + (i % 3), modules: ['nvidia', 'vendor-nic'] },
        storage: { maxUnavailable: `${10 + (i % 5) * 5}%`, modules: ['gpfs', 'vendor-nic'] },
      },
    });
  }
  return fleet;
}
