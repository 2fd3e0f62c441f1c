/**
 * The NVIDIA preset, read the way the GPU Operator reads it:
 * - every object validates against the operator's own CRDs (../shared/crds/nvidia, NVIDIA/gpu-operator
 *   config/crd/bases), and the NVIDIADriver CRD's CEL rule is evaluated;
 * - the ClusterPolicy delegates the driver to NVIDIADriver objects (`driver.useNvidiaDriverCRD`, see
 *   NVIDIA's "NVIDIA GPU Driver Custom Resource Definition" page: with it false the operator ignores
 *   NVIDIADriver objects) and builds on the Driver Toolkit (`operator.use_ocp_driver_toolkit`, the
 *   OpenShift default in the operator's CSV alm-examples);
 * - each NVIDIADriver selects exactly the nodes of its pool (the pool's MachineConfigPool nodeSelector);
 * - the example fleet's GPU clusters carry no nouveau blacklist MachineConfig (RHCOS ships it) and
 *   storage-prod no kernel-devel extension (both reboot a pool for nothing).
 */
import { evaluate } from '@marcbachmann/cel-js';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import { FleetValidationError } from '../../lib/errors';
import { Fleet } from '../../lib/fleet/fleet';
import { NVIDIA_GPU_OPERATOR_PACKAGE, NvidiaKernelModuleType } from '../../lib/presets/nvidia-gpu-operator';
import { policyFor } from '../../lib/gitops/sync-policy';
import { synthesizeFleet } from '../../lib/synth/synthesize-fleet';
import { loadCrds } from '../gitops/shared-crds';
import { tempDir } from '../support/repo';
import { loadDistObjects, REPO_ROOT, sharedAvailable, validateManifest } from '../support/validate';

const DTK = `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'a'.repeat(64)}`;

function gpuFleet(nvidia: Record<string, unknown>, pools: Record<string, unknown> = { gpu: { nodeSelector: { 'node-role.kubernetes.io/gpu': '' } } }): Fleet {
  const fleet = new Fleet({ releases: [{ version: '4.18.12', kernel: '5.14.0-427.50.1.el9_4.x86_64', driverToolkitImage: DTK, example: true }] });
  fleet.addCluster('gpu', { release: '4.18.12', installNodeFeatureDiscovery: true, pools: pools as any, nvidiaGpuOperator: nvidia as any });
  return fleet;
}

function objectsOf(fleet: Fleet): any[] {
  const dist = path.join(tempDir('kmods-nvidia-'), 'dist');
  synthesizeFleet(fleet, { outdir: dist });
  return loadDistObjects(dist).filter((o) => o.file.startsWith('clusters/')).map((o) => o.obj);
}

const TWO_POOLS = {
  a100: { nodeSelector: { 'node-role.kubernetes.io/a100': '' } },
  h100: { nodeSelector: { 'node-role.kubernetes.io/h100': '' } },
};

describe.skipIf(!sharedAvailable())('NVIDIA GPU Operator preset', () => {
  const objects = objectsOf(gpuFleet({
    channel: 'v25.3', startingCSV: 'gpu-operator-certified.v25.3.1', driverImagePullSecret: 'nvcr-mirror', driverRepository: 'mirror.example.com/nvidia',
    drivers: { a100: { version: '550.163.01', kernelModuleType: 'proprietary' }, h100: { version: '570.148.08' } },
  }, TWO_POOLS));
  const nvidia = objects.filter((o) => o.apiVersion.startsWith('nvidia.com/') || o.metadata.namespace === 'nvidia-gpu-operator' || o.metadata.name === 'nvidia-gpu-operator');

  test('every object validates against its schema, the ClusterPolicy and NVIDIADriver CRDs included', () => {
    expect(nvidia.map((o) => o.kind).sort()).toEqual(['ClusterPolicy', 'NVIDIADriver', 'NVIDIADriver', 'Namespace', 'OperatorGroup', 'Subscription']);
    expect(nvidia.flatMap((o) => validateManifest(o))).toEqual([]);
  });

  test('the NVIDIADriver CRD\'s CEL rules hold for every NVIDIADriver', () => {
    const crd = loadCrds().find((c) => c.spec?.names?.kind === 'NVIDIADriver');
    const specSchema = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec;
    const rules: { rule: string; message: string }[] = specSchema['x-kubernetes-validations'];
    expect(rules.length).toBeGreaterThan(0);
    const drivers = nvidia.filter((o) => o.kind === 'NVIDIADriver');
    expect(drivers).toHaveLength(2);
    for (const d of drivers) for (const r of rules) expect(evaluate(r.rule, { self: d.spec }), `${d.metadata.name}: ${r.message}`).toBe(true);
  });

  test('the ClusterPolicy hands the driver to NVIDIADriver objects and keeps what a CUDA pod needs on', () => {
    const policy = nvidia.find((o) => o.kind === 'ClusterPolicy');
    expect(policy.spec.driver).toEqual({ enabled: true, useNvidiaDriverCRD: true });
    expect(policy.spec.operator).toMatchObject({ defaultRuntime: 'crio', use_ocp_driver_toolkit: true });
    for (const operand of ['toolkit', 'devicePlugin', 'gfd', 'dcgm', 'dcgmExporter', 'nodeStatusExporter']) expect(policy.spec[operand].enabled, operand).toBe(true);
  });

  test('each pool gets its own pinned driver on exactly its nodes', () => {
    const pools = objects.filter((o) => o.kind === 'MachineConfigPool');
    const drivers = nvidia.filter((o) => o.kind === 'NVIDIADriver');
    expect(drivers.map((d) => [d.metadata.name, d.spec.version, d.spec.kernelModuleType])).toEqual([
      ['gpu-driver-a100', '550.163.01', NvidiaKernelModuleType.PROPRIETARY],
      ['gpu-driver-h100', '570.148.08', NvidiaKernelModuleType.OPEN],
    ]);
    for (const d of drivers) {
      const pool = pools.find((p) => p.metadata.name === d.metadata.labels['cdk8s-kmods.io/pool']);
      expect(d.spec.nodeSelector).toEqual(pool.spec.nodeSelector.matchLabels);
      expect(d.spec).toMatchObject({ driverType: 'gpu', default: false, image: 'driver', repository: 'mirror.example.com/nvidia', imagePullSecrets: ['nvcr-mirror'] });
    }
  });

  test('OLM installs the certified operator from the documented catalog; a pinned CSV waits for approval', () => {
    const sub = nvidia.find((o) => o.kind === 'Subscription');
    expect(sub.spec).toEqual({
      channel: 'v25.3', installPlanApproval: 'Manual', name: NVIDIA_GPU_OPERATOR_PACKAGE, source: 'certified-operators',
      sourceNamespace: 'openshift-marketplace', startingCSV: 'gpu-operator-certified.v25.3.1',
    });
    expect(nvidia.find((o) => o.kind === 'OperatorGroup').spec).toEqual({ targetNamespaces: ['nvidia-gpu-operator'] });
  });

  test('GitOps applies the operator before the ClusterPolicy, and the drivers after the pools', () => {
    const wave = (kind: string): number => policyFor(nvidia.find((o) => o.kind === kind).apiVersion, kind).wave;
    expect(wave('Subscription')).toBeLessThan(wave('ClusterPolicy'));
    expect(wave('ClusterPolicy')).toBeLessThan(wave('NVIDIADriver'));
    expect(wave('NVIDIADriver')).toBeGreaterThan(policyFor('machineconfiguration.openshift.io/v1', 'MachineConfigPool').wave);
    // Their CRDs arrive with the operator in the same sync: no dry run while they are missing.
    for (const kind of ['ClusterPolicy', 'NVIDIADriver']) expect(policyFor('nvidia.com/v1', kind).crdFromOperator).toBe(true);
  });
});

