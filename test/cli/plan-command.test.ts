import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_FLEET, fixture, kmods, REPO_ROOT } from './support/run-cli';

/**
 * `kmods plan --base <ref>` in a scratch git repository holding the example fleet and its
 * committed dist/ (as a user's fleet repository would): the fleet file is edited, plan
 * synthesizes it into a temporary folder and compares with dist/ at the base commit.
 */
let repo: string;
const original = fs.readFileSync(EXAMPLE_FLEET, 'utf8');

function git(...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=kmods-test', '-c', 'user.email=test@example.com', ...args], { cwd: repo, encoding: 'utf8' });
}

function planWith(edit: (text: string) => string, extra: string[] = []): ReturnType<typeof kmods> {
  const text = edit(original);
  expect(text).not.toBe(original);
  fs.writeFileSync(path.join(repo, 'apps', 'fleet.yaml'), text);
  try {
    return kmods(['plan', '--base', 'HEAD', ...extra], { cwd: repo });
  } finally {
    fs.writeFileSync(path.join(repo, 'apps', 'fleet.yaml'), original);
  }
}

/** The Markdown section of one cluster. */
function clusterSection(markdown: string, cluster: string): string {
  const start = markdown.indexOf(`### Cluster \`${cluster}\``);
  expect(start).toBeGreaterThanOrEqual(0);
  const next = markdown.indexOf('\n### ', start + 1);
  return markdown.slice(start, next === -1 ? undefined : next);
}

/** The bullet list under one bold heading of a section. */
function subsection(section: string, title: string): string {
  const start = section.indexOf(`**${title}**`);
  expect(start).toBeGreaterThanOrEqual(0);
  const next = section.indexOf('\n**', start + 1);
  return section.slice(start, next === -1 ? undefined : next);
}

beforeAll(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), 'kmods-plan-repo-'));
  fs.mkdirSync(path.join(repo, 'apps'));
  fs.writeFileSync(path.join(repo, 'apps', 'fleet.yaml'), original);
  fs.cpSync(path.join(REPO_ROOT, 'dist'), path.join(repo, 'dist'), { recursive: true });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'fleet');
});

