import { Fleet } from '../lib/fleet/fleet';
import { GitOpsEngine } from '../lib/gitops/gitops-props';
import { KernelModuleProps, LoaderKind } from '../lib/module/kernel-module';
import { ModuleSource } from '../lib/module/module-source';
import { OpenShiftReleaseProps } from '../lib/release/release-catalog';
import { TEST_RELEASES } from '../test/support/test-fleet';

/** Options of `benchFleet`. */
export interface BenchFleetOptions {
  /** Give each cluster its own cdk8s App (ours) or put them all in one (the naive baseline). @default true */
  readonly appPerCluster?: boolean;
}

/** Two releases, so every cluster runs one kernel and upgrades to a second (the tests' example releases). */
export const BENCH_RELEASES: ReadonlyArray<OpenShiftReleaseProps> = TEST_RELEASES;

/** Three modules, one per source kind; one asks for the KMM loader, the others use the DaemonSet loader. */
export const BENCH_MODULES: ReadonlyArray<KernelModuleProps> = [
  {
    name: 'nvidia',
    version: '570.148.08',
    source: ModuleSource.git({ url: 'https://github.com/NVIDIA/open-gpu-kernel-modules.git', ref: '570.148.08' }),
    loadOrder: [{ name: 'nvidia', parameters: { NVreg_OpenRmEnableUnsupportedGpus: '1' } }, { name: 'nvidia-modeset' }, { name: 'nvidia-uvm' }],
    blacklist: ['nouveau'],
  },
  {
    name: 'gpfs',
    version: '5.2.3.1',
    source: ModuleSource.prebuilt({ image: 'registry.example.com/gpfs/kmods:5.2.3.1-${KERNEL_FULL_VERSION}' }),
    loadOrder: [{ name: 'tracedev' }, { name: 'mmfslinux' }, { name: 'mmfs26' }],
    keepLoadedOnStop: true,
  },
  {
    name: 'vendor-nic',
    version: '2.1.0',
    source: ModuleSource.dockerfile('ARG DTK_IMAGE\nFROM ${DTK_IMAGE}\nRUN make -C /src modules\n'),
    loadOrder: [{ name: 'vendor_nic', parameters: { queues: '8' } }],
    loader: LoaderKind.KMM,
  },
];

/** Name of the i-th bench cluster (zero-padded so name order is index order). */
export function benchClusterName(i: number): string {
  return `cluster-${String(i).padStart(5, '0')}`;
}

/**
 * A fleet of `size` clusters shaped like a real one: each runs 4.18.12 and upgrades to 4.19.3
 * (two kernels), has two pools (gpu: nvidia + vendor-nic; storage: gpfs + vendor-nic) and so
 * deploys three modules with both loader kinds, wired for Argo CD and Flux. Clusters differ
 * slightly (maxUnavailable) so their output is not identical.
 */
export function benchFleet(size: number, options: BenchFleetOptions = {}): Fleet {
  const fleet = new Fleet({
    releases: BENCH_RELEASES,
    modules: BENCH_MODULES,
    gitops: { engine: GitOpsEngine.BOTH, repoURL: 'https://git.example.com/platform/fleet.git' },
    appPerCluster: options.appPerCluster ?? true,
  });
  for (let i = 0; i < size; i++) {
    // As the fleet.yaml loader does: plans only, synthesis holds one cluster's constructs at a time.
    fleet.defineCluster(benchClusterName(i), {
      release: '4.18.12',
      upgradeTo: '4.19.3',
      pools: {
        gpu: { maxUnavailable: 1 + (i % 3), modules: ['nvidia', 'vendor-nic'] },
        storage: { maxUnavailable: `${10 + (i % 5) * 5}%`, modules: ['gpfs', 'vendor-nic'] },
      },
    });
  }
  return fleet;
}
