/**
 * Issue 17, class 2 and the YAML half of class 9: keys and tags that should not exist, file
 * encodings, YAML errors at their real position, converted scalars explained, merge keys.
 */
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { Fleet } from '../../lib/fleet/fleet';
import { parseFleet } from '../../lib/fleet-file/fleet-file';
import { ModuleSource } from '../../lib/module/module-source';
import { decodeFleetText } from '../../lib/validation/fleet-text';
import { EXAMPLE_TEXT, exampleData, fileErrorOf, validationErrorOf } from './support';

const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('class 2: prototype keys are refused at every level', () => {
  const levels: Array<[string, (key: string) => string]> = [
    ['top level', (k) => EXAMPLE_TEXT.replace('\nreleases:\n', `\n${k}: {}\nreleases:\n`)],
    ['a cluster', (k) => EXAMPLE_TEXT.replace('  lab:\n    release: "4.19.3"\n', `  lab:\n    ${k}: 1\n    release: "4.19.3"\n`)],
    ['a pool node selector', (k) => EXAMPLE_TEXT.replace('          node-role.kubernetes.io/gpu: ""\n        maxUnavailable: 1\n', `          node-role.kubernetes.io/gpu: ""\n          ${k}: x\n        maxUnavailable: 1\n`)],
    ['module parameters', (k) => EXAMPLE_TEXT.replace('          greeting: "hello from cdk8s-kmods"\n', `          greeting: "hello from cdk8s-kmods"\n          ${k}: "1"\n`)],
    ['the clusters map (as a cluster name)', (k) => `${EXAMPLE_TEXT}\n  ${k}:\n    release: "4.19.3"\n    pools: {p: {}}\n`],
  ];
  test.each(levels.flatMap(([where, make]) => ['__proto__', 'constructor', 'prototype'].map((key) => [where, key, make] as const)))('%s: %s', (_where, key, make) => {
    const text = make(key);
    const error = fileErrorOf(text);
    expect(error.problems).toHaveLength(1);
    expect(error.message).toContain(`fleet.yaml:${lineOf(text, `${key}:`)}:`);
    expect(error.message).toContain(`this key is not allowed (it names JavaScript object internals); given "${key}"`);
  });

  test('in TypeScript props too, e.g. parsed from JSON', () => {
    const pools = JSON.parse('{"gpu": {"nodeSelector": {"__proto__": {"x": "1"}}}}');
    const fleet = new Fleet({ releases: [{ version: '4.18.12', kernel: '5.14.0-427.50.1.el9_4.x86_64', driverToolkitImage: `quay.io/x/dtk@sha256:${'a'.repeat(64)}` }] });
    expect(validationErrorOf(() => fleet.addCluster('c', { release: '4.18.12', pools })).message)
      .toContain('clusters.c.pools.gpu.nodeSelector.__proto__: cluster "c", pool "gpu": this key is not allowed');
  });
});

describe('class 2: YAML tags outside the core schema are refused', () => {
  test.each(['!!js/function', '!!js/undefined', '!local', '!!binary', '!!set', '!!timestamp', '!<tag:example.com,2000:x>'])('%s', (tag) => {
    const text = EXAMPLE_TEXT.replace('ref: main', `ref: ${tag} main`);
    const error = fileErrorOf(text);
    expect(error.message).toMatch(new RegExp(`fleet\\.yaml:${lineOf(text, tag)}:\\d+: modules\\.simple-kmod\\.source\\.git\\.ref: module "simple-kmod": (YAML tag \\S+ is not supported|YAML: !!timestamp expects a date)`));
  });

  test('core tags are fine: !!str keeps 4.20 a string', () => {
    const text = EXAMPLE_TEXT.replace('version: "1.0.0"', 'version: !!str 1.0');
    expect(parseFleet(text, 'fleet.yaml').modules.tryGet('simple-kmod')!.version).toBe('1.0');
  });
});

