/**
 * A fleet that would remove most cluster folders (an emptied `clusters:` key, the wrong fleet
 * file) is refused unless removal is allowed, and the message names the folders.
 */
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import { Fleet } from '../../lib/fleet/fleet';
import { readTree, synthesizeFleet } from '../../lib/synth/synthesize-fleet';
import { REPO_ROOT, runMainApp, tempDir } from '../support/repo';
import { testFleet } from '../support/test-fleet';
import * as fs from 'fs';

function fleetOf(names: string[]): Fleet {
  const fleet = testFleet();
  for (const name of names) fleet.addCluster(name, { release: '4.18.12', pools: { gpu: {} } });
  return fleet;
}

function outputWith(names: string[]): string {
  const out = path.join(tempDir(), 'dist');
  synthesizeFleet(fleetOf(names), { outdir: out });
  return out;
}

describe('removing cluster folders', () => {
  test('a fleet with no clusters is refused when the output has clusters, naming them', () => {
    const out = outputWith(['a', 'b']);
    const before = readTree(out);
    expect(() => synthesizeFleet(fleetOf([]), { outdir: out }))
      .toThrow(/would remove 2 of its 2 cluster folders \(clusters\/a, clusters\/b\).*KMODS_ALLOW_REMOVAL=1/);
    expect(readTree(out)).toEqual(before);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['dist']);
  });

  test('removing the only cluster is refused; removing one of two is fine', () => {
    expect(() => synthesizeFleet(fleetOf(['b']), { outdir: outputWith(['a']) })).toThrow(/clusters\/a\)/);
    const report = synthesizeFleet(fleetOf(['a']), { outdir: outputWith(['a', 'b']) });
    expect(report.removed.some((f) => f.startsWith('clusters/b/'))).toBe(true);
  });

  test('with more than two folders, removing more than half is refused and half is fine', () => {
    expect(() => synthesizeFleet(fleetOf(['a', 'x']), { outdir: outputWith(['a', 'b', 'c']) }))
      .toThrow(/would remove 2 of its 3 cluster folders \(clusters\/b, clusters\/c\)/);
    const report = synthesizeFleet(fleetOf(['a', 'b']), { outdir: outputWith(['a', 'b', 'c', 'd']) });
    expect(new Set(report.removed.map((f) => f.split('/')[1]))).toEqual(new Set(['c', 'd']));
  });

  test('allowRemoval lets it through', () => {
    const out = outputWith(['a', 'b']);
    const report = synthesizeFleet(fleetOf([]), { outdir: out, allowRemoval: true });
    expect(report.clusters).toBe(0);
    expect(fs.existsSync(path.join(out, 'clusters'))).toBe(false);
  });

  test('the default app refuses an emptied clusters: key and accepts it with KMODS_ALLOW_REMOVAL=1', () => {
    const out = outputWith(['a', 'b']);
    const before = readTree(out);
    const file = path.join(tempDir(), 'fleet.yaml');
    fs.writeFileSync(file, fs.readFileSync(path.join(REPO_ROOT, 'apps', 'fleet.yaml'), 'utf8').replace(/\nclusters:[\s\S]*$/, '\nclusters: {}\n'));
    const refused = runMainApp({ KMODS_FLEET_FILE: file, KMODS_OUTDIR: out });
    expect(refused.stderr).toMatch(/left unchanged: refusing .*clusters\/a, clusters\/b/);
    expect(refused.status).toBe(1);
    expect(readTree(out)).toEqual(before);
    const allowed = runMainApp({ KMODS_FLEET_FILE: file, KMODS_OUTDIR: out, KMODS_ALLOW_REMOVAL: '1' });
    expect(allowed.status, allowed.stderr).toBe(0);
    expect(fs.existsSync(path.join(out, 'clusters'))).toBe(false);
  });
});
