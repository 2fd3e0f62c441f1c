/**
 * The loader script on a real kernel: a Debian kernel booted in qemu (software emulation, no
 * KVM) runs the scripts exactly as a cluster synthesizes them, against fixture modules built
 * for that kernel, laid out as a KMM module image (`/opt/lib/modules/<kernel>/`).
 *
 * Needs: qemu-system-x86 busybox-static kmod make gcc linux-headers-amd64 (and apt-get to fetch
 * the matching linux-image package's vmlinuz once, unless linux-image-<release> is installed;
 * the vmlinuz is cached under node_modules/.cache/kmods-e2e or $KMODS_E2E_CACHE).
 * Under CI=true a missing tool fails the suite; elsewhere the suite is skipped with the reason.
 */
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Fleet } from '../../lib/fleet/fleet';
import { LOADER_PATHS } from '../../lib/delivery/daemonset/loader-script';
import { ModuleSource } from '../../lib/module/module-source';
import { Manifest } from '../../lib/synth/manifest';
import { synthesizeFleet } from '../../lib/synth/synthesize-fleet';
import { loadDistObjects } from '../support/validate';
import { REPO_ROOT, tempDir } from '../support/repo';
import { debianKernel, E2E_PACKAGES, headersRelease, missingHostTools } from './support/debian-kernel';
import { buildFixtureModules } from './support/kmod-fixtures';
import { GuestLoader, GuestReport, runLoadersInGuest } from './support/loader-guest';

const CI = process.env.CI === 'true';
const CACHE = process.env.KMODS_E2E_CACHE ?? path.join(REPO_ROOT, 'node_modules', '.cache', 'kmods-e2e');

/** A parameter value with quotes, ';', '$( )', backticks and '&': it must reach the kernel verbatim. */
const GREETING = "it's a test; $(touch /pwned) `touch /tmp/pwned` & done";
const FIRMWARE = Buffer.from('kmods-e2e firmware blob\n'.repeat(10));

/**
 * The loaders under test, exactly as synthesized: a cluster on the guest's kernel with two
 * modules is synthesized into a dist folder, and from its files come each module's ConfigMap
 * script plus its DaemonSet's container env and readiness probe. This is the one place the
 * scripts come from.
 */
function synthesizedLoaders(release: string): GuestLoader[] {
  const image = ModuleSource.prebuilt({ images: { [release]: 'quay.io/example/kmods-e2e:1' } });
  const fleet = new Fleet({
    releases: [{ version: '4.18.1', kernel: release, driverToolkitImage: `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'d'.repeat(64)}`, example: true }],
    modules: [
      {
        name: 'e2e-main',
        version: '1.0',
        source: image,
        loadOrder: [
          { name: 'kmods_fixture_a', parameters: { greeting: GREETING, count: '42' } },
          { name: 'kmods-fixture-b', parameters: { label: 'second', firmware: 'kmods-e2e-fw.bin' } },
        ],
        inTreeModulesToRemove: ['kmods_intree'],
        firmwarePath: '/firmware',
        keepLoadedOnStop: false,
      },
      {
        name: 'e2e-keep',
        version: '1.0',
        source: image,
        loadOrder: [{ name: 'kmods_fixture_a', parameters: { greeting: 'kept' } }],
        keepLoadedOnStop: true,
      },
    ],
  });
  // Two pools: one pool may not have two modules loading the same .ko (issue 17, class 4); the
  // guest runs both loaders in turn, as a node moved from one pool to the other would.
  fleet.addCluster('e2e', { release: '4.18.1', pools: { nodes: { modules: ['e2e-main'] }, keep: { modules: ['e2e-keep'] } } });
  // Written to a dist folder and read back from its files, as Argo CD or Flux would apply them.
  const dist = path.join(tempDir('kmods-e2e-dist-'), 'dist');
  synthesizeFleet(fleet, { outdir: dist });
  const manifests = loadDistObjects(dist).filter((o) => o.file.startsWith('clusters/e2e/')).map((o) => o.obj as Manifest);
  const loader = (module: string, name: string, reportParameters: string[]): GuestLoader => {
    const cm = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === `${module}-loader`) as Manifest & { data: Record<string, string> };
    const ds = manifests.find((m) => m.kind === 'DaemonSet' && (m as any).spec.template.metadata.labels['app.kubernetes.io/part-of'] === module) as any;
    const container = ds.spec.template.spec.containers[0];
    expect(container.command).toEqual(['/bin/sh', `${LOADER_PATHS.scriptDir}/${LOADER_PATHS.scriptFile}`]);
    return {
      name,
      script: cm.data[LOADER_PATHS.scriptFile],
      // NODE_NAME comes from the downward API; the guest has no API server, so the label is only attempted.
      env: Object.fromEntries(container.env.map((e: { name: string; value?: string }) => [e.name, e.value ?? 'guest-node'])),
      readinessProbe: container.readinessProbe.exec.command,
      reportParameters,
    };
  };
  return [loader('e2e-main', 'main', ['kmods_fixture_a', 'kmods_fixture_b']), loader('e2e-keep', 'keep', ['kmods_fixture_a'])];
}