describe('kmods plan --base', () => {
  it('an unchanged fleet says "No changes" and leaves dist/ alone', () => {
    const before = fs.readdirSync(path.join(repo, 'dist', 'clusters', 'gpu-prod')).sort();
    const run = kmods(['plan', '--base', 'HEAD'], { cwd: repo });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('**No changes**');
    expect(run.stdout).toContain('Unchanged clusters: `gpu-prod`, `gpu-staging`, `lab`, `storage-prod`');
    expect(run.stdout).not.toContain('### Cluster');
    expect(fs.readdirSync(path.join(repo, 'dist', 'clusters', 'gpu-prod')).sort()).toEqual(before);
    expect(git('status', '--porcelain')).toBe('');
  });

  it('adding a kernel argument names the pool that drains and reboots, and why', () => {
    const run = planWith((t) => t.replace('          node-role.kubernetes.io/storage: ""\n        maxUnavailable: 1\n', '          node-role.kubernetes.io/storage: ""\n        maxUnavailable: 1\n        kernelArguments: [intel_iommu=on]\n'));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('**Reboots:** `storage-prod/storage`');
    const storage = clusterSection(run.stdout, 'storage-prod');
    expect(storage).toContain('**Pools that drain and reboot**\n\n- pool `storage` (every node of the pool, 1 at a time):\n  - MachineConfig `99-storage-kernel-arguments` added: kernel arguments change the kernel command line');
    expect(run.stdout).toContain('Unchanged clusters: `gpu-prod`, `gpu-staging`, `lab`');
    expect(git('status', '--porcelain')).toBe('');
  });

  it('a loader parameter change names the nodes that reload (from an inventory): one DaemonSet per pool, rolling', () => {
    const run = planWith((t) => t.replace('repeat: "2"', 'repeat: "3"'),
      ['--nodes', `gpu-staging=${fixture('nodes-gpu-staging-mid-upgrade.json')}`]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('**Reboots:** none');
    const staging = clusterSection(run.stdout, 'gpu-staging');
    // One loader for the pool covers both kernels of the upgrade: every rt node reloads, one at a time.
    expect(staging).toContain('- `kmods-demo` reloads on pool `rt` (nodes rt-0, rt-1), now, one node at a time (RollingUpdate): loader script (module parameters, load order) (DaemonSet `kmods-demo-rt`)');
    expect(staging).not.toContain('Pools that drain and reboot');
    // Without an inventory the pool is named.
    expect(clusterSection(run.stdout, 'lab')).toContain('- `kmods-demo` reloads on pool `lab`, now, one node at a time (RollingUpdate): loader script (module parameters, load order) (DaemonSet `kmods-demo-lab`)');
    expect(run.stdout).toContain('Unchanged clusters: `gpu-prod`, `storage-prod`');
  });

  it('a blacklist added to a module reboots the pools that load it (no node disruption policy in the example)', () => {
    const run = planWith((t) => t.replace('    loader: daemonset\n', '    loader: daemonset\n    blacklist: [floppy]\n'));
    expect(run.stdout).toContain('**Reboots:** `gpu-staging/rt`, `lab/lab`');
    expect(clusterSection(run.stdout, 'gpu-staging')).toContain('- pool `rt` (every node of the pool, 1 at a time):\n  - MachineConfig `99-rt-blacklist` added: file /etc/modprobe.d/cdk8s-kmods-blacklist.conf changes');
    expect(clusterSection(run.stdout, 'lab')).toContain('- pool `lab` (every node of the pool, 50% at a time):\n  - MachineConfig `99-lab-blacklist` added: file /etc/modprobe.d/cdk8s-kmods-blacklist.conf changes');
    // Pools that do not load kmods-demo are untouched.
    expect(clusterSection(run.stdout, 'gpu-staging')).not.toContain('pool `storage`');
    expect(run.stdout).toContain('Unchanged clusters: `gpu-prod`, `storage-prod`');
  });

  it('a module version bump rebuilds for every kernel and prunes the old builds', () => {
    const run = planWith((t) => t.replace('  kmods-demo:\n    version: "1.0.0"', '  kmods-demo:\n    version: "1.0.1"'));
    expect(run.stdout).toContain('**Reboots:** none');
    const lab = clusterSection(run.stdout, 'lab');
    expect(lab).toMatch(/- `kmods-demo` builds for kernel 5\.14\.0-570\.22\.1\.el9_6\.x86_64 \(BuildConfig `kmods-demo-5-14-0-570-22-1-el9-6-x86-64-[0-9a-f]{8}`, new build inputs\)/);
    expect(lab).toMatch(/\*\*Pruned by Argo CD \/ Flux\*\*\n\n- BuildConfig `kmods-demo-5-14-0-570-22-1-el9-6-x86-64-[0-9a-f]{8}` is deleted from the cluster/);
    expect(lab).toContain('(DaemonSet `kmods-demo-lab`)');
    const staging = clusterSection(run.stdout, 'gpu-staging');
    // Mid-upgrade: both realtime kernels of the rt pool get a new build.
    expect(staging).toMatch(/- `kmods-demo` builds for kernel 5\.14\.0-427\.50\.1\.el9_4\.x86_64\+rt \(BuildConfig `kmods-demo-5-14-0-427-50-1-el9-4-x86-64-rt-[0-9a-f]{8}`, new build inputs\)/);
    expect(staging).toMatch(/- `kmods-demo` builds for kernel 5\.14\.0-570\.22\.1\.el9_6\.x86_64\+rt \(BuildConfig `kmods-demo-5-14-0-570-22-1-el9-6-x86-64-rt-[0-9a-f]{8}`, new build inputs\)/);
    expect(staging).toContain('- `kmods-demo` reloads on pool `rt`, now, one node at a time (RollingUpdate)');
  });

  it('removing a pool: its loader unloads and is pruned, its pool and MachineConfigs stay on the cluster (Prune=false)', () => {
    const run = planWith((t) => t.replace(/      rt:\n        nodeSelector:\n          node-role\.kubernetes\.io\/rt: ""\n        kernelType: realtime\n        modules: \[kmods-demo\]\n/, ''),
      ['--nodes', `gpu-staging=${fixture('nodes-gpu-staging-mid-upgrade.json')}`]);
    expect(run.stdout).toContain('**Reboots:** none');
    const staging = clusterSection(run.stdout, 'gpu-staging');
    // kmods-demo sets keepLoadedOnStop: false, so its stopping pods unload it.
    expect(staging).toContain('- `kmods-demo` unloads on nodes matching {"node-role.kubernetes.io/rt":""} (nodes rt-0, rt-1) (DaemonSet `kmods-demo-rt` pruned; its pods stop and unload the module)');
    expect(staging).toContain('- MachineConfigPool `rt`: left on the cluster (Prune=false); move its nodes out first, then: oc delete machineconfigpool rt');
    expect(staging).toContain('- MachineConfig `99-rt-kernel-type`: left on the cluster (Prune=false); remove by hand: oc delete machineconfig 99-rt-kernel-type');
    const pruned = subsection(staging, 'Pruned by Argo CD / Flux');
    expect(pruned).toContain('DaemonSet `kmods-demo-rt` is deleted');
    expect(pruned).toMatch(/BuildConfig `kmods-demo-5-14-0-427-50-1-el9-4-x86-64-rt-[0-9a-f]{8}` is deleted/);
    expect(pruned).not.toContain('MachineConfig');
    expect(subsection(staging, 'Warnings')).toContain('MachineConfig `99-rt-kernel-type` left the output but stays on the cluster: pool `rt` keeps its settings');
  });

  it('folding upgradeTo into release while nodes still run the old kernel: no reboot, the loader loses that kernel and nodes are left without modules', () => {
    const run = planWith((t) => t.replace('    release: "4.18.12"\n    upgradeTo: "4.19.3"\n', '    release: "4.19.3"\n'),
      ['--nodes', `gpu-staging=${fixture('nodes-gpu-staging-mid-upgrade.json')}`]);
    const staging = clusterSection(run.stdout, 'gpu-staging');
    // The kernel-type MachineConfig moves to the new Ignition version with the same content: the daemon has nothing to apply.
    expect(subsection(staging, 'Node configuration applied without a reboot')).toContain('pool `rt`: MachineConfig `99-rt-kernel-type` changed: only the Ignition version changes');
    expect(run.stdout).toContain('**Reboots:** none');
    const modules = subsection(staging, 'Modules');
    // One DaemonSet per (module, pool): folding only drops the old kernel's init container, so the loader rolls, it is not pruned.
    expect(modules).toContain('- `kmods-demo` reloads on pool `rt` (nodes rt-0, rt-1), now, one node at a time (RollingUpdate): containers, initContainers (DaemonSet `kmods-demo-rt`)');
    expect(modules).not.toContain('unloads');
    expect(modules).toContain('`kmods-demo`: the build for kernel 5.14.0-427.50.1.el9_4.x86_64+rt is removed');
    expect(modules).toContain('- `gpfs` loses its KMM kernel mapping on pool `storage` (nodes storage-0, storage-1): KMM no longer loads it on kernel 5.14.0-427.50.1.el9_4.x86_64 (KMM Module `gpfs-storage`)');
    expect(subsection(staging, 'Pruned by Argo CD / Flux')).not.toContain('DaemonSet');
    const warnings = subsection(staging, 'Warnings');
    expect(warnings).toContain('node rt-1 would be left without `kmods-demo`: kernel 5.14.0-427.50.1.el9_4.x86_64+rt belongs to release 4.18.12, which cluster gpu-staging neither runs nor upgrades to');
    expect(warnings).toContain('node storage-0 would be left without `gpfs`');
    expect(warnings).toContain('node storage-1 would be left without `gpfs`');
    expect(warnings).not.toContain('node rt-0 would be left');
    expect(warnings).toContain('kernel 5.14.0-427.50.1.el9_4.x86_64+rt loses its builds and loaders');
  });

  it('removing a cluster bootstrapped per cluster: its objects leave the output, and nothing on the cluster deletes them', () => {
    const run = planWith((t) => t.replace(/  lab:\n    release: "4\.19\.3"\n    pools:\n      lab:\n        maxUnavailable: "50%"\n        modules: \[kmods-demo\]\n    clusterID: [^\n]*\n/, ''));
    const lab = clusterSection(run.stdout, 'lab');
    expect(lab).toContain('left the fleet: its Argo CD Application and Flux Kustomization were applied by hand from dist/bootstrap/lab/ and stay on the cluster');
    expect(lab).toContain('neither deletes anything');
    expect(lab).not.toContain('Argo CD deletes its Application');
    expect(subsection(lab, 'Left on the cluster (Prune=false)')).toContain('MachineConfigPool `lab`');
    expect(subsection(lab, 'Pruned by Argo CD / Flux')).toContain('DaemonSet `kmods-demo-lab` is deleted');
    expect(run.stdout).toContain('- `bootstrap/`: Application `kmods-lab` removed');
    expect(run.stdout).toContain('- `bootstrap/`: Kustomization `kmods-lab` removed');
    expect(run.stdout).toContain('Unchanged clusters: `gpu-prod`, `gpu-staging`, `storage-prod`');
  });

  it('fails on an unknown base ref or a missing --base, naming them', () => {
    const bad = kmods(['plan', '--base', 'no-such-ref'], { cwd: repo });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('--base: "no-such-ref" is not a commit');
    const missing = kmods(['plan'], { cwd: repo });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--base GIT-REF is required');
  });
});