describe('NVIDIA GPU Operator preset: bad input fails before anything is written, naming cluster and field', () => {
  const problemsOf = (nvidia: Record<string, unknown>): string[] => {
    try {
      gpuFleet(nvidia);
    } catch (e) {
      if (e instanceof FleetValidationError) return e.problems.map((p) => `${p.path.join('.')}: ${p.message}`);
      throw e;
    }
    return [];
  };

  test('an unknown pool, a bad version, a moving channel name and a hostile repository are each reported', () => {
    const problems = problemsOf({
      channel: 'latest; rm -rf /', driverRepository: 'nvcr.io/nvidia $(id)',
      drivers: { gpux: { version: '570.148.08' }, gpu: { version: '570"; echo' } },
    });
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^clusters\.gpu\.nvidiaGpuOperator\.channel: /),
      expect.stringMatching(/^clusters\.gpu\.nvidiaGpuOperator\.driverRepository: /),
      expect.stringMatching(/^clusters\.gpu\.nvidiaGpuOperator\.drivers\.gpux: .*not a pool/),
      expect.stringMatching(/^clusters\.gpu\.nvidiaGpuOperator\.drivers\.gpu\.version: /),
    ]));
    expect(problems).toHaveLength(4);
  });

  test('no drivers at all is reported', () => {
    expect(problemsOf({ channel: 'v25.3', drivers: {} })).toEqual([expect.stringMatching(/drivers: name at least one pool/)]);
  });
});

describe.skipIf(!sharedAvailable())('the example fleet (dist/) needs no reboot it does not use', () => {
  const dist = loadDistObjects(path.join(REPO_ROOT, 'dist')).filter((o) => o.file.startsWith('clusters/'));
  const of = (cluster: string): any[] => dist.filter((o) => o.file.startsWith(`clusters/${cluster}/`)).map((o) => o.obj);

  test('GPU clusters get the GPU Operator with a pinned driver for their gpu pool, and NFD', () => {
    for (const cluster of ['gpu-prod', 'gpu-staging']) {
      const objs = of(cluster);
      expect(objs.filter((o) => o.kind === 'NVIDIADriver').map((o) => o.spec.version)).toEqual(['570.148.08']);
      expect(objs.some((o) => o.kind === 'NodeFeatureDiscovery')).toBe(true);
    }
  });

  test('no MachineConfig blacklists nouveau (RHCOS already ships /etc/modprobe.d/blacklist-nouveau.conf)', () => {
    const mcs = dist.map((o) => o.obj as any).filter((o) => o.kind === 'MachineConfig');
    expect(mcs.length).toBeGreaterThan(0);
    expect(mcs.filter((o) => JSON.stringify(o).includes('nouveau')).map((o) => o.metadata.name)).toEqual([]);
  });

  test('storage-prod has no extension MachineConfig: gpfs comes prebuilt, so kernel-devel would only reboot the pool', () => {
    expect(of('storage-prod').filter((o) => o.kind === 'MachineConfig' && o.spec.extensions?.length).map((o) => o.metadata.name)).toEqual([]);
  });
});
