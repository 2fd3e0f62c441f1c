import * as path from 'path';
import { describe, expect, test } from 'vitest';
import { FleetValidationError } from '../../lib/errors';
import { readTree, synthesizeFleet } from '../../lib/synth/synthesize-fleet';
import { STATE_FILE } from '../../lib/synth/synthesis-state';
import { renderClusterManifests } from '../../lib/synth/render-cluster';
import { tempDir } from '../support/repo';
import { GIT_MODULE, PREBUILT_MODULE, TEST_RELEASES, testFleet } from '../support/test-fleet';
import { Fleet } from '../../lib/fleet/fleet';

const CLUSTERS = {
  a: { release: '4.18.12', pools: { gpu: { modules: ['simple-kmod'] } } },
  b: { release: '4.18.12', upgradeTo: '4.19.3', pools: { storage: { modules: ['gpfs'] } } },
};

describe('Fleet', () => {
  test('defineCluster keeps plans only and synthesis renders each cluster from its plan, with the same output as addCluster', () => {
    const kept = testFleet();
    const lean = new Fleet({ releases: TEST_RELEASES, modules: [GIT_MODULE, PREBUILT_MODULE] });
    for (const [name, props] of Object.entries(CLUSTERS)) {
      kept.addCluster(name, props);
      lean.defineCluster(name, props);
    }
    expect(lean.clusterNames).toEqual(['a', 'b']);
    expect(lean.plan('b')).toEqual(kept.plan('b'));
    expect(kept.cluster('a')).toBe(kept.cluster('a'));
    expect(lean.chartForSynthesis('a')).not.toBe(lean.chartForSynthesis('a'));
    expect(renderClusterManifests(lean.chartForSynthesis('b'))).toEqual(renderClusterManifests(kept.cluster('b')));
    const outKept = path.join(tempDir(), 'dist');
    const outLean = path.join(tempDir(), 'dist');
    synthesizeFleet(kept, { outdir: outKept });
    synthesizeFleet(lean, { outdir: outLean });
    // Every file but the incremental state, which records input hashes only for clusters defined
    // by plan (a kept chart may hold user objects, so it is always rendered).
    const withoutState = (dir: string): Map<string, string> => new Map([...readTree(dir)].filter(([p]) => p !== STATE_FILE));
    expect(withoutState(outLean)).toEqual(withoutState(outKept));
    expect(readTree(outLean).get(STATE_FILE)).toMatch(/"inputs":/);
    expect(readTree(outKept).get(STATE_FILE)).not.toMatch(/"inputs":/);
  });

  test('still validates every cluster when it is added, and refuses a name twice', () => {
    const lean = new Fleet({ releases: TEST_RELEASES, modules: [GIT_MODULE] });
    expect(() => lean.defineCluster('x', { release: '9.9.9', pools: { p: {} } })).toThrow(FleetValidationError);
    lean.defineCluster('y', { release: '4.18.12', pools: { p: {} } });
    expect(() => lean.defineCluster('y', { release: '4.18.12', pools: { p: {} } })).toThrow(/already in the fleet/);
    expect(() => lean.addCluster('y', { release: '4.18.12', pools: { p: {} } })).toThrow(/already in the fleet/);
    expect(() => lean.cluster('z')).toThrow(/no cluster named "z"/);
  });
});