const missing = missingHostTools();

describe('loader script on a real kernel (qemu)', () => {
  test.runIf(CI && missing.length > 0)('has its tools (required under CI)', () => {
    throw new Error(`missing for the real-kernel loader test: ${missing.join('; ')} (apt-get install ${E2E_PACKAGES.join(' ')})`);
  });
  if (!CI && missing.length > 0) console.warn(`skipping the real-kernel loader test; missing: ${missing.join('; ')}`);

  describe.skipIf(missing.length > 0)(`Debian kernel ${headersRelease() ?? '(none)'}`, () => {
    let report: GuestReport;
    let work: string;
    const value = (key: string): string | undefined => report.values.get(key)?.trim();

    beforeAll(async () => {
      const started = Date.now();
      work = tempDir('kmods-e2e-');
      const kernel = debianKernel(CACHE);
      const fetched = Date.now();
      const ko = buildFixtureModules(kernel, work);
      const built = Date.now();
      report = await runLoadersInGuest({
        kernel,
        workDir: work,
        imageModules: [ko.kmods_fixture_a, ko['kmods-fixture-b']],
        inTreeModules: [ko.kmods_intree],
        imageFiles: { '/firmware/kmods-e2e-fw.bin': FIRMWARE },
        loaders: synthesizedLoaders(kernel.release),
      });
      console.info(`real-kernel loader test: kernel ${kernel.release}; vmlinuz ${fetched - started} ms, build ${built - fetched} ms, `
        + `initramfs ${report.initramfsMs} ms, qemu ${report.qemu.ms} ms, total ${Date.now() - started} ms`);
      if (process.env.KMODS_E2E_VERBOSE) console.info(report.qemu.console);
      if (value('done') !== '1') {
        throw new Error(`the guest did not finish (exit ${report.qemu.exitCode}, timed out: ${report.qemu.timedOut}); console:\n${report.qemu.console}`);
      }
    }, 280_000);

    afterAll(() => {
      if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    test('the in-tree stand-in is loaded at first and removed by the loader before it loads anything', () => {
      expect(value('intree.before')).toBe('kmods_intree');
      expect(report.kernelLog.slice(0, 3)).toEqual(['load kmods_intree', 'unload kmods_intree', 'load kmods_fixture_a']);
    });

    test('the modules load in order, and the synthesized readiness probe passes', () => {
      expect(value('main.ready')).toBe('1');
      expect(value('main.probe')).toBe('0');
      expect(value('main.modules')).toBe('kmods_fixture_a kmods_fixture_b');
      expect(report.kernelLog.slice(2, 4)).toEqual(['load kmods_fixture_a', 'load kmods_fixture_b']);
    });

    test('parameter values reach the kernel verbatim, quotes and shell syntax included, and run nothing', () => {
      expect(report.values.get('main.param.kmods_fixture_a.greeting')).toBe(GREETING);
      expect(value('main.param.kmods_fixture_a.count')).toBe('42');
      expect(value('main.param.kmods_fixture_b.label')).toBe('second');
      expect(value('pwned')).toBe('0');
    });

    test('firmware is copied to /var/lib/firmware, firmware_class.path points there, the kernel finds it, and unloading removes it', () => {
      expect(value('main.firmware')).toBe('kmods-e2e-fw.bin');
      expect(value('firmware.copied')).toBe('');
      expect(value('firmware_class.path')).toBe('/var/lib/firmware');
      expect(value('main.param.kmods_fixture_b.fw_size')).toBe(String(FIRMWARE.length));
    });

    test('SIGTERM unloads in reverse order, exits 0 and turns the probe un-ready', () => {
      expect(value('main.exit')).toBe('0');
      expect(value('main.modules-after')).toBe('');
      expect(value('main.probe-after')).toBe('1');
      expect(report.kernelLog.slice(4, 6)).toEqual(['unload kmods_fixture_b', 'unload kmods_fixture_a']);
    });

    test('with keepLoadedOnStop the module stays loaded after SIGTERM', () => {
      expect(value('keep.ready')).toBe('1');
      expect(value('keep.probe')).toBe('0');
      expect(value('keep.param.kmods_fixture_a.greeting')).toBe('kept');
      expect(value('keep.exit')).toBe('0');
      expect(value('keep.modules-after')).toBe('kmods_fixture_a');
      expect(report.kernelLog.slice(6)).toEqual(['load kmods_fixture_a']);
    });
  });
});
