/**
 * Issue 17, classes 1 and 6: no input hangs synth or exhausts memory, and no value makes an
 * object larger than the API server or etcd accepts. Lengths are bounded before any pattern
 * runs (lib/validation/value-checks.ts) and the patterns on user input are written so that no
 * string can be split two ways (lib/module/kernel-module.ts IMAGE_REF). The time bound is the
 * test timeout, not a timing assertion.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { formatPath } from '../../lib/errors';
import { Fleet } from '../../lib/fleet/fleet';
import { loadFleetFile, parseFleet } from '../../lib/fleet-file/fleet-file';
import { ModuleSource } from '../../lib/module/module-source';
import { OutputCheckError } from '../../lib/synth/render-cluster';
import { emitFleetFiles } from '../../lib/synth/render-fleet';
import { MAX_FLEET_FILE_BYTES } from '../../lib/validation/fleet-text';
import { MAX_DOCKERFILE_LENGTH, MAX_STRING_LENGTH } from '../../lib/validation/value-checks';
import { exampleData, fileErrorOf, stringLeafPaths, validationErrorOf, withValueAt } from './support';

const base = exampleData();
const leaves = stringLeafPaths(base);

describe('class 1: long and crafted values', () => {
  test('the example has string values to replace', () => {
    expect(leaves.length).toBeGreaterThan(30);
  });

  test('a 200 KB value in any string field is refused, naming the field, before any pattern runs', () => {
    expect.hasAssertions();
    for (const at of leaves) {
      const huge = 'a.'.repeat(100_000) + '!';
      const error = fileErrorOf(stringify(withValueAt(base, at, huge)));
      expect(error.problems.map((p) => formatPath(p.path)), formatPath(at)).toContain(formatPath(at));
      expect(error.message.length).toBeLessThan(2_000);
    }
  });

  test('200 KB keys are refused too', () => {
    const huge = 'x'.repeat(200_000);
    const data = exampleData();
    data.clusters.lab.pools.lab.nodeSelector = { [huge]: '' };
    expect(fileErrorOf(stringify(data)).message).toMatch(/clusters\.lab\.pools\.lab\.nodeSelector: .*a key is longer than 512 characters/);
  });

  // Values at the length bound, built from the pieces backtracking patterns choke on
  // (the old image-reference pattern took exponential time on "a.a.a.…!").
  test.each(['a.', 'a-', 'a_', '/a', '0', 'a', '.a', '-'])('%j repeated to the bound in every string field finishes', (piece) => {
    expect.hasAssertions();
    for (const at of leaves) {
      const crafted = piece.repeat(Math.floor((MAX_STRING_LENGTH - 1) / piece.length)) + '!';
      try {
        parseFleet(stringify(withValueAt(base, at, crafted)), 'fleet.yaml');
        expect(at).toBeDefined();
      } catch (e) {
        expect((e as Error).name, formatPath(at)).toBe('FleetValidationError');
      }
    }
  }, 60_000);
});

describe('class 1: files that are not fleet files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmods-input-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a device file is an error, not an endless read', () => {
    expect(validationErrorOf(() => loadFleetFile('/dev/zero')).message).toContain('/dev/zero: (top level): not a regular file (a device)');
  });

  test('a FIFO is refused without blocking', () => {
    const fifo = path.join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(validationErrorOf(() => loadFleetFile(fifo)).message).toContain('not a regular file (a pipe)');
  });

  test('a directory is refused', () => {
    expect(validationErrorOf(() => loadFleetFile(dir)).message).toContain('not a regular file (a directory)');
  });

  test('a file over the size limit is refused before it is read (a sparse 4 GiB file)', () => {
    const big = path.join(dir, 'big.yaml');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 4 * 1024 ** 3);
    expect(validationErrorOf(() => loadFleetFile(big)).message).toContain(`a fleet file may be at most ${MAX_FLEET_FILE_BYTES} bytes`);
  });

  test('a missing file names the file', () => {
    expect(() => loadFleetFile(path.join(dir, 'nope.yaml'))).toThrow(/ENOENT.*nope\.yaml/);
  });

  test('deep nesting is refused, not a stack overflow', () => {
    const deep = `releases: {}\nclusters: {}\nx: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`;
    const error = fileErrorOf(deep);
    expect(error.problems.length).toBeGreaterThan(0);
  });

  test('an alias bomb (billion laughs) is refused', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const error = fileErrorOf(`${lines.join('\n')}\nreleases: {}\nclusters: {}\n`);
    expect(error.message).toMatch(/YAML: .*alias/i);
  });
});

describe('class 6: sizes and bytes', () => {
  const releases = [{ version: '4.18.12', kernel: '5.14.0-427.50.1.el9_4.x86_64', driverToolkitImage: `quay.io/x/dtk@sha256:${'a'.repeat(64)}` }];

  test('a Dockerfile over the limit is refused at its field', () => {
    const dockerfile = `FROM scratch\n${'RUN true\n'.repeat(MAX_DOCKERFILE_LENGTH / 9 + 1)}`;
    const error = validationErrorOf(() => new Fleet({ releases, modules: [{ name: 'big', version: '1', loadOrder: [{ name: 'big' }], source: ModuleSource.dockerfile(dockerfile) }] }));
    expect(error.message).toContain(`modules.big.source.dockerfile: module "big": is ${dockerfile.length} characters long; at most ${MAX_DOCKERFILE_LENGTH} are accepted`);
  });

  test('a Dockerfile may hold tabs and line breaks, but not NUL or escape characters', () => {
    const ok = new Fleet({ releases, modules: [{ name: 'ok', version: '1', loadOrder: [{ name: 'ok' }], source: ModuleSource.dockerfile('FROM scratch\r\n\tRUN true\n') }] });
    expect(ok.modules.names).toEqual(['ok']);
    for (const bad of ['FROM scratch\n\u0000', 'FROM scratch\n\u001b[2J']) {
      expect(validationErrorOf(() => new Fleet({ releases, modules: [{ name: 'x', version: '1', loadOrder: [{ name: 'x' }], source: ModuleSource.dockerfile(bad) }] })).message)
        .toMatch(/modules\.x\.source\.dockerfile: module "x": contains the control or invisible character \\u00(00|1b)/);
    }
  });

  test('NUL and control characters are refused in every string field of the example', () => {
    expect.hasAssertions();
    for (const at of leaves) {
      for (const ch of ['\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u200b', '\u202e']) {
        const error = fileErrorOf(stringify(withValueAt(base, at, `x${ch}y`)));
        expect(error.problems.map((p) => formatPath(p.path)), `${formatPath(at)} ${JSON.stringify(ch)}`).toContain(formatPath(at));
      }
    }
  });

  test('an object over the API server limit fails synth naming the cluster and object (a loader script of 1100 long parameters)', () => {
    const parameters = Object.fromEntries(Array.from({ length: 1100 }, (_, i) => [`p${i}`, 'v'.repeat(1000)]));
    const fleet = new Fleet({ releases, modules: [{ name: 'wide', version: '1', loadOrder: [{ name: 'wide', parameters }], source: ModuleSource.dockerfile('FROM scratch\n') }] });
    fleet.addCluster('big', { release: '4.18.12', pools: { p: { modules: ['wide'] } } });
    let thrown: unknown;
    try {
      emitFleetFiles(fleet, { onFile: () => undefined });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(OutputCheckError);
    expect((thrown as Error).message).toMatch(/cluster "big": ConfigMap kmods-system\/wide-loader holds \d+ bytes of data; the API server accepts at most 1048576/);
  });
});