describe('class 2: encodings', () => {
  const bytes = (s: string, enc: 'utf16le' | 'utf8'): Buffer => Buffer.from(s, enc);
  test('UTF-16 LE and BE, with and without byte order mark, get a clear message', () => {
    const le = bytes(EXAMPLE_TEXT, 'utf16le');
    const be = Buffer.from(le).swap16();
    const cases: Array<[Buffer, string]> = [
      [Buffer.concat([Buffer.from([0xff, 0xfe]), le]), 'UTF-16 (little-endian)'],
      [le, 'UTF-16 (little-endian)'],
      [Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 'UTF-16 (big-endian)'],
      [be, 'UTF-16 (big-endian)'],
      [Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]), 'UTF-32 (little-endian)'],
    ];
    expect.assertions(cases.length);
    for (const [data, name] of cases) {
      expect(validationErrorOf(() => decodeFleetText(data, 'f.yaml')).message).toContain(`f.yaml: (top level): the file is ${name} text; save it as UTF-8`);
    }
  });

  test('a UTF-8 byte order mark is accepted', () => {
    const text = decodeFleetText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes(EXAMPLE_TEXT, 'utf8')]), 'f.yaml');
    expect(parseFleet(text, 'f.yaml').clusterNames).toContain('lab');
  });

  test('invalid UTF-8 and NUL bytes are reported at their line', () => {
    const invalid = Buffer.concat([bytes('releases: {}\nclusters:\n  x', 'utf8'), Buffer.from([0xc3, 0x28])]);
    expect(validationErrorOf(() => decodeFleetText(invalid, 'f.yaml')).message).toContain('f.yaml:3:4: (top level): the file is not valid UTF-8 text');
    expect(validationErrorOf(() => decodeFleetText(bytes('releases: {}\n\u0000', 'utf8'), 'f.yaml')).message).toContain('f.yaml:2:1: (top level): the file contains NUL bytes');
  });
});

describe('class 9: YAML-level messages', () => {
  test('a syntax error deep in the file names its path, not "(top level)"', () => {
    const text = EXAMPLE_TEXT.replace('        maxUnavailable: "50%"', '        maxUnavailable: "50%\n        broken: [');
    const error = fileErrorOf(text);
    expect(error.message).toMatch(/fleet\.yaml:\d+:\d+: clusters\.lab\.pools\.lab\.maxUnavailable: cluster "lab", pool "lab": YAML: /);
    expect(error.message).not.toContain('(top level)');
  });

  test('a duplicate key names its path', () => {
    const text = EXAMPLE_TEXT.replace('    rollout: RollingUpdate\n', '    rollout: RollingUpdate\n    rollout: OnDelete\n');
    expect(fileErrorOf(text).message).toMatch(new RegExp(`fleet\\.yaml:${lineOf(text, 'rollout: OnDelete')}:5: modules\\.simple-kmod(\\.rollout)?: .*YAML: Map keys must be unique`));
  });

  test('release: 4.20 is shown as written with a hint to quote it', () => {
    const text = EXAMPLE_TEXT.replace('  lab:\n    release: "4.19.3"', '  lab:\n    release: 4.20');
    expect(fileErrorOf(text).message).toContain('clusters.lab.release: cluster "lab": expected string, found number (YAML read 4.20 as the number 4.2; quote it, "4.20", to keep it as text); given 4.2');
  });

  test('version: 1.0 likewise', () => {
    const text = EXAMPLE_TEXT.replace('version: "1.0.0"', 'version: 1.0');
    expect(fileErrorOf(text).message).toContain('modules.simple-kmod.version: module "simple-kmod": expected string, found integer (YAML read 1.0 as the number 1; quote it, "1.0", to keep it as text); given 1');
  });

  test('a release key YAML converts (4.20:) is explained', () => {
    const data = exampleData();
    const text = stringify(data).replace('  4.19.3:\n', '  4.20:\n');
    expect(fileErrorOf(text).message).toContain('YAML reads the key 4.20 as 4.2; quote it, "4.20", to keep it as written');
  });

  test('a merge key is explained as unsupported', () => {
    const text = EXAMPLE_TEXT.replace('  lab:\n    release: "4.19.3"\n', '  lab:\n    <<: {namespace: other}\n    release: "4.19.3"\n');
    expect(fileErrorOf(text).message).toMatch(new RegExp(`fleet\\.yaml:${lineOf(text, '<<:')}:5: clusters\\.lab\\["<<"\\]: cluster "lab": merge keys \\(<<\\) are not supported; write the fields out in full`));
  });

  test('a merge key in TypeScript props gets the same explanation', () => {
    const fleet = new Fleet({ releases: [{ version: '4.18.12', kernel: '5.14.0-427.50.1.el9_4.x86_64', driverToolkitImage: `quay.io/x/dtk@sha256:${'a'.repeat(64)}` }],
      modules: [{ name: 'm', version: '1', loadOrder: [{ name: 'm' }], source: ModuleSource.dockerfile('FROM scratch\n') }] });
    expect(validationErrorOf(() => fleet.addCluster('c', { release: '4.18.12', pools: { p: {} }, ['<<']: {} } as never)).message).toContain('merge keys (<<) are not supported');
  });
});
