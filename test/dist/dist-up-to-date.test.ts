import * as path from 'path';
import { expect, test } from 'vitest';
import { loadFleetFile } from '../../lib/fleet-file/fleet-file';
import { readTree, synthesizeFleet } from '../../lib/synth/synthesize-fleet';
import { REPO_ROOT, tempDir } from '../support/repo';

test('dist/ is exactly what apps/fleet.yaml synthesizes (run `npx cdk8s synth` and commit dist/ when this fails)', () => {
  const fresh = path.join(tempDir(), 'dist');
  synthesizeFleet(loadFleetFile(path.join(REPO_ROOT, 'apps', 'fleet.yaml')), { outdir: fresh });
  const committed = readTree(path.join(REPO_ROOT, 'dist'));
  const expected = readTree(fresh);
  expect([...committed.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [file, content] of expected) expect(committed.get(file), file).toBe(content);
});
