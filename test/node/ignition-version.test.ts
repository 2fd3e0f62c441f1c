import { describe, expect, test } from 'vitest';
import { IgnitionVersion } from '../../lib/node/ignition-version';
import { ProblemCollector } from '../../lib/errors';
import { OpenShiftVersion } from '../../lib/release/openshift-version';
import { cluster, ofKind, problemsOf, release } from './fixtures';

describe('IgnitionVersion.maxForRelease', () => {
  test.each([
    ['4.5.0', undefined],
    ['4.6.1', '3.1.0'],
    ['4.7.0', '3.2.0'],
    ['4.13.9', '3.2.0'],
    ['4.14.0', '3.4.0'],
    ['4.18.30', '3.4.0'],
    ['4.19.0', '3.5.0'],
    ['4.22.0', '3.5.0'],
    ['5.0.0', '3.5.0'],
  ])('release %s accepts up to %s', (version, expected) => {
    expect(IgnitionVersion.maxForRelease(OpenShiftVersion.parse(version))?.text).toBe(expected);
  });

  test('3.6.0 is never emitted', () => {
    expect(IgnitionVersion.tryParse('3.6.0')).toBeUndefined();
    expect(IgnitionVersion.ALL.map((v) => v.text)).not.toContain('3.6.0');
  });
});

describe('IgnitionVersion.forReleases', () => {
  test.each([
    [['4.12.0'], '3.2.0'],
    [['4.13.0', '4.14.0'], '3.2.0'],
    [['4.18.0', '4.19.0'], '3.4.0'],
    [['4.19.0', '4.21.0'], '3.5.0'],
  ])('a cluster running %j gets %s (the lower release decides during an upgrade)', (versions, expected) => {
    expect(IgnitionVersion.forReleases(versions.map(release))?.text).toBe(expected);
  });
});

describe('IgnitionVersion.resolve', () => {
  test('a lower pinned version is kept', () => {
    const problems = new ProblemCollector();
    expect(IgnitionVersion.resolve([release('4.19.0')], '3.2.0', problems, ['ignitionVersion']).text).toBe('3.2.0');
    expect(problems.problems).toEqual([]);
  });

  test('a pinned version newer than a release accepts is a problem', () => {
    const problems = new ProblemCollector();
    IgnitionVersion.resolve([release('4.18.0'), release('4.19.0')], '3.5.0', problems, ['ignitionVersion']);
    expect(problems.problems).toHaveLength(1);
    expect(problems.problems[0].message).toContain('4.18.0 and 4.19.0');
    expect(problems.problems[0].allowed).toBe('3.0.0, 3.1.0, 3.2.0, 3.3.0, 3.4.0');
  });

  test('an unknown version is a problem', () => {
    const problems = new ProblemCollector();
    IgnitionVersion.resolve([release('4.19.0')], '3.6.0', problems, ['ignitionVersion']);
    expect(problems.problems.map((p) => p.message)).toEqual(['unknown ignition spec version']);
  });
});

describe('cluster MachineConfigs carry the version of the cluster releases', () => {
  const pools = { gpu: { extensions: ['usbguard'] } };
  test.each([
    ['4.12.0', undefined, '3.2.0'],
    ['4.13.0', '4.14.0', '3.2.0'],
    ['4.14.0', undefined, '3.4.0'],
    ['4.18.0', '4.19.0', '3.4.0'],
    ['4.19.0', undefined, '3.5.0'],
    ['5.0.0', undefined, '3.5.0'],
  ])('release %s upgrading to %s → %s', (rel, upgradeTo, expected) => {
    const mcs = ofKind(cluster({ release: rel, upgradeTo, pools }), 'MachineConfig');
    expect(mcs.length).toBeGreaterThan(0);
    for (const mc of mcs) expect(mc.spec.config.ignition.version).toBe(expected);
  });

  test('the cluster may pin a lower version', () => {
    const mcs = ofKind(cluster({ release: '4.19.0', ignitionVersion: '3.2.0', pools }), 'MachineConfig');
    expect(mcs.length).toBeGreaterThan(0);
    for (const mc of mcs) expect(mc.spec.config.ignition.version).toBe('3.2.0');
  });

  test('pinning a version the older release of an upgrade does not accept fails synth', () => {
    const messages = problemsOf(() => cluster({ release: '4.13.0', upgradeTo: '4.14.0', ignitionVersion: '3.4.0', pools }));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^ {2}- clusters\.c1\.ignitionVersion: cluster "c1": ignition 3\.4\.0 is newer than release 4\.13\.0 and 4\.14\.0 accepts/);
  });
});
