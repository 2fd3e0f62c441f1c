import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { clusterFacts } from '../../lib/cli/fleet-facts';
import { coverageOf } from '../../lib/cli/node-coverage';
import { parseNodeInventory } from '../../lib/cli/node-inventory';
import { scaledMaxUnavailable, simulateUpgrade, syntheticNodes } from '../../lib/cli/upgrade-simulation';
import { parseFleet } from '../../lib/fleet-file/fleet-file';
import { EXAMPLE_FLEET, fixture, kmods } from './support/run-cli';

const exampleText = fs.readFileSync(EXAMPLE_FLEET, 'utf8');

/** Writes a variant of the example fleet and returns its path. */
function variant(edit: (text: string) => string): string {
  const text = edit(exampleText);
  expect(text).not.toBe(exampleText);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmods-sim-'));
  fs.writeFileSync(path.join(dir, 'fleet.yaml'), text);
  return path.join(dir, 'fleet.yaml');
}

describe('upgrade simulation (check --upgrade-to)', () => {
  it('passes on the example fleet: gpu-staging walks from 4.18.12 to 4.19.3 with every node covered at every step', () => {
    const run = kmods(['check', '--kmm-version', '2.4.0']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('upgrade gpu-staging 4.18.12 → 4.19.3: 9 update steps');
    expect(run.stdout).toContain('every schedulable node keeps its modules at every step');
    expect(run.stdout).not.toContain('FAIL');
    // From the mid-upgrade inventory: the nodes still on 4.18.12 finish, the drained one first.
    const mid = kmods(['check', '--cluster', 'gpu-staging', '--nodes', fixture('nodes-gpu-staging-mid-upgrade.json'), '--kmm-version', '2.4.0']);
    expect(mid.code).toBe(0);
    expect(mid.stdout).toMatch(/step 2: pool gpu: gpu-1 drained, rebooted into 5\.14\.0-570\.22\.1\.el9_6\.x86_64, uncordoned\n {2}ok {3}step 3: pool gpu: gpu-2 drained/);
  });

  it('finds a planted hole: lab on 4.18.12 upgraded to 4.19.3 has no kmods-demo build for the new kernel, first failing at the first reboot', () => {
    const fleet = variant((t) => t.replace('  lab:\n    release: "4.19.3"', '  lab:\n    release: "4.18.12"'));
    const run = kmods(['check', '--fleet', fleet, '--cluster', 'lab', '--upgrade-to', '4.19.3']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/ok {3}step 1: pool lab: before its update\n {2}FAIL step 2: pool lab: lab-1 drained, rebooted into 5\.14\.0-570\.22\.1\.el9_6\.x86_64, uncordoned\n {9}node lab-1 \(kernel 5\.14\.0-570\.22\.1\.el9_6\.x86_64\): kmods-demo: kernel 5\.14\.0-570\.22\.1\.el9_6\.x86_64 belongs to release 4\.19\.3, which cluster lab neither runs nor upgrades to/);
    expect(run.stdout).toContain('first failing step: 2 (pool lab)');
  });

  it('finds a planted hole: upgradeTo folded into release while nodes still run the old kernel', () => {
    const fleet = variant((t) => t.replace('    release: "4.18.12"\n    upgradeTo: "4.19.3"\n', '    release: "4.19.3"\n'));
    const run = kmods(['check', '--fleet', fleet, '--cluster', 'gpu-staging', '--nodes', fixture('nodes-gpu-staging-mid-upgrade.json')]);
    expect(run.code).toBe(1);
    // Every node of a pool with our modules that still runs 4.18.12's kernel is a hole: kmods-demo on rt-1, gpfs on the storage nodes.
    expect(run.stdout).toMatch(/FAIL node rt-1: pool rt, kernel 5\.14\.0-427\.50\.1\.el9_4\.x86_64\+rt[^\n]*\n {7}kmods-demo: MISSING: kernel 5\.14\.0-427\.50\.1\.el9_4\.x86_64\+rt belongs to release 4\.18\.12, which cluster gpu-staging neither runs nor upgrades to/);
    expect(run.stdout).toMatch(/FAIL node storage-0: pool storage, kernel 5\.14\.0-427\.50\.1\.el9_4\.x86_64[^\n]*\n {7}gpfs: MISSING: kernel 5\.14\.0-427\.50\.1\.el9_4\.x86_64 belongs to release 4\.18\.12/);
    // The gpu pool's driver is the GPU Operator's (it builds per RHCOS itself): no hole of ours there.
    expect(run.stdout).not.toMatch(/FAIL node gpu-/);
  });

  it('walks maxUnavailable nodes at a time, scaled like the MCO (percent of the pool, rounded down, at least 1)', () => {
    expect(scaledMaxUnavailable(2, 5)).toBe(2);
    expect(scaledMaxUnavailable('50%', 3)).toBe(1);
    expect(scaledMaxUnavailable('50%', 5)).toBe(2);
    expect(scaledMaxUnavailable('10%', 3)).toBe(0); // the walk then takes 1 (the MCO's floor)
    // lab on 4.18.12, walked to 4.19.3 (no build for the new kernel: every rebooted node is a hole).
    const lab418 = exampleText.replace('  lab:\n    release: "4.19.3"', '  lab:\n    release: "4.18.12"');
    const fleet = parseFleet(lab418.replace('        maxUnavailable: "50%"\n        modules: [kmods-demo]', '        maxUnavailable: 2\n        modules: [kmods-demo]'));
    const facts = clusterFacts(fleet, 'lab');
    const sim = simulateUpgrade(facts, fleet, '4.19.3', syntheticNodes(facts, 5));
    expect(sim.steps.map((s) => s.nodes)).toEqual([[], ['lab-1', 'lab-2'], ['lab-3', 'lab-4'], ['lab-5']]);
    expect(sim.firstFailure?.index).toBe(2);
    expect(sim.firstFailure?.holes).toHaveLength(2);
    const percent = parseFleet(lab418);
    const lab = clusterFacts(percent, 'lab');
    const labSim = simulateUpgrade(lab, percent, '4.19.3', syntheticNodes(lab, 3));
    expect(labSim.steps.filter((s) => s.nodes.length > 0).map((s) => s.nodes.length)).toEqual([1, 1, 1]);
  });

  it('orders candidates like the MCO: nodes already cordoned first, then by zone, then by name', () => {
    const fleet = parseFleet(exampleText);
    const facts = clusterFacts(fleet, 'gpu-staging');
    const nodes = parseNodeInventory(JSON.parse(fs.readFileSync(fixture('nodes-gpu-staging-mid-upgrade.json'), 'utf8')), 'inventory');
    const sim = simulateUpgrade(facts, fleet, '4.19.3', nodes);
    expect(sim.steps.filter((s) => s.pool === 'gpu' && s.nodes.length > 0).map((s) => s.nodes)).toEqual([['gpu-1'], ['gpu-2']]);
    expect(sim.steps.filter((s) => s.pool === 'storage' && s.nodes.length > 0).map((s) => s.nodes)).toEqual([['storage-0'], ['storage-1']]);
    expect(sim.firstFailure).toBeUndefined();
  });

  it('a KMM module with a regexp kernel mapping is covered for a new kernel: KMM builds it when a node runs it', () => {
    const text = exampleText
      .replace('modules:\n  # IBM Storage Scale (GPFS) portability layer: the preset loads tracedev, mmfslinux, mmfs26 in', `  "4.19.9":\n    example: true\n    kernel: 5.14.0-570.30.1.el9_6.x86_64\n    driverToolkitImage: quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'c'.repeat(64)}\n\nmodules:\n  # IBM Storage Scale (GPFS) portability layer: the preset loads tracedev, mmfslinux, mmfs26 in`)
      .replace(/    loader: daemonset\n(?:    #.*\n)*    keepLoadedOnStop: false\n    rollout: RollingUpdate\n    rolloutMaxUnavailable: 1\n/, '    loader: kmm\n    kmmKernelMapping: regexp\n')
      // KMM passes parameters only to its moduleName (the last of loadOrder): kmods_demo last, the client without parameters.
      .replace('      - name: kmods_demo_client\n        parameters:\n          name: lab\n', '')
      .replace('    loadOrder:\n      - name: kmods_demo\n', '    loadOrder:\n      - name: kmods_demo_client\n      - name: kmods_demo\n');
    const fleet = parseFleet(text);
    const facts = clusterFacts(fleet, 'lab');
    expect(facts.kmmMappings.some((m) => m.regexp !== undefined && m.builds)).toBe(true);
    const cover = coverageOf(facts, fleet, facts.pools[0], 'kmods-demo', '5.14.0-570.30.1.el9_6.x86_64');
    expect(cover.covered).toBe(true);
    expect(cover.detail).toMatch(/^KMM Module kmods-demo-lab: regexp \^.*\$ → \S+kmods-demo:1\.0\.0-5\.14\.0-570\.30\.1\.el9_6\.x86_64, built by KMM when a node runs this kernel/);
    const sim = simulateUpgrade(facts, fleet, '4.19.9', syntheticNodes(facts, 2));
    expect(sim.steps.filter((s) => s.nodes.length > 0)).toHaveLength(2);
    expect(sim.firstFailure).toBeUndefined();
    // The same module by DaemonSet has no build for the new kernel.
    const daemonset = parseFleet(text.replace('    loader: kmm\n    kmmKernelMapping: regexp\n', '    loader: daemonset\n'));
    expect(simulateUpgrade(clusterFacts(daemonset, 'lab'), daemonset, '4.19.9', syntheticNodes(clusterFacts(daemonset, 'lab'), 2)).firstFailure?.index).toBe(2);
  });

  it('a target release without the pool\'s realtime kernel fails at the realtime pool', () => {
    const fleet = variant((t) => t.replace('modules:\n  # IBM Storage Scale (GPFS) portability layer: the preset loads tracedev, mmfslinux, mmfs26 in', `  "4.19.9":
    example: true
    kernel: 5.14.0-570.30.1.el9_6.x86_64
    rhcosVersion: 419.96.202508121201-0
    driverToolkitImage: quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'c'.repeat(64)}

modules:
  # IBM Storage Scale (GPFS) portability layer: the preset loads tracedev, mmfslinux, mmfs26 in`));
    const run = kmods(['check', '--fleet', fleet, '--cluster', 'gpu-staging', '--upgrade-to', '4.19.9', '--nodes-per-pool', '2']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('ok   step 4: pool rt: before its update\n  FAIL step 5: pool rt: no realtime kernel of 4.19.9 to reboot into\n'
      + '         release 4.19.9 has no realtime kernel in the catalog');
    // The gpu pool (GPU Operator driver) reboots without a hole of ours; the realtime pool is the first to fail.
    expect(run.stdout).toContain('ok   step 3: pool gpu: gpu-2 drained, rebooted into 5.14.0-570.30.1.el9_6.x86_64, uncordoned');
    expect(run.stdout).toContain('first failing step: 5 (pool rt)');
  });
});
