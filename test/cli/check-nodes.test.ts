import * as fs from 'fs';
import { describe, expect, it } from 'vitest';
import { fixture, kmods, unknownKernelInventory } from './support/run-cli';

/**
 * `kmods check --nodes` against the example fleet (apps/fleet.yaml) and node inventories written
 * in the format of `oc get nodes -o json` (a v1 List of Nodes with the MCO's annotations,
 * node-role labels, spec.unschedulable/taints while drained, status.nodeInfo.kernelVersion and
 * osImage).
 */
describe('check --nodes', () => {
  it('mid-upgrade: every node of gpu-staging is in its pool and has a build and loader for the kernel it runs', () => {
    const run = kmods(['check', '--cluster', 'gpu-staging', '--nodes', fixture('nodes-gpu-staging-mid-upgrade.json'), '--kmm-version', '2.4.1']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // The gpu pool's driver comes from the NVIDIA GPU Operator preset (it builds per RHCOS itself):
    // its nodes are in their pool, on either kernel, with no build or loader of ours to check.
    expect(run.stdout).toMatch(/ok {3}node gpu-0: pool gpu, kernel 5\.14\.0-570\.22\.1\.el9_6\.x86_64 \(release 4\.19\.3\)\n {2}ok {3}node /);
    expect(run.stdout).toMatch(/ok {3}node gpu-1: pool gpu, kernel 5\.14\.0-427\.50\.1\.el9_4\.x86_64 \(release 4\.18\.12\), cordoned, MCO Working\n {2}ok {3}node /);
    // rt-0 is on the new kernel, rt-1 on the old one: each gets the realtime build of its own kernel.
    expect(run.stdout).toMatch(/node rt-0: pool rt, kernel 5\.14\.0-570\.22\.1\.el9_6\.x86_64\+rt[^\n]*\n {7}kmods-demo: BuildConfig kmods-demo-5-14-0-570-22-1-el9-6-x86-64-rt-[0-9a-f]{8} → \S+kmods-demo:1\.0\.0-5\.14\.0-570\.22\.1\.el9_6\.x86_64_rt \(loader: daemonset\)/);
    expect(run.stdout).toMatch(/node rt-1: pool rt, kernel 5\.14\.0-427\.50\.1\.el9_4\.x86_64\+rt[^\n]*\n {7}kmods-demo: BuildConfig kmods-demo-5-14-0-427-50-1-el9-4-x86-64-rt-[0-9a-f]{8} → \S+kmods-demo:1\.0\.0-5\.14\.0-427\.50\.1\.el9_4\.x86_64_rt \(loader: daemonset\)/);
    // The storage pool gets gpfs through KMM, prebuilt.
    expect(run.stdout).toMatch(/node storage-0: pool storage[^\n]*\n {7}gpfs: prebuilt → registry\.example\.com\/ibm-storage-scale\/gpfs-kmods@sha256:f09086a0[0-9a-f]+ \(loader: kmm\)/);
    // Nodes outside the fleet's pools are reported, not failed.
    expect(run.stdout).toContain('node master-0: in no pool of the fleet');
    expect(run.stdout).toContain('node worker-0: in no pool of the fleet');
    const inventory = JSON.parse(fs.readFileSync(fixture('nodes-gpu-staging-mid-upgrade.json'), 'utf8')) as { items: Array<{ metadata: { name: string } }> };
    expect(inventory.items.length).toBe(11);
    for (const item of inventory.items) expect(run.stdout).toContain(`node ${item.metadata.name}:`);
    expect(run.stdout).not.toContain('FAIL');
  });

  it('a node running a kernel the catalog lacks fails the check, naming the node, kernel and module', () => {
    const run = kmods(['check', '--cluster', 'gpu-staging', '--nodes', unknownKernelInventory()]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL node rt-1: pool rt, kernel 5\.14\.0-427\.55\.1\.el9_4\.x86_64\+rt[^\n]*\n {7}kmods-demo: MISSING: kernel 5\.14\.0-427\.55\.1\.el9_4\.x86_64\+rt is not in the release catalog/);
    expect(run.stdout).toMatch(/ok {3}node rt-0: pool rt/);
    // gpu-staging is upgrading: the walk fails at the rt pool's first step (rt-1 still on that kernel)
    // and recovers once rt-1 has rebooted into 4.19.3's realtime kernel.
    expect(run.stdout.match(/^ {2}FAIL .*/gm)).toEqual(['  FAIL node rt-1: pool rt, kernel 5.14.0-427.55.1.el9_4.x86_64+rt', '  FAIL step 4: pool rt: before its update']);
    expect(run.stdout).toMatch(/ok {3}step 5: pool rt: rt-1 drained, rebooted into 5\.14\.0-570\.22\.1\.el9_6\.x86_64\+rt, uncordoned/);
  });

  it('a node of another cluster\'s release, a node in two pools and a pool that selects no node each fail', () => {
    const inventory = JSON.parse(fs.readFileSync(fixture('nodes-gpu-staging-mid-upgrade.json'), 'utf8')) as { items: Array<Record<string, any>> };
    // lab runs 4.19.3 only: a lab node still on 4.18.12's kernel has nothing to load.
    const lab = structuredClone({ ...inventory, items: inventory.items.filter((n) => ['gpu-0', 'gpu-2'].includes(n.metadata.name)) });
    for (const n of lab.items) { delete n.metadata.labels['node-role.kubernetes.io/gpu']; n.metadata.labels['node-role.kubernetes.io/lab'] = ''; }
    const dir = fs.mkdtempSync('/tmp/kmods-check-');
    fs.writeFileSync(`${dir}/lab.json`, JSON.stringify(lab));
    const run = kmods(['check', '--cluster', 'lab', '--nodes', `${dir}/lab.json`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL node gpu-2: [^\n]*\n {7}kmods-demo: MISSING: kernel 5\.14\.0-427\.50\.1\.el9_4\.x86_64 belongs to release 4\.18\.12, which cluster lab neither runs nor upgrades to/);
    expect(run.stdout).toMatch(/ok {3}node gpu-0: pool lab[^\n]*\n {7}kmods-demo: BuildConfig kmods-demo-5-14-0-570-22-1-el9-6-x86-64-/);

    const twoPools = structuredClone(inventory);
    twoPools.items.find((n) => n.metadata.name === 'gpu-2')!.metadata.labels['node-role.kubernetes.io/storage'] = '';
    twoPools.items = twoPools.items.filter((n) => !n.metadata.name.startsWith('rt-'));
    fs.writeFileSync(`${dir}/two.json`, JSON.stringify(twoPools));
    const run2 = kmods(['check', '--cluster', 'gpu-staging', '--nodes', `${dir}/two.json`]);
    expect(run2.code).toBe(1);
    expect(run2.stdout).toContain('FAIL node gpu-2: in 2 pools');
    expect(run2.stdout).toContain('problem: in 2 pools (gpu, storage): the MCO refuses a node in two custom pools');
    expect(run2.stdout).toContain('FAIL pool rt: its nodeSelector {"node-role.kubernetes.io/rt":""} matches no node, so no node loads kmods-demo');
  });

  it('reads the inventory from stdin and refuses input that is not a node list, naming it', () => {
    const text = fs.readFileSync(unknownKernelInventory(), 'utf8');
    expect(kmods(['check', '--cluster', 'gpu-staging', '--nodes', '-'], { stdin: text }).code).toBe(1);
    const bad = kmods(['check', '--cluster', 'gpu-prod', '--nodes', '-'], { stdin: '{"kind":"List","items":[{"kind":"Node","metadata":{"name":"n1"},"status":{}}]}' });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('kmods check: -: items[0] (node n1): status.nodeInfo.kernelVersion is missing');
    const hostile = kmods(['check', '--cluster', 'gpu-prod', '--nodes', '-'], { stdin: JSON.stringify({ kind: 'List', items: [
      { kind: 'Node', metadata: { name: 'n1](https://evil.example)' }, status: { nodeInfo: { kernelVersion: '5.14.0-427.50.1.el9_4.x86_64' } } }] }) });
    expect(hostile.code).toBe(3);
    expect(hostile.stderr).toContain('metadata.name "n1](https://evil.example)" is not a node name');
    const kernel = kmods(['check', '--cluster', 'gpu-prod', '--nodes', '-'], { stdin: JSON.stringify({ kind: 'List', items: [
      { kind: 'Node', metadata: { name: 'n1' }, status: { nodeInfo: { kernelVersion: '5.14.0`\n### pwned' } } }] }) });
    expect(kernel.code).toBe(3);
    expect(kernel.stderr).toContain('(node n1): status.nodeInfo.kernelVersion "5.14.0`\\n### pwned" is not a kernel release');
    const notJson = kmods(['check', '--cluster', 'gpu-prod', '--nodes', '-'], { stdin: 'NAME STATUS' });
    expect(notJson.code).toBe(3);
    expect(notJson.stderr).toContain('node inventory - is not JSON');
  });

  it('usage errors: --nodes without --cluster on a fleet of several clusters, unknown cluster, unknown option', () => {
    const noCluster = kmods(['check', '--nodes', fixture('nodes-gpu-prod-unknown-kernel.json')]);
    expect(noCluster.code).toBe(2);
    expect(noCluster.stderr).toContain('name it with --cluster (one of gpu-prod, gpu-staging, lab, storage-prod)');
    const unknown = kmods(['check', '--cluster', 'nope', '--nodes', fixture('nodes-gpu-prod-unknown-kernel.json')]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('--cluster: no cluster "nope" in the fleet');
    const option = kmods(['check', '--bogus']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("Unknown option '--bogus'");
  });
});
