/**
 * Synthesized loader pods on a real kernel (a Debian kernel in qemu, software emulation): the
 * guest plays kubelet for two loader DaemonSets exactly as synthesized (init containers, loader
 * script, readiness probe) and reports what the kernel shows. One boot covers:
 * - KMM's image contract: module images hold `.ko` files, firmware and `cp` only (no shell, no
 *   kmod, no depmod index); the init containers copy them, our loader image loads them;
 * - the pod carries two kernels' builds and loads the one for `uname -r`;
 * - an in-tree dependency resolves through the `host` link (KMM's recipe);
 * - an older build held in use is reported not ready with the reason and its holder, and is
 *   replaced once the holder is gone (the drain stand-in);
 * - firmware copied on load is removed on unload (`keepLoadedOnStop: false`);
 * - the node label is set when ready and removed on unload (a stand-in records the API calls).
 *
 * Needs what test/e2e/loader-qemu.test.ts needs; under CI=true a missing tool fails the suite.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LOADER_CONTAINER } from '../../lib/delivery/daemonset/loader-daemon-set';
import { LOADER_PATHS } from '../../lib/delivery/daemonset/loader-script';
import { nodeReadyLabelKey } from '../../lib/delivery/daemonset/node-ready-label';
import { Fleet } from '../../lib/fleet/fleet';
import { ModuleSource } from '../../lib/module/module-source';
import { Manifest } from '../../lib/synth/manifest';
import { synthesizeFleet } from '../../lib/synth/synthesize-fleet';
import { REPO_ROOT, tempDir } from '../support/repo';
import { loadDistObjects } from '../support/validate';
import { debianKernel, DebianKernel, E2E_PACKAGES, headersRelease, missingHostTools } from './support/debian-kernel';
import { GUEST_API, GUEST_NODE, GUEST_TOKEN, GuestImage, GuestPod, PodGuestReport, runPodsInGuest } from './support/pod-guest';

const CI = process.env.CI === 'true';
const CACHE = process.env.KMODS_E2E_CACHE ?? path.join(REPO_ROOT, 'node_modules', '.cache', 'kmods-e2e');
const SOURCES = path.resolve(__dirname, '..', 'fixtures', 'kmod-contract');
/** A kernel no node runs: the pool's upgrade target, whose build must never be used here. */
const OTHER_KERNEL = '6.1.0-999-amd64';
const NAMESPACE = 'kmods-system';
const FIRMWARE = { '/firmware/top.bin': Buffer.from('top firmware\n'), '/firmware/vendor/nested.bin': Buffer.from('nested firmware\n') };

