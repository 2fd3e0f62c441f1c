/**
 * Module-parameter injection on a real kernel (Debian kernel in qemu, as test/e2e/loader-qemu).
 *
 * Why the rule exists: kmod's modprobe wraps a value holding a space in double quotes (tools/opt.c
 * `options_from_array`, not when the value starts with a quote) and the kernel's parser honours
 * quotes (kernel/params.c `parse_args` → lib/cmdline.c `next_arg`), so through plain modprobe the
 * value `1" count="7` sets `count` as well, and `' count=9` does too. Our validation refuses both.
 * What stays allowed — spaces, `;`, `$( )`, backticks, single quotes — reaches the kernel verbatim
 * through the generated load script and runs nothing.
 *
 * Needs the same tools as loader-qemu (skipped with the reason outside CI, required under CI).
 */
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { shellQuote as q } from '../../lib/shell';
import { Fleet, FleetProps } from '../../lib/fleet/fleet';
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

/** Values that would set a second parameter: through kmod's quoting, and past it (leading single quote). */
const INJECT_QUOTED = '1" count="7';
const INJECT_LEADING_QUOTE = "' count=9";
/** Safe values with spaces, ';', '$( )', backticks and single quotes (one starting with one). */
const SAFE_GREETING = "it's a 'test'; $(touch /pwned) `touch /tmp/pwned` done";
const SAFE_LABEL = "'quoted'";

function fleetProps(release: string, greeting: string): FleetProps {
  const image = ModuleSource.prebuilt({ images: { [release]: 'quay.io/example/kmods-e2e:1' } });
  return {
    releases: [{ version: '4.18.1', kernel: release, driverToolkitImage: `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'d'.repeat(64)}`, example: true }],
    modules: [{
      name: 'e2e-params',
      version: '1.0',
      source: image,
      loadOrder: [
        { name: 'kmods_fixture_a', parameters: { greeting, count: '3' } },
        { name: 'kmods-fixture-b', parameters: { label: SAFE_LABEL } },
      ],
    }],
  };
}

/** The loader as synthesized for a cluster on `release` (its ConfigMap script, container env and probe). */
function synthesizedLoader(release: string): GuestLoader {
  const fleet = new Fleet(fleetProps(release, SAFE_GREETING));
  fleet.addCluster('e2e', { release: '4.18.1', pools: { nodes: { modules: ['e2e-params'] } } });
  const dist = path.join(tempDir('kmods-e2e-dist-'), 'dist');
  synthesizeFleet(fleet, { outdir: dist });
  const manifests = loadDistObjects(dist).filter((o) => o.file.startsWith('clusters/e2e/')).map((o) => o.obj as Manifest);
  const cm = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'e2e-params-loader') as Manifest & { data: Record<string, string> };
  const ds = manifests.find((m) => m.kind === 'DaemonSet') as any;
  const container = ds.spec.template.spec.containers[0];
  return {
    name: 'safe',
    script: cm.data[LOADER_PATHS.scriptFile],
    env: Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value])),
    readinessProbe: container.readinessProbe.exec.command,
    reportParameters: ['kmods_fixture_a', 'kmods_fixture_b'],
  };
}

/** Plain modprobe (kmod) with one value, then the parameters the kernel set, then unload. */
function plainModprobe(key: string, value: string): string[] {
  return [
    `/sbin/modprobe -d /opt kmods_fixture_a ${q(`greeting=${value}`)} || say ${key}.error modprobe`,
    `say ${key}.greeting "$(cat /sys/module/kmods_fixture_a/parameters/greeting)"`,
    `say ${key}.count "$(cat /sys/module/kmods_fixture_a/parameters/count)"`,
    '/sbin/modprobe -r -d /opt kmods_fixture_a',
  ];
}

describe('parameter validation refuses what the kernel would split', () => {
  test.each([INJECT_QUOTED, INJECT_LEADING_QUOTE])('%j', (value) => {
    expect(() => new Fleet(fleetProps('6.1.0-1-amd64', value))).toThrow(/modules\.e2e-params\.loadOrder\[0\]\.parameters\.greeting: module "e2e-params": /);
  });

  test('the safe values pass it', () => {
    expect(() => new Fleet(fleetProps('6.1.0-1-amd64', SAFE_GREETING))).not.toThrow();
  });
});

const missing = missingHostTools();

describe('parameter injection on a real kernel (qemu)', () => {
  test.runIf(CI && missing.length > 0)('has its tools (required under CI)', () => {
    throw new Error(`missing for the real-kernel parameter test: ${missing.join('; ')} (apt-get install ${E2E_PACKAGES.join(' ')})`);
  });
  if (!CI && missing.length > 0) console.warn(`skipping the real-kernel parameter test; missing: ${missing.join('; ')}`);

  describe.skipIf(missing.length > 0)(`Debian kernel ${headersRelease() ?? '(none)'}`, () => {
    let report: GuestReport;
    let work: string;
    const value = (key: string): string | undefined => report.values.get(key);

    beforeAll(async () => {
      work = tempDir('kmods-e2e-params-');
      const kernel = debianKernel(CACHE);
      const ko = buildFixtureModules(kernel, work);
      report = await runLoadersInGuest({
        kernel,
        workDir: work,
        imageModules: [ko.kmods_fixture_a, ko['kmods-fixture-b']],
        inTreeModules: [],
        imageFiles: {},
        beforeLoaders: [...plainModprobe('quoted', INJECT_QUOTED), ...plainModprobe('leading', INJECT_LEADING_QUOTE)],
        loaders: [synthesizedLoader(kernel.release)],
      });
      if (value('done') !== '1') {
        throw new Error(`the guest did not finish (exit ${report.qemu.exitCode}, timed out: ${report.qemu.timedOut}); console:\n${report.qemu.console}`);
      }
    }, 280_000);

    afterAll(() => {
      if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    test('through plain modprobe, `1" count="7` sets a second parameter (why the rule exists)', () => {
      expect(value('quoted.error')).toBeUndefined();
      expect(value('quoted.greeting')).toBe('1');
      expect(value('quoted.count')).toBe('7');
    });

    test("through plain modprobe, a value starting with ' and holding a space is split too", () => {
      expect(value('leading.error')).toBeUndefined();
      expect(value('leading.greeting')).toBe("'");
      expect(value('leading.count')).toBe('9');
    });

    test('safe values reach the kernel verbatim through the generated load script, and run nothing', () => {
      expect(value('safe.ready')).toBe('1');
      expect(value('safe.param.kmods_fixture_a.greeting')).toBe(SAFE_GREETING);
      expect(value('safe.param.kmods_fixture_a.count')).toBe('3');
      expect(value('safe.param.kmods_fixture_b.label')).toBe(SAFE_LABEL);
      expect(value('pwned')).toBe('0');
    });
  });
});
