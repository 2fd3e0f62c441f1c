/**
 * The IBM Storage Scale preset: IBM's load order (tracedev → mmfslinux → mmfs26), modules never
 * unloaded while a file system may be mounted, prebuilt GPL images per kernel, and no kernel-devel
 * extension; checked on the fleet file path and on the KMM Module the example synthesizes.
 */
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import { FleetValidationError } from '../../lib/errors';
import { parseFleet } from '../../lib/fleet-file/fleet-file';
import { KernelModule, LoaderRollout } from '../../lib/module/kernel-module';
import { PrebuiltSource } from '../../lib/module/module-source';
import { IBM_STORAGE_SCALE_LOAD_ORDER, ibmStorageScaleModule } from '../../lib/presets/ibm-storage-scale';
import { loadDistObjects, REPO_ROOT } from '../support/validate';

const KERNEL = '5.14.0-427.50.1.el9_4.x86_64';
const IMAGE = `registry.example.com/gpfs@sha256:${'f'.repeat(64)}`;

function fleetText(module: string): string {
  return `releases:
  "4.18.12": { example: true, kernel: ${KERNEL}, driverToolkitImage: "quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'a'.repeat(64)}" }
modules:
  gpfs:
${module.split('\n').map((l) => `    ${l}`).join('\n')}
clusters:
  storage:
    release: "4.18.12"
    defaultLoader: kmm
    pools: { storage: { modules: [gpfs] } }
`;
}

describe('IBM Storage Scale preset', () => {
  test('TypeScript: the module keeps IBM\'s order and never unloads by itself', () => {
    const module = new KernelModule(ibmStorageScaleModule({ version: '5.2.3.1', images: { [KERNEL]: IMAGE }, imagePullSecret: 'ibm-entitlement' }));
    expect(module.loadOrder.map((m) => m.name)).toEqual(['tracedev', 'mmfslinux', 'mmfs26']);
    expect(module).toMatchObject({ name: 'gpfs', keepLoadedOnStop: true, toleratesCordon: true, rollout: LoaderRollout.ON_DELETE, imagePullSecret: 'ibm-entitlement' });
    expect(module.source).toBeInstanceOf(PrebuiltSource);
    expect(module.prebuiltImageFor(KERNEL)).toBe(IMAGE);
  });

  test('fleet file: `preset: ibm-storage-scale` fills in the load order and keeps the modules loaded', () => {
    const fleet = parseFleet(fleetText(`preset: ibm-storage-scale\nversion: "5.2.3.1"\nsource: { prebuilt: { images: { ${KERNEL}: "${IMAGE}" } } }`));
    expect(fleet.modules.tryGet('gpfs')!.loadOrder).toEqual(IBM_STORAGE_SCALE_LOAD_ORDER.map((m) => ({ ...m, parameters: {} })));
    expect(fleet.modules.tryGet('gpfs')!.keepLoadedOnStop).toBe(true);
  });

  test('fleet file: a setting that would unload mmfs26, or another order, fails naming the module and field', () => {
    const problems = (() => {
      try {
        parseFleet(fleetText(`preset: ibm-storage-scale\nversion: "5.2.3.1"\nkeepLoadedOnStop: false\nrollout: RollingUpdate\n`
          + `loadOrder: [{ name: mmfs26 }, { name: mmfslinux }, { name: tracedev }]\nsource: { prebuilt: { images: { ${KERNEL}: "${IMAGE}" } } }`));
      } catch (e) {
        if (e instanceof FleetValidationError) return e.problems.map((p) => p.path.join('.'));
        throw e;
      }
      return [];
    })();
    expect(problems.sort()).toEqual(['modules.gpfs.keepLoadedOnStop', 'modules.gpfs.loadOrder', 'modules.gpfs.rollout']);
  });

  test('the example fleet\'s KMM Modules for gpfs: order, cordon toleration, no extension MachineConfig', () => {
    const objs = loadDistObjects(path.join(REPO_ROOT, 'dist')).map((o) => o.obj as any);
    const modules = objs.filter((o) => o.kind === 'Module' && o.metadata.name.startsWith('gpfs'));
    expect(modules.length).toBeGreaterThan(0);
    for (const m of modules) {
      expect(m.spec.moduleLoader.container.modprobe.modulesLoadingOrder).toEqual(['mmfs26', 'mmfslinux', 'tracedev']);
      expect(m.spec.tolerations).toContainEqual({ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' });
    }
    expect(objs.filter((o) => o.kind === 'MachineConfig' && (o.spec?.extensions ?? []).includes('kernel-devel'))).toEqual([]);
  });
});
