import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { fromDataUrl } from '../../lib/node/ignition';
import { ModuleSource } from '../../lib/module/module-source';
import { KernelType } from '../../lib/node/kernel-type';
import { REBOOT_REASON_ANNOTATION, REBOOTS_POOL_ANNOTATION } from '../../lib/labels';
import { BLACKLIST_FILE, MODULES_LOAD_FILE } from '../../lib/node/pool-machine-configs';
import { cluster, ofKind, problemsOf, RELEASE_VERSIONS } from './fixtures';
import { nodeTestCrdSchemaErrors, nodeTestIgnitionSchemaErrors, sharedAvailable } from './schema-check';

/** Schema checks need ../shared: skipped visibly without it (failing under CI=true), never passed with zero assertions. */
const shared = sharedAvailable();

function fileText(mc: any, path: string): string {
  const file = mc.spec.config.storage.files.find((f: any) => f.path === path);
  return Buffer.from(fromDataUrl(file.contents.source)!).toString('utf8');
}

const FULL_POOLS = {
  gpu: { modules: ['nvidia'], extensions: ['kernel-devel'], kernelArguments: ['intel_iommu=on', 'iommu=pt'] },
  storage: { modules: ['gpfs'] },
  rt: { kernelType: KernelType.REALTIME, extensions: ['usbguard'] },
  plain: {},
};

describe('per-pool MachineConfigs', () => {
  const c = cluster({ release: '4.18.0', pools: FULL_POOLS });
  const mcs = ofKind(c, 'MachineConfig');
  const byName = new Map(mcs.map((mc) => [mc.metadata.name, mc]));

  test('one MachineConfig per pool and concern with content, named 99-<pool>-<concern>', () => {
    expect(mcs.map((mc) => mc.metadata.name)).toEqual([
      '99-gpu-blacklist', '99-gpu-extensions', '99-gpu-kernel-arguments', '99-gpu-modules-load',
      '99-rt-extensions', '99-rt-kernel-type',
      '99-storage-modules-load',
    ]);
  });

  test('each carries its pool role and says which pool it reboots and why', () => {
    for (const mc of mcs) {
      const pool = mc.metadata.name.split('-')[1];
      expect(mc.metadata.labels['machineconfiguration.openshift.io/role']).toBe(pool);
      expect(mc.metadata.annotations[REBOOTS_POOL_ANNOTATION]).toBe(pool);
      expect(mc.metadata.annotations[REBOOT_REASON_ANNOTATION]).toMatch(/\S/);
      expect(mc.metadata).not.toHaveProperty('namespace');
    }
  });

  test('every MachineConfig is selected by exactly its own pool', () => {
    const pools = ofKind(c, 'MachineConfigPool');
    for (const mc of mcs) {
      const selecting = pools.filter((p) => p.spec.machineConfigSelector.matchExpressions[0].values.includes(mc.metadata.labels['machineconfiguration.openshift.io/role']));
      expect(selecting.map((p) => p.metadata.name)).toEqual([mc.metadata.labels['machineconfiguration.openshift.io/role']]);
    }
  });

  test('blacklist: a modprobe.d file and, when asked, a modprobe.blacklist= kernel argument after the pool arguments', () => {
    const blacklist = byName.get('99-gpu-blacklist');
    expect(blacklist.spec.config.storage.files).toHaveLength(1);
    expect(blacklist.spec.config.storage.files[0]).toMatchObject({ path: BLACKLIST_FILE, mode: 420, overwrite: true });
    expect(fileText(blacklist, BLACKLIST_FILE).split('\n').filter((l) => !l.startsWith('#'))).toEqual(['blacklist nouveau', '']);
    expect(byName.get('99-gpu-kernel-arguments').spec.kernelArguments).toEqual(['intel_iommu=on', 'iommu=pt', 'modprobe.blacklist=nouveau']);
  });

  test('modules-load.d lists host modules once, in module order', () => {
    expect(fileText(byName.get('99-gpu-modules-load'), MODULES_LOAD_FILE).split('\n').filter((l) => !l.startsWith('#'))).toEqual(['ipmi_devintf', '']);
    expect(fileText(byName.get('99-storage-modules-load'), MODULES_LOAD_FILE).split('\n').filter((l) => !l.startsWith('#'))).toEqual(['ipmi_devintf', 'sg', '']);
  });

  test('extensions and kernel type', () => {
    expect(byName.get('99-gpu-extensions').spec.extensions).toEqual(['kernel-devel']);
    expect(byName.get('99-rt-kernel-type').spec.kernelType).toBe('realtime');
    for (const mc of mcs) if (mc.metadata.name !== '99-rt-kernel-type') expect(mc.spec).not.toHaveProperty('kernelType');
  });

  test('a blacklist without the command-line option adds no kernel argument', () => {
    const other = cluster({ release: '4.18.0', pools: { gpu: { modules: ['nv-quiet'] } } }, 'c1', [{
      name: 'nv-quiet', version: '1', loadOrder: [{ name: 'nvidia' }], source: ModuleSource.dockerfile('FROM x\n'),
      blacklist: ['nouveau'],
    }]);
    expect(ofKind(other, 'MachineConfig').map((mc) => mc.metadata.name)).toEqual(['99-gpu-blacklist']);
  });

  test('a change to one concern rewrites one object; same input gives the same bytes', () => {
    const before = ofKind(cluster({ release: '4.18.0', pools: FULL_POOLS }), 'MachineConfig').map((o) => stringify(o));
    expect(ofKind(cluster({ release: '4.18.0', pools: FULL_POOLS }), 'MachineConfig').map((o) => stringify(o))).toEqual(before);
    const changed = ofKind(cluster({ release: '4.18.0', pools: { ...FULL_POOLS, gpu: { ...FULL_POOLS.gpu, extensions: ['kernel-devel', 'sysstat'] } } }), 'MachineConfig')
      .map((o) => stringify(o));
    expect(changed.filter((text, i) => text !== before[i]).map((t) => /name: (\S+)/.exec(t)![1])).toEqual(['99-gpu-extensions']);
  });
});

