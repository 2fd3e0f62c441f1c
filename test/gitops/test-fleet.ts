import { parse } from 'yaml';
import { Fleet } from '../../lib/fleet/fleet';
import { ClusterProps } from '../../lib/fleet/cluster';
import { GitOpsEngine, GitOpsProps } from '../../lib/gitops/gitops-props';
import { LoaderKind } from '../../lib/module/kernel-module';
import { renderFleet } from '../../lib/synth/render-fleet';
import { GIT_MODULE, PREBUILT_MODULE, TEST_RELEASES } from '../support/test-fleet';

export const GPU_PROD_ID = '11111111-2222-4333-8444-555555555555';
export const EDGE_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

/**
 * Two clusters, covering every kind the GitOps wiring treats specially:
 * - gpu-prod: two pools, a git-built module loaded by DaemonSets, an upgrade under way (two
 *   kernels), Node Feature Discovery installed through OLM, an identity guard;
 * - edge-1: a prebuilt module loaded by KMM, the KMM operator installed through OLM, an upgrade
 *   (PreflightValidationOCP), rebootless module files (MachineConfiguration), an identity guard.
 */
export function gitopsTestFleet(gitops: Partial<GitOpsProps> = {}, clusters: Record<string, Partial<ClusterProps>> = {}): Fleet {
  const fleet = new Fleet({
    releases: TEST_RELEASES,
    modules: [GIT_MODULE, { ...PREBUILT_MODULE, loader: LoaderKind.KMM, blacklist: ['nouveau'] }],
    gitops: { ...(gitops.engine === undefined ? { engines: [GitOpsEngine.ARGOCD, GitOpsEngine.FLUX] } : {}), repoURL: 'https://git.example.com/platform/fleet.git', ...gitops },
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

/** What the synthesis pipeline writes for a fleet: every file parsed, by path under dist/. */
export interface RenderedTestFleet {
  readonly fleet: Fleet;
  /** Every output file, parsed, by path (`clusters/…`, `bootstrap/…`, `hub/…`). */
  readonly files: Map<string, any>;
  /** Each cluster's objects (main and setup folders). */
  readonly clusters: ReadonlyMap<string, ReadonlyArray<any>>;
}

/** Renders the test fleet through the real pipeline (`renderFleet`), exactly as synth writes it. */
export function renderTestFleet(gitops: Partial<GitOpsProps> = {}, clusters: Record<string, Partial<ClusterProps>> = {}): RenderedTestFleet {
  const fleet = gitopsTestFleet(gitops, clusters);
  const rendered = renderFleet(fleet);
  const files = new Map<string, any>();
  for (const [path, text] of rendered.files) files.set(path, parse(text));
  return { fleet, files, clusters: rendered.clusters };
}

/** The objects of one kind among the files under `prefix`. */
export function ofKind(files: ReadonlyMap<string, any>, kind: string, prefix = ''): any[] {
  return [...files].filter(([p, o]) => p.startsWith(prefix) && o?.kind === kind && !p.endsWith('kustomization.yaml')).map(([, o]) => o);
}