/** Builds the fixtures once per version; returns `.ko` paths by version then module name. */
function buildFixtures(kernel: DebianKernel, work: string): Record<'1.0' | '2.0', Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [version, only] of [['2.0', undefined], ['1.0', 'kmods_fixture_v.o']] as const) {
    const dir = path.join(work, `build-${version}`);
    fs.mkdirSync(dir, { recursive: true });
    for (const f of fs.readdirSync(SOURCES)) fs.copyFileSync(path.join(SOURCES, f), path.join(dir, f));
    // The old build needs only the versioned module.
    if (only) fs.appendFileSync(path.join(dir, 'Kbuild'), `obj-m := ${only}\n`);
    const args = ['-s', '-C', kernel.headersDir, `M=${dir}`, `KMODS_FIXTURE_VERSION=${version}`, 'modules'];
    try {
      execFileSync('make', args, { stdio: 'pipe', encoding: 'utf8' });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      throw new Error(`building the contract fixtures (${version}) failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    }
    out[version] = Object.fromEntries(fs.readdirSync(dir).filter((f) => f.endsWith('.ko')).map((f) => [f.slice(0, -3), path.join(dir, f)]));
  }
  return out as Record<'1.0' | '2.0', Record<string, string>>;
}

/** Two modules on one pool of a cluster upgrading from the guest's kernel to another, synthesized to a dist folder and read back. */
function synthesizedPods(kernel: string): { pods: Record<string, GuestPod>; manifests: Manifest[] } {
  const images = (name: string) => ModuleSource.prebuilt({ images: { [kernel]: `quay.io/example/${name}:running`, [OTHER_KERNEL]: `quay.io/example/${name}:other` } });
  const dtk = (c: string) => `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${c.repeat(64)}`;
  const fleet = new Fleet({
    releases: [
      { version: '4.18.1', kernel, driverToolkitImage: dtk('d'), example: true },
      { version: '4.19.1', kernel: OTHER_KERNEL, driverToolkitImage: dtk('e'), example: true },
    ],
    modules: [
      { name: 'e2e-dep', version: '1.0', source: images('e2e-dep'), loadOrder: [{ name: 'kmods_fixture_dep' }], firmwarePath: '/firmware', keepLoadedOnStop: false },
      { name: 'e2e-ver', version: '2.0', source: images('e2e-ver'), loadOrder: [{ name: 'kmods_fixture_v' }] },
    ],
  });
  fleet.addCluster('e2e', { release: '4.18.1', upgradeTo: '4.19.1', namespace: NAMESPACE, pools: { nodes: { modules: ['e2e-dep', 'e2e-ver'] } } });
  const dist = path.join(tempDir('kmods-e2e-contract-dist-'), 'dist');
  synthesizeFleet(fleet, { outdir: dist });
  const manifests = loadDistObjects(dist).filter((o) => o.file.startsWith('clusters/e2e/')).map((o) => o.obj as Manifest);
  const pod = (module: string): GuestPod => {
    const ds = manifests.find((m) => m.kind === 'DaemonSet' && m.metadata.name === `${module}-nodes`) as any;
    const cm = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === `${module}-loader`) as any;
    const spec = ds.spec.template.spec;
    const loader = spec.containers.find((c: any) => c.name === LOADER_CONTAINER);
    const imagesMount = (c: any) => c.volumeMounts.find((v: any) => v.name === 'module-images');
    return {
      name: module.replace(/^e2e-/, ''),
      initContainers: spec.initContainers.map((c: any) => ({
        name: c.name, image: c.image, command: c.command, mountPath: imagesMount(c).mountPath, subPath: imagesMount(c).subPath,
      })),
      loader: { script: cm.data[LOADER_PATHS.scriptFile], imagesMountPath: imagesMount(loader).mountPath, readinessProbe: loader.readinessProbe.exec.command },
    };
  };
  return { pods: { dep: pod('e2e-dep'), ver: pod('e2e-ver') }, manifests };
}

/** A module image: the `.ko` files under /opt/lib/modules/<kernel>/, optional firmware, and cp. Nothing else. */
function moduleImage(ref: string, kernel: string, kos: ReadonlyArray<string>, firmware: Record<string, Buffer> = {}): GuestImage {
  const files = new Map<string, Buffer | { host: string }>([['/bin/cp', { host: '/bin/busybox' }]]);
  for (const ko of kos) files.set(`${LOADER_PATHS.moduleDir}/lib/modules/${kernel}/extra/${path.basename(ko)}`, { host: ko });
  for (const [p, content] of Object.entries(firmware)) files.set(p, content);
  return { ref, files };
}

const missing = missingHostTools();

describe('synthesized loader pods on a real kernel (qemu)', () => {
  test.runIf(CI && missing.length > 0)('has its tools (required under CI)', () => {
    throw new Error(`missing for the real-kernel loader test: ${missing.join('; ')} (apt-get install ${E2E_PACKAGES.join(' ')})`);
  });

  describe.skipIf(missing.length > 0)(`Debian kernel ${headersRelease() ?? '(none)'}`, () => {
    let report: PodGuestReport;
    let work: string;
    let images: GuestImage[];
    const value = (key: string): string | undefined => report.values.get(key)?.trim();
    const labelKey = nodeReadyLabelKey(NAMESPACE, 'e2e-dep');

    beforeAll(async () => {
      const started = Date.now();
      work = tempDir('kmods-e2e-contract-');
      const kernel = debianKernel(CACHE);
      const ko = buildFixtures(kernel, work);
      const built = Date.now();
      const { pods } = synthesizedPods(kernel.release);
      images = [
        moduleImage('quay.io/example/e2e-dep:running', kernel.release, [ko['2.0'].kmods_fixture_dep], FIRMWARE),
        // The other kernel's image of e2e-dep holds another module only: using it would fail the load.
        moduleImage('quay.io/example/e2e-dep:other', OTHER_KERNEL, [ko['2.0'].kmods_fixture_user], FIRMWARE),
        moduleImage('quay.io/example/e2e-ver:running', kernel.release, [ko['2.0'].kmods_fixture_v]),
        // The other kernel's image of e2e-ver holds the 1.0 build: loading it would show version 1.0.
        moduleImage('quay.io/example/e2e-ver:other', OTHER_KERNEL, [ko['1.0'].kmods_fixture_v]),
      ];
      report = await runPodsInGuest({
        kernel,
        workDir: work,
        hostModules: [ko['2.0'].kmods_intree_dep],
        hostFiles: { '/old/kmods_fixture_v.ko': ko['1.0'].kmods_fixture_v, '/old/kmods_fixture_user.ko': ko['2.0'].kmods_fixture_user },
        images,
        loaderEnv: { KMODS_RETRY_SECONDS: '1' },
        before: [
          '# An older build of e2e-ver is loaded and in use (kmods_fixture_user stands in for a workload).',
          'insmod /old/kmods_fixture_v.ko && insmod /old/kmods_fixture_user.ko',
          'say before.modules "$(mods)"',
          'say before.version "$(cat /sys/module/kmods_fixture_v/version)"',
        ],
        pods: [
          {
            pod: pods.dep,
            steps: (pod) => [
              `if wait_for -e ${LOADER_PATHS.readyFile}; then say dep.ready 1; else say dep.ready 0; fi`,
              'probe; say dep.probe $?',
              'say dep.modules "$(mods)"',
              `say dep.firmware "$(cd ${LOADER_PATHS.firmwareHostDir} && find . -type f ! -path './.cdk8s-kmods/*' | sort | tr '\\n' ' ')"`,
              `say dep.firmware-list "$(cat ${LOADER_PATHS.firmwareManifestDir}/${NAMESPACE}.e2e-dep.files | sort | tr '\\n' ' ')"`,
              'say dep.labels "$(cat /run/api-calls 2>/dev/null | wc -l)"',
              'kill -TERM "$pid"; wait "$pid"; say dep.exit $?',
              'say dep.modules-after "$(mods)"',
              `say dep.firmware-after "$(cd ${LOADER_PATHS.firmwareHostDir} && find . ! -type d | sort | tr '\\n' ' ')"`,
              `say dep.firmware-dirs-after "$(cd ${LOADER_PATHS.firmwareHostDir} && find . -mindepth 1 -type d | grep -v cdk8s-kmods | sort | tr '\\n' ' ')"`,
              'probe; say dep.probe-after $?',
            ],
          },
          {
            pod: pods.ver,
            steps: () => [
              `if wait_for -e ${LOADER_PATHS.reasonFile}; then say ver.waited 1; else say ver.waited 0; fi`,
              `say ver.ready-while-held "$(test -e ${LOADER_PATHS.readyFile} && echo 1 || echo 0)"`,
              'out=$(probe); say ver.probe-while-held $?; say ver.probe-output "$out"',
              'say ver.version-while-held "$(cat /sys/module/kmods_fixture_v/version)"',
              '# The drain stand-in: the workload goes away.',
              'rmmod kmods_fixture_user',
              `if wait_for -e ${LOADER_PATHS.readyFile}; then say ver.ready 1; else say ver.ready 0; fi`,
              'probe; say ver.probe $?',
              'say ver.version "$(cat /sys/module/kmods_fixture_v/version)"',
              'kill -TERM "$pid"; wait "$pid"; say ver.exit $?',
              'say ver.modules-after "$(mods)"',
            ],
          },
        ],
      });
      console.info(`pod contract test: kernel ${kernel.release}; build ${built - started} ms, qemu ${report.qemu.ms} ms, total ${Date.now() - started} ms`);
      if (process.env.KMODS_E2E_VERBOSE) console.info(report.qemu.console);
      if (value('done') !== '1') {
        throw new Error(`the guest did not finish (exit ${report.qemu.exitCode}, timed out: ${report.qemu.timedOut}); console:\n${report.qemu.console}`);
      }
    }, 400_000);

    afterAll(() => {
      if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    test('module images hold only .ko files, firmware and cp: no shell, no kmod, no depmod index', () => {
      expect(images).toHaveLength(4);
      for (const img of images) {
        for (const file of img.files.keys()) expect(file, img.ref).toMatch(/^(\/bin\/cp|\/opt\/lib\/modules\/[^/]+\/extra\/[a-z_]+\.ko|\/firmware\/.+\.bin)$/);
      }
    });

    test('every init container copies with cp alone (exec form, in its image), one per kernel and kind', () => {
      const inits = [...report.values.keys()].filter((k) => /^(dep|ver)\.init\./.test(k));
      expect(inits.sort()).toEqual([
        'dep.init.firmware-6-1-0-999-amd64', `dep.init.firmware-${token(headersRelease()!)}`,
        'dep.init.modules-6-1-0-999-amd64', `dep.init.modules-${token(headersRelease()!)}`,
        'ver.init.modules-6-1-0-999-amd64', `ver.init.modules-${token(headersRelease()!)}`,
      ].sort());
      for (const key of inits) expect(value(key), key).toBe('0');
    });

    test('an in-tree dependency resolves through the host link: it loads first, then the module, and the pod is ready', () => {
      expect(value('dep.ready')).toBe('1');
      expect(value('dep.probe')).toBe('0');
      expect(value('dep.modules')).toContain('kmods_fixture_dep');
      expect(value('dep.modules')).toContain('kmods_intree_dep');
      const i = report.kernelLog.indexOf('load kmods_intree_dep');
      expect(i).toBeGreaterThanOrEqual(0);
      expect(report.kernelLog[i + 1]).toBe('load kmods_fixture_dep answer=42');
    });

    test('firmware is copied on load, and removed (files and the folders they leave empty) on unload', () => {
      expect(value('dep.firmware')).toBe('./top.bin ./vendor/nested.bin');
      expect(value('dep.firmware-list')).toBe('./top.bin ./vendor/nested.bin');
      expect(value('dep.exit')).toBe('0');
      expect(value('dep.modules-after')).not.toContain('kmods_fixture_dep');
      expect(report.values.get('dep.firmware-after')).toBe('');
      expect(report.values.get('dep.firmware-dirs-after')).toBe('');
      expect(value('dep.probe-after')).toBe('1');
    });

    test('the node label is set once the module is ready and removed when it is unloaded, on this node only', () => {
      const node = `${GUEST_API}/api/v1/nodes/${GUEST_NODE}`;
      const auth = `Authorization: Bearer ${GUEST_TOKEN}`;
      const depCalls = report.apiCalls.filter((c) => c.includes(labelKey));
      expect(depCalls).toEqual([
        `PATCH ${node} ${auth} ${JSON.stringify({ metadata: { labels: { [labelKey]: '1.0' } } })}`,
        `PATCH ${node} ${auth} ${JSON.stringify({ metadata: { labels: { [labelKey]: null } } })}`,
      ]);
      expect(value('dep.labels')).toBe('1');
    });

    test('an older build in use is not ready: the probe says which build and what holds it, and nothing is unloaded', () => {
      expect(value('before.version')).toBe('1.0');
      expect(value('ver.waited')).toBe('1');
      expect(value('ver.ready-while-held')).toBe('0');
      expect(value('ver.probe-while-held')).toBe('1');
      expect(value('ver.probe-output')).toMatch(/older build is still loaded.*cannot unload kmods_fixture_v: in use \(1 users; held by modules: kmods_fixture_user\)/);
      expect(value('ver.version-while-held')).toBe('1.0');
      const verKey = nodeReadyLabelKey(NAMESPACE, 'e2e-ver');
      const verCalls = report.apiCalls.filter((c) => c.includes(verKey));
      expect(verCalls[0]).toContain(`{"metadata":{"labels":{"${verKey}":null}}}`);
    });

    test('once the holder is gone the loader replaces the build with its own, for the running kernel only, and keeps it loaded on stop', () => {
      expect(value('ver.ready')).toBe('1');
      expect(value('ver.probe')).toBe('0');
      expect(value('ver.version')).toBe('2.0');
      expect(report.kernelLog).toContain('unload kmods_fixture_v 1.0');
      expect(report.kernelLog.filter((l) => l.startsWith('load kmods_fixture_v'))).toEqual(['load kmods_fixture_v 1.0', 'load kmods_fixture_v 2.0']);
      expect(value('ver.exit')).toBe('0');
      expect(value('ver.modules-after')).toContain('kmods_fixture_v');
      const verKey = nodeReadyLabelKey(NAMESPACE, 'e2e-ver');
      expect(report.apiCalls.filter((c) => c.includes(verKey)).at(-1)).toContain(`{"metadata":{"labels":{"${verKey}":"2.0"}}}`);
    });
  });
});

function token(kernel: string): string {
  return kernel.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}
