/**
 * Issue 17, class 10: the TypeScript API gets the same guarantees as fleet.yaml. Props are
 * validated at the boundary (`new Fleet`, `addCluster`, `new KernelModule`) by the same layer
 * and schema, so a library user who never touches YAML meets the same messages.
 */
import { describe, expect, test } from 'vitest';
import { FleetValidationError, formatPath } from '../../lib/errors';
import { ClusterProps } from '../../lib/fleet/cluster';
import { Fleet, FleetProps } from '../../lib/fleet/fleet';
import { KernelModule, KernelModuleProps } from '../../lib/module/kernel-module';
import { ModuleSource } from '../../lib/module/module-source';
import { OpenShiftReleaseProps } from '../../lib/release/release-catalog';
import { validationErrorOf } from './support';

const RELEASE: OpenShiftReleaseProps = { version: '4.18.12', kernel: '5.14.0-427.50.1.el9_4.x86_64', driverToolkitImage: `quay.io/x/dtk@sha256:${'a'.repeat(64)}` };
const MODULE: KernelModuleProps = { name: 'simple-kmod', version: '1.0.0', loadOrder: [{ name: 'simple-kmod' }], source: ModuleSource.git({ url: 'https://github.com/kmods-via-containers/simple-kmod.git', ref: 'main' }) };
const fleet = (): Fleet => new Fleet({ releases: [RELEASE], modules: [MODULE] });
const paths = (e: FleetValidationError): string[] => e.problems.map((p) => formatPath(p.path));
const bad = <T>(value: unknown): T => value as T;

describe('class 10: the TypeScript API boundary', () => {
  test('string "booleans" are refused, not truthy', () => {
    const e = validationErrorOf(() => fleet().addCluster('c', bad<ClusterProps>({ release: '4.18.12', installKmmOperator: 'false', rebootlessModuleFiles: 'true', pools: { p: {} } })));
    expect(paths(e)).toEqual(['clusters.c.installKmmOperator', 'clusters.c.rebootlessModuleFiles']);
    expect(e.message).toContain('clusters.c.installKmmOperator: cluster "c": expected boolean, found string; given "false"');
    expect(validationErrorOf(() => new KernelModule(bad<KernelModuleProps>({ ...MODULE, keepLoadedOnStop: 'no' }))).message)
      .toContain('modules.simple-kmod.keepLoadedOnStop: module "simple-kmod": expected boolean, found string; given "no"');
  });

  test('wrong shapes are named by field path, not TypeErrors', () => {
    const cases: Array<[() => unknown, string]> = [
      [() => fleet().addCluster('c', bad<ClusterProps>({ release: '4.18.12', pools: 'gpu' })), 'clusters.c.pools'],
      [() => fleet().addCluster('c', bad<ClusterProps>({ release: '4.18.12', pools: { p: { modules: 'simple-kmod' } } })), 'clusters.c.pools.p.modules'],
      [() => fleet().addCluster('c', bad<ClusterProps>({ release: 4.18, pools: { p: {} } })), 'clusters.c.release'],
      [() => fleet().addCluster('c', bad<ClusterProps>(null)), 'clusters.c'],
      [() => fleet().addCluster('c', bad<ClusterProps>({ release: '4.18.12', pools: { p: { nodeSelector: new Map() } } })), 'clusters.c.pools.p.nodeSelector'],
      [() => new KernelModule(bad<KernelModuleProps>({ ...MODULE, loadOrder: 'simple-kmod' })), 'modules.simple-kmod.loadOrder'],
      [() => new KernelModule(bad<KernelModuleProps>({ ...MODULE, loadOrder: [{ name: 'x', parameters: { a: 1 } }] })), 'modules.simple-kmod.loadOrder[0].parameters.a'],
      [() => new KernelModule(bad<KernelModuleProps>({ ...MODULE, source: { git: { url: 'x' } } })), 'modules.simple-kmod.source.git.ref'],
      [() => new Fleet(bad<FleetProps>({ releases: RELEASE })), 'releases'],
      [() => new Fleet(bad<FleetProps>({ releases: [{ ...RELEASE, kernel: undefined }] })), 'releases["4.18.12"].kernel'],
      [() => new Fleet(bad<FleetProps>({ releases: [42] })), 'releases[0]'],
      [() => new Fleet(bad<FleetProps>({ modules: [{ ...MODULE, version: 1 }] })), 'modules.simple-kmod.version'],
    ];
    expect.assertions(cases.length * 2);
    for (const [fn, path] of cases) {
      let thrown: unknown;
      try {
        fn();
      } catch (e) {
        thrown = e;
      }
      expect(thrown, path).toBeInstanceOf(FleetValidationError);
      expect(paths(thrown as FleetValidationError), path).toContain(path);
    }
  });

  test('misspelt props are refused with a suggestion', () => {
    expect(validationErrorOf(() => fleet().addCluster('c', bad<ClusterProps>({ release: '4.18.12', upgradeTO: '4.19.3', pools: { p: {} } }))).message)
      .toContain('clusters.c.upgradeTO: cluster "c": unknown field; given "upgradeTO"; allowed: release, upgradeTo');
    expect(validationErrorOf(() => fleet().addCluster('c', bad<ClusterProps>({ release: '4.18.12', pools: { p: { maxUnavailble: 1 } } }))).message)
      .toContain('(did you mean "maxUnavailable"?)');
    expect(validationErrorOf(() => new Fleet(bad<FleetProps>({ release: [RELEASE] }))).message).toContain('release: unknown prop; given "release"; allowed: releases, modules, gitops, appPerCluster, retainClusters (did you mean "releases"?)');
    expect(validationErrorOf(() => new KernelModule(bad<KernelModuleProps>({ ...MODULE, blacklists: ['nouveau'] }))).message).toContain('(did you mean "blacklist"?)');
  });

  test('duplicate releases and modules are reported in the problem list', () => {
    const e = validationErrorOf(() => new Fleet({ releases: [RELEASE, RELEASE], modules: [MODULE, MODULE, new KernelModule(MODULE)] }));
    expect(e.problems.map((p) => [formatPath(p.path), p.message])).toEqual([
      ['releases["4.18.12"]', 'version 4.18.12 is listed twice'],
      ['modules.simple-kmod', 'a module of this name is already in the fleet'],
      ['modules.simple-kmod', 'a module of this name is already in the fleet'],
    ]);
  });

  test('a duplicate cluster is a FleetValidationError', () => {
    const f = fleet();
    f.addCluster('c', { release: '4.18.12', pools: { p: {} } });
    expect(validationErrorOf(() => f.addCluster('c', { release: '4.18.12', pools: { p: {} } })).message).toContain('clusters.c: cluster "c": a cluster of this name is already in the fleet');
  });

  test('props set to undefined mean "not set", as TypeScript users write them', () => {
    const c = fleet().addCluster('c', { release: '4.18.12', upgradeTo: undefined, namespace: undefined, pools: { p: { nodeSelector: undefined, modules: ['simple-kmod'] } } });
    expect(c.loaderNamespace).toBe('kmods-system');
  });

  test('the same problem reads the same through fleet.yaml and TypeScript', () => {
    const ts = validationErrorOf(() => fleet().addCluster('lab', bad<ClusterProps>({ release: '4.18.12', defaultLoader: 'kmn', pools: { lab: {} } })));
    expect(ts.message).toContain('clusters.lab.defaultLoader: cluster "lab": value is not one of the allowed values; given "kmn"; allowed: "daemonset", "kmm" (did you mean "kmm"?)');
  });
});
