/**
 * Fuzz suite: the example fleet (apps/fleet.yaml), mutated the way careless and hostile users
 * would — values replaced by hostile, long, control-character or wrongly typed values, keys
 * deleted, duplicated or added, tags and merge keys written in — and for every run:
 * either synth succeeds and every object it wrote passes the schema harness (test/support),
 * or it fails with a FleetValidationError whose every problem names where (field path or
 * file position), shown without raw control characters — never another exception, and never
 * a changed output folder. Seeded, so a failure reproduces: FUZZ_SEED and FUZZ_RUNS override.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { FleetValidationError, formatProblem } from '../../lib/errors';
import { parseFleet } from '../../lib/fleet-file/fleet-file';
import { OutputCheckError } from '../../lib/synth/render-cluster';
import { readTree, synthesizeFleet } from '../../lib/synth/synthesize-fleet';
import { loadDistObjects, sharedAvailable, validateManifest } from '../support/validate';
import { mutate, mutation } from './fleet-mutations';
import { exampleData, RAW_UNSAFE } from './support';

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const shared = sharedAvailable();

describe.skipIf(!shared)('fuzzing the example fleet', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kmods-fuzz-'));
  const outdir = path.join(work, 'dist');
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test(`${RUNS} mutated fleets: a valid output or a FleetValidationError naming the field; the output folder changes only on success`, () => {
    const base = exampleData();
    synthesizeFleet(parseFleet(stringify(base), 'fuzz.yaml'), { outdir });
    let failures = 0;
    let successes = 0;
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 2 }), (mutations) => {
      const text = mutate(base, mutations);
      const before = readTree(outdir);
      try {
        const fleet = parseFleet(text, 'fuzz.yaml');
        synthesizeFleet(fleet, { outdir });
      } catch (e) {
        if (e instanceof OutputCheckError) {
          failures++;
          expect(readTree(outdir)).toEqual(before);
          return;
        }
        if (!(e instanceof FleetValidationError)) throw e;
        failures++;
        expect(e.problems.length).toBeGreaterThan(0);
        for (const problem of e.problems) {
          // Where: a field path, or (for YAML-level problems) a file position.
          expect(problem.path.length > 0 || /^fuzz\.yaml:\d+:\d+$/.test(problem.location ?? ''), formatProblem(problem)).toBe(true);
        }
        expect(e.message).not.toMatch(RAW_UNSAFE);
        expect(readTree(outdir)).toEqual(before);
        return;
      }
      successes++;
      const errors = loadDistObjects(outdir).filter(({ file }) => !file.startsWith('argocd/health-checks/'))
        .flatMap(({ file, obj }) => validateManifest(obj).map((err) => `${file}: ${err}`));
      expect(errors).toEqual([]);
    }), { seed: SEED, numRuns: RUNS, endOnFailure: true });
    // The mutations must exercise both outcomes, or the property says little.
    console.log(`fuzz: ${failures} refused, ${successes} synthesized`);
    expect(failures).toBeGreaterThan(RUNS / 10);
    expect(successes).toBeGreaterThan(RUNS / 50);
  }, 240_000);
});
