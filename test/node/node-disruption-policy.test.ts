import { App, Chart } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { FleetValidationError } from '../../lib/errors';
import { REBOOTLESS_ANNOTATION, REBOOTS_POOL_ANNOTATION } from '../../lib/labels';
import { NodeDisruptionAction, NodeDisruptionFilePolicy, NodeDisruptionPolicy } from '../../lib/node/node-disruption-policy';
import { BLACKLIST_FILE, MODULES_LOAD_FILE } from '../../lib/node/pool-machine-configs';
import { cluster, ofKind, problemsOf } from './fixtures';
import { nodeTestCrdSchemaErrors, sharedAvailable } from './schema-check';

/** Schema checks need ../shared: skipped visibly without it (failing under CI=true), never passed with zero assertions. */
const shared = sharedAvailable();

/** The CEL rules of the MachineConfiguration CRD for file policies (ajv does not run CEL). */
function celProblems(obj: any): string[] {
  const found: string[] = [];
  const serviceType = /\.(service|socket|device|mount|automount|swap|target|path|timer|snapshot|slice|scope)$/;
  const serviceName = /^[a-zA-Z0-9:._\\-]+\../;
  for (const file of obj.spec.nodeDisruptionPolicy.files) {
    const types = file.actions.map((a: any) => a.type);
    if (types.includes('Reboot') && types.length !== 1) found.push(`${file.path}: Reboot must stand alone`);
    if (types.includes('None') && types.length !== 1) found.push(`${file.path}: None must stand alone`);
    for (const a of file.actions) {
      if ((a.type === 'Restart') !== (a.restart !== undefined)) found.push(`${file.path}: restart is required when type is Restart, and forbidden otherwise`);
      if ((a.type === 'Reload') !== (a.reload !== undefined)) found.push(`${file.path}: reload is required when type is Reload, and forbidden otherwise`);
      const name = a.restart?.serviceName ?? a.reload?.serviceName;
      if (name !== undefined && !(serviceType.test(name) && serviceName.test(name))) found.push(`${file.path}: bad service name ${name}`);
    }
  }
  return found;
}

const POOLS = { gpu: { modules: ['nvidia'], extensions: ['usbguard'] }, storage: { modules: ['gpfs'] } };

describe('rebootless module files (opt-in, 4.17+)', () => {
  const c = cluster({ release: '4.17.0', upgradeTo: '4.18.0', rebootlessModuleFiles: true, pools: POOLS });

  test('one partial MachineConfiguration/cluster with only nodeDisruptionPolicy.files', () => {
    const [mcfg, ...rest] = ofKind(c, 'MachineConfiguration');
    expect(rest).toEqual([]);
    expect(mcfg.apiVersion).toBe('operator.openshift.io/v1');
    expect(mcfg.metadata.name).toBe('cluster');
    expect(mcfg.metadata).not.toHaveProperty('namespace');
    expect(mcfg.metadata.annotations['cdk8s-kmods.io/server-side-apply']).toBe('required');
    expect(Object.keys(mcfg.spec)).toEqual(['nodeDisruptionPolicy']);
    expect(Object.keys(mcfg.spec.nodeDisruptionPolicy)).toEqual(['files']);
    expect(mcfg.spec.nodeDisruptionPolicy.files).toEqual([
      { path: BLACKLIST_FILE, actions: [{ type: 'None' }] },
      { path: MODULES_LOAD_FILE, actions: [{ type: 'Restart', restart: { serviceName: 'systemd-modules-load.service' } }] },
    ]);
    expect(celProblems(mcfg)).toEqual([]);
  });

  test.skipIf(!shared)('validates against the MachineConfiguration CRD', () => {
    const [mcfg] = ofKind(c, 'MachineConfiguration');
    expect(nodeTestCrdSchemaErrors(mcfg)).toEqual([]);
    expect(nodeTestCrdSchemaErrors({ ...mcfg, spec: undefined }).length).toBeGreaterThan(0);
    expect(nodeTestCrdSchemaErrors({ ...mcfg, spec: { nodeDisruptionPolicy: { files: [{ path: '/etc/x' }] } } }).length).toBeGreaterThan(0);
  });

  test('module-file MachineConfigs are marked rebootless; extensions still reboot', () => {
    const mcs = ofKind(c, 'MachineConfig');
    const rebootless = mcs.filter((mc) => mc.metadata.annotations[REBOOTLESS_ANNOTATION]).map((mc) => mc.metadata.name);
    expect(rebootless).toEqual(['99-gpu-blacklist', '99-gpu-modules-load', '99-storage-modules-load']);
    for (const mc of mcs) {
      const isRebootless = rebootless.includes(mc.metadata.name);
      expect(mc.metadata.annotations[REBOOTS_POOL_ANNOTATION]).toBe(isRebootless ? undefined : mc.metadata.labels['machineconfiguration.openshift.io/role']);
    }
    expect(mcs.find((mc) => mc.metadata.name === '99-gpu-extensions').metadata.annotations[REBOOTS_POOL_ANNOTATION]).toBe('gpu');
    expect(mcs.find((mc) => mc.metadata.name === '99-gpu-kernel-arguments').metadata.annotations[REBOOTS_POOL_ANNOTATION]).toBe('gpu');
  });

  test('without the opt-in there is no MachineConfiguration and every MachineConfig reboots', () => {
    const plain = cluster({ release: '4.18.0', pools: POOLS });
    expect(ofKind(plain, 'MachineConfiguration')).toEqual([]);
    const mcs = ofKind(plain, 'MachineConfig');
    expect(mcs.length).toBeGreaterThan(0);
    for (const mc of mcs) expect(mc.metadata.annotations[REBOOTS_POOL_ANNOTATION]).toBe(mc.metadata.labels['machineconfiguration.openshift.io/role']);
  });

  test('the opt-in without module files emits no MachineConfiguration', () => {
    expect(ofKind(cluster({ release: '4.18.0', rebootlessModuleFiles: true, pools: { p: { extensions: ['usbguard'] } } }), 'MachineConfiguration')).toEqual([]);
  });

  test.each([
    ['4.16.0', undefined, ['4.16.0']],
    ['4.16.0', '4.17.0', ['4.16.0']],
    ['4.14.0', '4.16.0', ['4.14.0', '4.16.0']],
  ])('the opt-in on %s (upgrading to %s) fails synth', (release, upgradeTo, bad) => {
    const messages = problemsOf(() => cluster({ release, upgradeTo, rebootlessModuleFiles: true, pools: POOLS }));
    expect(messages).toHaveLength(bad.length);
    bad.forEach((version, i) => expect(messages[i]).toContain(`clusters.c1.rebootlessModuleFiles: cluster "c1": release ${version} has no node disruption policies`));
  });
});

