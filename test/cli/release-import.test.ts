import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { parseFleet } from '../../lib/fleet-file/fleet-file';
import { EXAMPLE_FLEET, fixture, kmods } from './support/run-cli';

const example = fs.readFileSync(EXAMPLE_FLEET, 'utf8');
const releaseInfo = JSON.parse(fs.readFileSync(fixture('release-info-4.19.5-x86_64.json'), 'utf8'));

function scratch(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmods-import-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** `oc adm release info -o json` of another release, derived from the 4.19.5 capture. */
function releaseInfoFor(version: string, rhcos: string, dtkDigest: string): string {
  const info = structuredClone(releaseInfo);
  info.metadata.version = version;
  info.image = `quay.io/openshift-release-dev/ocp-release:${version}-x86_64`;
  info.versions['machine-os'] = rhcos;
  info.displayVersions['machine-os'].Version = rhcos;
  info.references.spec.tags.find((t: any) => t.name === 'driver-toolkit').from.name = `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${dtkDigest}`;
  return JSON.stringify(info);
}

describe('kmods release import', () => {
  it('adds a release from oc adm release info and /etc/driver-toolkit-release.json, touching nothing else in the file', () => {
    const dir = scratch({ 'fleet.yaml': example });
    const run = kmods(['release', 'import', '--fleet', 'fleet.yaml', '--release-info', fixture('release-info-4.19.5-x86_64.json'),
      '--dtk', fixture('driver-toolkit-release-4.19.5.json')], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('fleet.yaml: releases."4.19.5" added');
    const text = fs.readFileSync(path.join(dir, 'fleet.yaml'), 'utf8');
    const dtk = releaseInfo.references.spec.tags.find((t: any) => t.name === 'driver-toolkit').from.name;
    const block = '  # imported by kmods release import from quay.io/openshift-release-dev/ocp-release:4.19.5-x86_64 and the Driver Toolkit\'s /etc/driver-toolkit-release.json\n'
      + '  "4.19.5":\n'
      + '    kernel: 5.14.0-570.28.1.el9_6.x86_64\n'
      + '    realtimeKernel: 5.14.0-570.28.1.el9_6.x86_64+rt\n'
      + '    rhcosVersion: 419.96.202507221232-0\n'
      + `    driverToolkitImage: ${dtk}\n`;
    // In version order after 4.19.3; every other byte (comments, order, flow lists) as it was.
    expect(text).toContain(`4.19.3":\n    example: true\n`);
    expect(text.replace(block, '')).toBe(example);
    expect(text.indexOf(block)).toBeGreaterThan(text.indexOf('"4.19.3":'));
    expect(text.indexOf(block)).toBeLessThan(text.indexOf('\nmodules:'));
    const release = parseFleet(text).releases.tryGet('4.19.5')!;
    expect(release.kernel.full).toBe('5.14.0-570.28.1.el9_6.x86_64');
    expect(release.realtimeKernel?.full).toBe('5.14.0-570.28.1.el9_6.x86_64+rt');
    expect(release.driverToolkitImage).toBe(dtk);
    // The imported release is usable at once: the walk to it shows what still needs building.
    const walk = kmods(['check', '--fleet', 'fleet.yaml', '--cluster', 'lab', '--upgrade-to', '4.19.5'], { cwd: dir });
    expect(walk.code).toBe(1);
    expect(walk.stdout).toContain('kmods-demo: kernel 5.14.0-570.28.1.el9_6.x86_64 belongs to release 4.19.5, which cluster lab neither runs nor upgrades to');
  });

  it('updates an existing release in place: new digest and RHCOS build, example flag dropped, comments kept', () => {
    const digest = 'e'.repeat(64);
    const dir = scratch({ 'fleet.yaml': example, 'info.json': releaseInfoFor('4.18.12', '418.94.202501221327-0', digest) });
    const run = kmods(['release', 'import', '--fleet', 'fleet.yaml', '--release-info', 'info.json', '--dtk', fixture('driver-toolkit-release-4.18.12.json')], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('releases."4.18.12" updated');
    expect(run.stdout).toContain(`driverToolkitImage: quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:ac82d81b5d752ad660ba2d6e3e446dd9e88616173cd3951b42d260b28ed65e7e → quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${digest}`);
    expect(run.stdout).toContain('example: true → (removed');
    const text = fs.readFileSync(path.join(dir, 'fleet.yaml'), 'utf8');
    expect(text).toContain(`  "4.18.12":\n    kernel: 5.14.0-427.50.1.el9_4.x86_64\n    realtimeKernel: 5.14.0-427.50.1.el9_4.x86_64+rt\n    rhcosVersion: 418.94.202501221327-0\n    driverToolkitImage: quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${digest}\n`);
    // Comments before and after the release are intact.
    expect(text).toContain('# EXAMPLE DATA: the kernels, RHCOS builds and Driver Toolkit digests below are examples');
    expect(text).toContain('  # IBM Storage Scale (GPFS) portability layer: the preset loads tracedev, mmfslinux, mmfs26 in');
    expect(text.split('\n').length).toBe(example.split('\n').length - 1);
    // Importing the same data again changes nothing.
    const again = kmods(['release', 'import', '--fleet', 'fleet.yaml', '--release-info', 'info.json', '--dtk', fixture('driver-toolkit-release-4.18.12.json')], { cwd: dir });
    expect(again.stdout).toContain('releases."4.18.12" unchanged');
    expect(fs.readFileSync(path.join(dir, 'fleet.yaml'), 'utf8')).toBe(text);
  });

  it('--dtk-from imagestream writes no digest: builds use openshift/driver-toolkit:<rhcos>', () => {
    const dir = scratch({ 'fleet.yaml': example });
    const run = kmods(['release', 'import', '--fleet', 'fleet.yaml', '--release-info', '-', '--dtk', fixture('driver-toolkit-release-4.19.5.json'), '--dtk-from', 'imagestream'],
      { cwd: dir, stdin: fs.readFileSync(fixture('release-info-4.19.5-x86_64.json'), 'utf8') });
    expect(run.code).toBe(0);
    const text = fs.readFileSync(path.join(dir, 'fleet.yaml'), 'utf8');
    expect(text).toContain('  "4.19.5":\n    kernel: 5.14.0-570.28.1.el9_6.x86_64\n    realtimeKernel: 5.14.0-570.28.1.el9_6.x86_64+rt\n    rhcosVersion: 419.96.202507221232-0\n\nmodules:');
    expect(parseFleet(text).releases.tryGet('4.19.5')!.driverToolkitImageStreamTag).toBe('driver-toolkit:419.96.202507221232-0');
  });

  it('reads the kernels from a 4.23+ Driver Toolkit\'s image labels (oc image info -o json)', () => {
    const dir = scratch({ 'fleet.yaml': example, 'info.json': releaseInfoFor('4.23.2', '423.97.202603110412-0', 'f'.repeat(64)) });
    const run = kmods(['release', 'import', '--fleet', 'fleet.yaml', '--release-info', 'info.json', '--dtk', fixture('dtk-image-info-4.23.json'), '--dry-run'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('releases."4.23.2" added (dry run, nothing written)\n  kernel: 5.14.0-611.9.1.el9_7.x86_64\n  realtimeKernel: 5.14.0-611.9.1.el9_7.x86_64+rt');
    expect(fs.readFileSync(path.join(dir, 'fleet.yaml'), 'utf8')).toBe(example);
  });

  it('refuses a Driver Toolkit of another release, naming both files, and writes nothing', () => {
    const dir = scratch({ 'fleet.yaml': example });
    const run = kmods(['release', 'import', '--fleet', 'fleet.yaml', '--release-info', fixture('release-info-4.19.5-x86_64.json'),
      '--dtk', fixture('driver-toolkit-release-4.18.12.json')], { cwd: dir });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/driver-toolkit-release-4\.18\.12\.json does not belong to \S+release-info-4\.19\.5-x86_64\.json \(release 4\.19\.5\): the DTK is built on RHEL 9\.4, release 4\.19\.5's RHCOS on RHEL 9\.6; kernel 5\.14\.0-427\.50\.1\.el9_4\.x86_64 is a RHEL 9\.4 kernel/);
    expect(fs.readFileSync(path.join(dir, 'fleet.yaml'), 'utf8')).toBe(example);
  });

  it('refuses hostile or incomplete input before touching the file', () => {
    const info = (edit: (i: any) => void): string => { const i = structuredClone(releaseInfo); edit(i); return JSON.stringify(i); };
    const dir = scratch({
      'fleet.yaml': example,
      'version.json': info((i) => { i.metadata.version = '4.19.5"\nclusters: {}\n#'; }),
      'tag.json': info((i) => { i.references.spec.tags.find((t: any) => t.name === 'driver-toolkit').from.name = 'quay.io/x/dtk:latest'; }),
      'kernel.json': '{"KERNEL_VERSION": "5.14.0-570.28.1.el9_6.x86_64\\nclusters: {}", "RHEL_VERSION": "9.6"}',
      'old-dtk.json': JSON.stringify({ config: { config: { Labels: { name: 'driver-toolkit', version: '0.1' } } } }),
      'nodes.json': fs.readFileSync(fixture('nodes-gpu-prod-unknown-kernel.json'), 'utf8'),
    });
    const imp = (...args: string[]) => kmods(['release', 'import', '--fleet', 'fleet.yaml', ...args], { cwd: dir });
    expect(imp('--release-info', 'version.json', '--dtk', fixture('driver-toolkit-release-4.19.5.json')).stderr).toContain('version.json: metadata.version is "4.19.5\\"\\nclusters: {}\\n#", not a release number');
    expect(imp('--release-info', 'tag.json', '--dtk', fixture('driver-toolkit-release-4.19.5.json')).stderr).toContain('tag.json: the driver-toolkit reference quay.io/x/dtk:latest is not pinned by digest');
    expect(imp('--release-info', fixture('release-info-4.19.5-x86_64.json'), '--dtk', 'kernel.json').stderr).toContain('kernel.json: kernel "5.14.0-570.28.1.el9_6.x86_64\\nclusters: {}" is not a kernel release');
    expect(imp('--release-info', fixture('release-info-4.19.5-x86_64.json'), '--dtk', 'old-dtk.json').stderr).toContain('has no kernel-version label (added in 4.23); read /etc/driver-toolkit-release.json instead');
    expect(imp('--release-info', 'nodes.json').stderr).toContain('nodes.json: not the output of "oc adm release info <release> -o json"');
    const noDtk = imp('--release-info', fixture('release-info-4.19.5-x86_64.json'));
    expect(noDtk.code).toBe(2);
    expect(noDtk.stderr).toContain('release 4.19.5 is not in fleet.yaml yet: give its kernels with --dtk');
    expect(fs.readFileSync(path.join(dir, 'fleet.yaml'), 'utf8')).toBe(example);
  });
});
