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
    const run = planWith((t) => t.replace('        maxUnavailable: 1\n        modules: [nvidia]', '        maxUnavailable: 1\n        kernelArguments: [intel_iommu=on]\n        modules: [nvidia]'));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('**Reboots:** `gpu-prod/gpu`');
    const prod = clusterSection(run.stdout, 'gpu-prod');
    expect(prod).toContain('**Pools that drain and reboot**\n\n- pool `gpu` (every node of the pool, 1 at a time):\n  - MachineConfig `99-gpu-kernel-arguments` added: kernel arguments change the kernel command line');
    expect(run.stdout).toContain('Unchanged clusters: `gpu-staging`, `lab`, `storage-prod`');
    expect(git('status', '--porcelain')).toBe('');
  });

  it('a loader parameter change names the nodes that reload (from an inventory), per kernel', () => {
    const run = planWith((t) => t.replace('NVreg_OpenRmEnableUnsupportedGpus: "1"', 'NVreg_OpenRmEnableUnsupportedGpus: "0"'),
      ['--nodes', `gpu-staging=${fixture('nodes-gpu-staging-mid-upgrade.json')}`]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('**Reboots:** none');
    const staging = clusterSection(run.stdout, 'gpu-staging');
    expect(staging).toMatch(/- `nvidia` reloads on pool `gpu` \(nodes gpu-1, gpu-2\), when each loader pod is deleted[^\n]*: loader script \(module parameters, load order\) \(DaemonSet `nvidia-5-14-0-427-50-1-el9-4-x86-64`\)/);
    expect(staging).toMatch(/- `nvidia` reloads on pool `gpu` \(nodes gpu-0\), [^\n]*\(DaemonSet `nvidia-5-14-0-570-22-1-el9-6-x86-64`\)/);
    expect(staging).not.toContain('Pools that drain and reboot');
    // Without an inventory the pool is named.
    expect(clusterSection(run.stdout, 'gpu-prod')).toMatch(/- `nvidia` reloads on pool `gpu`, when each loader pod is deleted/);
  });

  it('a blacklist change reboots a pool, except where the node disruption policy makes module files rebootless', () => {
    const run = planWith((t) => t.replace('blacklist: [nouveau]', 'blacklist: [nouveau, nvidiafb]'));
    expect(run.stdout).toContain('**Reboots:** `gpu-staging/gpu`');
    expect(clusterSection(run.stdout, 'gpu-prod')).toMatch(/\*\*Node configuration applied without a reboot\*\*\n\n- pool `gpu`: MachineConfig `99-gpu-blacklist` changed: none: the blacklist applies to later module loads/);
    expect(clusterSection(run.stdout, 'gpu-staging')).toContain('- pool `gpu` (every node of the pool, 1 at a time):\n  - MachineConfig `99-gpu-blacklist` changed:');
  });

  it('a module version bump rebuilds for every kernel and prunes the old builds', () => {
    const run = planWith((t) => t.replace('version: "1.0.0"', 'version: "1.0.1"'));
    const lab = clusterSection(run.stdout, 'lab');
    expect(lab).toMatch(/- `simple-kmod` builds for kernel 5\.14\.0-570\.22\.1\.el9_6\.x86_64 \(BuildConfig `simple-kmod-5-14-0-570-22-1-el9-6-x86-64-[0-9a-f]{8}`, new build inputs\)/);
    expect(lab).toMatch(/\*\*Pruned by Argo CD \/ Flux\*\*\n\n- BuildConfig `simple-kmod-5-14-0-570-22-1-el9-6-x86-64-[0-9a-f]{8}` is deleted from the cluster/);
  });

  it('removing a pool: its loader unloads and is pruned, its pool and MachineConfigs stay on the cluster (Prune=false)', () => {
    const run = planWith((t) => t.replace(/      rt:\n        nodeSelector:\n          node-role\.kubernetes\.io\/rt: ""\n        kernelType: realtime\n        modules: \[simple-kmod\]\n/, ''),
      ['--nodes', `gpu-staging=${fixture('nodes-gpu-staging-mid-upgrade.json')}`]);
    const staging = clusterSection(run.stdout, 'gpu-staging');
    expect(staging).toMatch(/- `simple-kmod` unloads on nodes matching [^\n]*\(nodes rt-1\) \(DaemonSet `simple-kmod-5-14-0-427-50-1-el9-4-x86-64-rt` pruned; its pods stop and unload the module\)/);
    expect(staging).toContain('- MachineConfigPool `rt`: left on the cluster (Prune=false); move its nodes out first, then: oc delete machineconfigpool rt');
    expect(staging).toContain('- MachineConfig `99-rt-kernel-type`: left on the cluster (Prune=false); remove by hand: oc delete machineconfig 99-rt-kernel-type');
    const pruned = subsection(staging, 'Pruned by Argo CD / Flux');
    expect(pruned).toMatch(/DaemonSet `simple-kmod-5-14-0-427-50-1-el9-4-x86-64-rt` is deleted/);
    expect(pruned).not.toContain('MachineConfig');
  });

  it('folding upgradeTo into release while nodes still run the old kernel: no reboot, but loaders unload and nodes are left without modules', () => {
    const run = planWith((t) => t.replace('    release: "4.18.12"\n    upgradeTo: "4.19.3"\n', '    release: "4.19.3"\n'),
      ['--nodes', `gpu-staging=${fixture('nodes-gpu-staging-mid-upgrade.json')}`]);
    const staging = clusterSection(run.stdout, 'gpu-staging');
    // MachineConfigs move to Ignition 3.5.0 with the same content: the daemon has nothing to apply.
    expect(subsection(staging, 'Node configuration applied without a reboot')).toContain('pool `gpu`: MachineConfig `99-gpu-blacklist` changed: only the Ignition version changes');
    expect(subsection(staging, 'Node configuration applied without a reboot')).toContain('pool `rt`: MachineConfig `99-rt-kernel-type` changed: only the Ignition version changes');
    expect(run.stdout).toContain('**Reboots:** none');
    const modules = subsection(staging, 'Modules');
    expect(modules).toContain('`nvidia` unloads on pool `gpu` (nodes gpu-1, gpu-2) (DaemonSet `nvidia-5-14-0-427-50-1-el9-4-x86-64` pruned; its pods stop and unload the module)');
    expect(modules).toContain('`nvidia`: the build for kernel 5.14.0-427.50.1.el9_4.x86_64 is removed');
    const warnings = subsection(staging, 'Warnings');
    expect(warnings).toContain('node gpu-2 would be left without `nvidia`: kernel 5.14.0-427.50.1.el9_4.x86_64 belongs to release 4.18.12, which cluster gpu-staging neither runs nor upgrades to');
    expect(warnings).toContain('node storage-0 would be left without `gpfs`');
    expect(warnings).toContain('kernel 5.14.0-427.50.1.el9_4.x86_64 loses its builds and loaders: a node still running it keeps no module');
    expect(warnings).toContain('kernel 5.14.0-427.50.1.el9_4.x86_64+rt loses its builds and loaders');
  });

  it('removing a cluster: its objects and GitOps wiring go, with what each engine then does', () => {
    const run = planWith((t) => t.replace(/  lab:\n    release: "4\.19\.3"\n    pools:\n      lab:\n        maxUnavailable: "50%"\n        modules: \[simple-kmod\]\n/, ''));
    const lab = clusterSection(run.stdout, 'lab');
    expect(lab).toContain('left the fleet: Argo CD deletes its Application without a resources finalizer');
    expect(subsection(lab, 'Left on the cluster (Prune=false)')).toContain('MachineConfigPool `lab`');
    expect(subsection(lab, 'Pruned by Argo CD / Flux')).toMatch(/DaemonSet `simple-kmod-5-14-0-570-22-1-el9-6-x86-64` is deleted/);
    expect(run.stdout).toContain('- `argocd/`: Application `kmods-lab` removed');
    expect(run.stdout).toContain('- `flux/`: Kustomization `kmods-lab` removed');
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