describe('NodeDisruptionPolicy construct', () => {
  function build(files: NodeDisruptionFilePolicy[]): any {
    const chart = new Chart(new App(), 't');
    new NodeDisruptionPolicy(chart, 'p', { files });
    return chart.toJson()[0];
  }

  function messages(files: NodeDisruptionFilePolicy[]): string[] {
    try {
      build(files);
    } catch (e) {
      if (e instanceof FleetValidationError) return e.problems.map((p) => p.message);
      throw e;
    }
    return [];
  }

  test('the same path with the same actions is merged; paths are sorted', () => {
    const obj = build([
      { path: '/etc/b', actions: [NodeDisruptionAction.none()] },
      { path: '/etc/a', actions: [NodeDisruptionAction.daemonReload(), NodeDisruptionAction.reload('crio.service')] },
      { path: '/etc/b', actions: [NodeDisruptionAction.none()] },
    ]);
    expect(obj.spec.nodeDisruptionPolicy.files).toEqual([
      { path: '/etc/a', actions: [{ type: 'DaemonReload' }, { type: 'Reload', reload: { serviceName: 'crio.service' } }] },
      { path: '/etc/b', actions: [{ type: 'None' }] },
    ]);
    expect(celProblems(obj)).toEqual([]);
  });

  test('CRD rules are enforced: standalone None, service names, action count, conflicting paths, 50 files', () => {
    expect(messages([{ path: '/etc/a', actions: [NodeDisruptionAction.none(), NodeDisruptionAction.drain()] }])).toEqual(['the None action must stand alone']);
    expect(messages([{ path: '/etc/a', actions: [NodeDisruptionAction.restart('no-suffix')] }])).toEqual(['not a systemd service name']);
    expect(messages([{ path: '/etc/a', actions: [] }])).toEqual(['give 1 to 10 actions']);
    expect(messages([
      { path: '/etc/a', actions: [NodeDisruptionAction.none()] },
      { path: '/etc/a', actions: [NodeDisruptionAction.drain()] },
    ])).toEqual(['the same path is given two different action lists']);
    expect(messages(Array.from({ length: 51 }, (_, i) => ({ path: `/etc/f${i}`, actions: [NodeDisruptionAction.none()] }))))
      .toEqual(['at most 50 file policies fit in MachineConfiguration/cluster']);
  });
});