describe('module conflicts within a pool', () => {
  const modprobeSource = ModuleSource.dockerfile('FROM x\n');
  test('blacklisting a module another module of the pool loads is an error', () => {
    const messages = problemsOf(() => cluster({ release: '4.18.0', pools: { gpu: { modules: ['nvidia', 'bad'] } } }, 'c1', [{
      name: 'bad', version: '1', loadOrder: [{ name: 'bad' }], source: modprobeSource, blacklist: ['nvidia-uvm', 'ipmi_devintf'],
    }]));
    expect(messages).toEqual([
      '  - clusters.c1.pools.gpu.modules[1]: cluster "c1", pool "gpu": module "bad" blacklists nvidia-uvm, which module "nvidia" loads in this pool; '
      + 'given "nvidia-uvm"; allowed: blacklists of in-tree modules that no module of the pool loads',
      '  - clusters.c1.pools.gpu.modules[1]: cluster "c1", pool "gpu": module "bad" blacklists ipmi_devintf, which module "nvidia" loads in this pool; '
      + 'given "ipmi_devintf"; allowed: blacklists of in-tree modules that no module of the pool loads',
    ]);
  });

  test('the same module in different pools does not conflict', () => {
    expect(() => cluster({ release: '4.18.0', pools: { gpu: { modules: ['nvidia'] }, other: { modules: ['bad'] } } }, 'c1', [{
      name: 'bad', version: '1', loadOrder: [{ name: 'bad' }], source: modprobeSource, blacklist: ['nvidia'],
    }])).not.toThrow();
  });
});

describe('pool kernel arguments are validated', () => {
  test.each([
    [['a\nb'], 'kernelArguments[0]'],
    [[''], 'kernelArguments[0]'],
    [['ok=1', 'a b'], 'kernelArguments[1]'],
    [['ok=1', 'ok=1'], 'kernelArguments[1]'],
  ])('%j fails at %s', (kernelArguments, where) => {
    const messages = problemsOf(() => cluster({ release: '4.18.0', pools: { gpu: { kernelArguments } } }));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(`clusters.c1.pools.gpu.${where}`);
  });
});

describe('every generated MachineConfig validates against its Ignition schema and the CRD, on every release', () => {
  const cases: Array<[string, string | undefined]> = RELEASE_VERSIONS.map((v, i) => [v, RELEASE_VERSIONS[i + 1]]);
  test.skipIf(!shared).each(cases)('release %s (upgrading to %s)', (rel, upgradeTo) => {
    const pools = { gpu: { modules: ['nvidia'], extensions: ['usbguard'], kernelArguments: ['iommu=pt'] }, rt: { kernelType: KernelType.REALTIME, modules: ['gpfs'] } };
    const c = cluster({ release: rel, upgradeTo, pools });
    const objects = [...ofKind(c, 'MachineConfig'), ...ofKind(c, 'MachineConfigPool')];
    expect(objects.length).toBe(8);
    for (const obj of objects) {
      expect(nodeTestCrdSchemaErrors(obj), obj.metadata.name).toEqual([]);
      if (obj.kind === 'MachineConfig') expect(nodeTestIgnitionSchemaErrors(obj.spec.config), obj.metadata.name).toEqual([]);
    }
  });
});
