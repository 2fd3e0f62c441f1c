import { App, Chart } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { FleetValidationError, ProblemCollector } from '../../lib/errors';
import { IgnitionConfig } from '../../lib/node/ignition';
import { IgnitionVersion } from '../../lib/node/ignition-version';
import { KernelType } from '../../lib/node/kernel-type';
import { REBOOT_REASON_ANNOTATION, REBOOTLESS_ANNOTATION, REBOOTS_POOL_ANNOTATION } from '../../lib/labels';
import { checkKernelArguments, MachineConfig, MachineConfigProps } from '../../lib/node/machine-config';
import { release } from './fixtures';
import { nodeTestCrdSchemaErrors, nodeTestIgnitionSchemaErrors, sharedAvailable } from './schema-check';

/** Schema checks need ../shared: skipped visibly without it (failing under CI=true), never passed with zero assertions. */
const shared = sharedAvailable();

function synth(props: Partial<MachineConfigProps>): any {
  const chart = new Chart(new App(), 'test');
  new MachineConfig(chart, 'mc', {
    name: '99-gpu-test', pool: 'gpu', releases: [release('4.18.0')], disruption: { rebootReason: 'test' }, ...props,
  });
  return chart.toJson()[0];
}

function karg(args: unknown[]): string[] {
  const problems = new ProblemCollector();
  checkKernelArguments(args, problems, ['kernelArguments']);
  return problems.problems.map((p) => `${p.path.join('.')}: ${p.message}`);
}

describe('checkKernelArguments', () => {
  test('plain and quoted arguments pass', () => {
    expect(karg(['intel_iommu=on', 'modprobe.blacklist=nouveau,radeon', 'dyndbg="module nvidia +p"', 'quiet'])).toEqual([]);
  });

  test.each([
    ['', 'may not be empty'],
    ['a=b\nc=d', 'not a single kernel argument'],
    ['a=b\tc', 'not a single kernel argument'],
    ['a b', 'not a single kernel argument'],
    [' a', 'not a single kernel argument'],
    ['a="b', 'not a single kernel argument'],
    ['"a b"', 'not a single kernel argument'],
    ['a=é', 'not a single kernel argument'],
    ['a=\u0007', 'not a single kernel argument'],
  ])('%j is refused', (arg, message) => {
    const found = karg([arg]);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(message);
  });

  test('non-strings and repeats are refused', () => {
    expect(karg([42])).toEqual(['kernelArguments.0: a kernel argument may not be empty']);
    expect(karg(['a=1', 'a=1'])).toEqual(['kernelArguments.1: kernel argument listed twice']);
  });
});

describe('MachineConfig', () => {
  test('renders role label, reboot annotations and spec, without a namespace', () => {
    const mc = synth({
      config: new IgnitionConfig().addFile({ path: '/etc/modules-load.d/a.conf', contents: 'a\n' }),
      extensions: ['usbguard'],
      kernelArguments: ['a=1'],
      kernelType: KernelType.REALTIME,
    });
    expect(mc.apiVersion).toBe('machineconfiguration.openshift.io/v1');
    expect(mc.kind).toBe('MachineConfig');
    expect(mc.metadata.name).toBe('99-gpu-test');
    expect(mc.metadata).not.toHaveProperty('namespace');
    expect(mc.metadata.labels['machineconfiguration.openshift.io/role']).toBe('gpu');
    expect(mc.metadata.annotations).toEqual({ [REBOOTS_POOL_ANNOTATION]: 'gpu', [REBOOT_REASON_ANNOTATION]: 'test' });
    expect(mc.spec.config.ignition.version).toBe('3.4.0');
    expect(mc.spec.config.storage.files[0].mode).toBe(420);
    expect(mc.spec.extensions).toEqual(['usbguard']);
    expect(mc.spec.kernelArguments).toEqual(['a=1']);
    expect(mc.spec.kernelType).toBe('realtime');
    expect(mc.spec).not.toHaveProperty('fips');
    expect(mc.spec).not.toHaveProperty('osImageURL');
  });

  test('a rebootless MachineConfig says what happens instead of naming a pool to reboot', () => {
    const mc = synth({ disruption: { rebootless: 'restart x.service' } });
    expect(mc.metadata.annotations).toEqual({ [REBOOTLESS_ANNOTATION]: 'restart x.service' });
  });

  test.skipIf(!shared)('validates against the MachineConfig CRD and the Ignition schema of its version', () => {
    for (const rel of ['4.12.0', '4.18.0', '4.19.0']) {
      const mc = synth({
        releases: [release(rel)],
        config: new IgnitionConfig().addFile({ path: '/etc/a', contents: 'a' }).addUnit({ name: 'a.service', mask: true }),
        extensions: ['usbguard'],
        kernelArguments: ['a=1'],
      });
      expect(nodeTestCrdSchemaErrors(mc)).toEqual([]);
      expect(nodeTestIgnitionSchemaErrors(mc.spec.config)).toEqual([]);
    }
  });

  test.skipIf(!shared)('the CRD check catches a misspelt field (the check can fail)', () => {
    const mc = synth({});
    mc.spec.kernelArgs = ['a'];
    expect(nodeTestCrdSchemaErrors(mc).length).toBeGreaterThan(0);
  });

  test('bad input is reported together, at the MachineConfig path', () => {
    let error: unknown;
    try {
      synth({
        name: 'Bad_Name',
        releases: [release('4.13.0')],
        ignitionVersion: IgnitionVersion.V3_4_0,
        config: new IgnitionConfig().addFile({ path: '/etc/a', contents: '', mode: 0o4755 }),
        extensions: ['wasm', 'kernel-devel'],
        kernelArguments: ['a\nb'],
        poolKernelType: KernelType.REALTIME,
        disruption: {},
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FleetValidationError);
    expect((error as FleetValidationError).problems.map((p) => p.path.join('.'))).toEqual([
      'machineConfigs.Bad_Name.name',
      'machineConfigs.Bad_Name.ignitionVersion',
      'machineConfigs.Bad_Name.storage.files.0.mode',
      'machineConfigs.Bad_Name.kernelArguments.0',
      'machineConfigs.Bad_Name.extensions.0',
      'machineConfigs.Bad_Name.extensions.1',
      'machineConfigs.Bad_Name.disruption',
    ]);
  });

  test('a MachineConfig over the MCO size limit is refused', () => {
    const big = 'x'.repeat(800_000);
    expect(() => synth({ config: new IgnitionConfig().addFile({ path: '/etc/big', contents: `${big} ${big}` }) })).toThrow(/bytes; the MCO refuses more than 1500000/);
  });
});
