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
import { OutputCheckError } from '../../lib/synth/render-fleet';
import { readTree, synthesizeFleet } from '../../lib/synth/synthesize-fleet';
import { loadDistObjects, sharedAvailable, validateManifest } from '../support/validate';
import { allPaths, DocPath, exampleData, RAW_UNSAFE } from './support';

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const HOSTILE_STRINGS = [
  '', ' ', '-oProxyCommand=touch /tmp/pwned', 'ssh://-oProxyCommand=id/x', '$(id)', '`id`', '\'; rm -rf / #', '"', '\\',
  '\u0000', '\u001b[31mred\u001b[0m', 'zero\u200bwidth', '\u202eevil', 'a\nb', '../../etc/passwd', 'kube-system', 'default',
  'openshift-machine-config-operator', '__proto__', 'constructor', '4.20', 'true', 'null', '${KERNEL_FULL_VERSION}', '100%', '0',
  'main..x', 'ref@{1}', 'x.lock', '日本語', 'ÄÖÜ', 'node-role.kubernetes.io/worker', 'quay.io/a/b:tag', 'registry.example.com/x@sha256:' + 'a'.repeat(64),
];

/** Long strings built from the pieces backtracking patterns choke on. */
const longString = fc.tuple(fc.constantFrom('a', 'a.', 'a-', '0', '/a', 'a_', '-', '.', ' ', '\u200b'), fc.integer({ min: 100, max: 200_000 }), fc.constantFrom('', '!', '/', '\u0000'))
  .map(([piece, length, tail]) => piece.repeat(Math.ceil(length / piece.length)) + tail);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: longString },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1.5, 4.2, 1e21, Number.NaN, Infinity), fc.boolean(), fc.constant(null)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom([], {}, [[[]]], { a: { b: { c: {} } } }) },
);

type Mutation =
  | { readonly kind: 'replace'; readonly pick: number; readonly value: unknown }
  | { readonly kind: 'delete'; readonly pick: number }
  | { readonly kind: 'add'; readonly pick: number; readonly key: string; readonly value: unknown }
  | { readonly kind: 'text'; readonly pick: number; readonly insert: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('add' as const), pick: fc.nat(), key: fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 12 })), value: hostileValue }) },
  // Text-level edits: tags, merge keys, a duplicated line (duplicate key or list item), an anchor/alias.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('text' as const), pick: fc.nat(), insert: fc.constantFrom('!!js/function ', '!local ', '!!binary ', '!!str ', '!!int ', '<<: {x: 1}\n', 'DUPLICATE', '&a ', '*a\n', '\t', '? [a]\n: b\n') }) },
);

/** Applies data-level mutations; returns the YAML text (text-level mutations act on that text). */
function mutate(base: unknown, mutations: ReadonlyArray<Mutation>): string {
  const data = structuredClone(base) as any;
  const textEdits: Array<Extract<Mutation, { kind: 'text' }>> = [];
  for (const m of mutations) {
    if (m.kind === 'text') {
      textEdits.push(m);
      continue;
    }
    const paths = allPaths(data);
    if (paths.length === 0) continue;
    const target: DocPath = paths[m.pick % paths.length];
    const parent = target.slice(0, -1).reduce((node: any, part) => node[part], data);
    const key = target[target.length - 1];
    if (m.kind === 'replace') parent[key] = m.value;
    else if (m.kind === 'delete') Array.isArray(parent) ? parent.splice(Number(key), 1) : delete parent[key];
    else {
      const holder = parent[key];
      if (holder !== null && typeof holder === 'object' && !Array.isArray(holder)) Object.defineProperty(holder, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      else parent[key] = { [m.key]: m.value };
    }
  }
  let text = stringify(data, { lineWidth: 0 });
  for (const edit of textEdits) {
    const lines = text.split('\n');
    const i = edit.pick % Math.max(1, lines.length - 1);
    if (edit.insert === 'DUPLICATE') lines.splice(i, 0, lines[i]);
    else if (edit.insert.endsWith('\n')) lines.splice(i, 0, lines[i].replace(/\S.*$/, '') + edit.insert.trimEnd());
    else lines[i] = lines[i].replace(/: /, `: ${edit.insert}`);
    text = lines.join('\n');
  }
  return text;
}

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
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
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
    expect(successes).toBeGreaterThan(RUNS / 20);
  }, 240_000);
});
