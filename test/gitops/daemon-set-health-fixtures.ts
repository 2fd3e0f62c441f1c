import type { HealthFixture } from './health-fixtures';

/** A loader DaemonSet as the API server shows it (status counts as the DaemonSet controller writes them). */
function daemonSet(strategy: 'RollingUpdate' | 'OnDelete', status: Record<string, number> | undefined, generation = 4): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'nvidia-gpu', namespace: 'kmods-system', generation },
    spec: { updateStrategy: { type: strategy } },
    ...(status === undefined ? {} : { status: { currentNumberScheduled: status.desiredNumberScheduled, numberMisscheduled: 0, ...status } }),
  };
}

const all = (n: number, g = 4) => ({ observedGeneration: g, desiredNumberScheduled: n, updatedNumberScheduled: n, numberReady: n, numberAvailable: n });
const G = 'apps';
const K = 'DaemonSet';

/** Loader DaemonSets: Healthy/Current only when every scheduled pod runs the current template and is ready, whatever the strategy. */
export const DAEMON_SET_FIXTURES: ReadonlyArray<HealthFixture> = [
  { name: 'loaders ready on every node', group: G, kind: K, obj: daemonSet('RollingUpdate', all(3)),
    argo: 'Healthy', message: ['all 3 nodes'], flux: 'Current' },
  { name: 'OnDelete loaders after a template change, old pods still running', group: G, kind: K,
    obj: daemonSet('OnDelete', { ...all(3), updatedNumberScheduled: 1 }),
    argo: 'Progressing', message: ['1 of 3 loader pods run the current template', 'OnDelete'], flux: 'InProgress' },
  { name: 'OnDelete loaders with no pod updated (updatedNumberScheduled omitted)', group: G, kind: K,
    obj: daemonSet('OnDelete', { observedGeneration: 4, desiredNumberScheduled: 2, numberReady: 2 }),
    argo: 'Progressing', message: ['0 of 2'], flux: 'InProgress' },
  { name: 'a loader not ready (an older build in use)', group: G, kind: K, obj: daemonSet('RollingUpdate', { ...all(3), numberReady: 2, numberAvailable: 2 }),
    argo: 'Progressing', message: ['2 of 3 loaders ready', 'readiness events'], flux: 'InProgress' },
  { name: 'OnDelete loaders, all updated but one not ready', group: G, kind: K, obj: daemonSet('OnDelete', { ...all(3), numberReady: 0 }),
    argo: 'Progressing', message: ['0 of 3 loaders ready'], flux: 'InProgress' },
  { name: 'a new generation not yet observed', group: G, kind: K, obj: daemonSet('RollingUpdate', all(3, 3)),
    argo: 'Progressing', message: ['observe generation 4'], flux: 'InProgress' },
  { name: 'no node in the pool (0 of 0 is not success)', group: G, kind: K, obj: daemonSet('OnDelete', all(0)),
    argo: 'Degraded', message: ['no node matches'], flux: 'Failed' },
  { name: 'no status yet', group: G, kind: K, obj: daemonSet('RollingUpdate', undefined),
    argo: 'Progressing', message: ['waiting for the DaemonSet controller'], flux: 'Unknown' },
];
