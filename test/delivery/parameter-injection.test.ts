/**
 * A module parameter value must reach the kernel as one value: modprobe wraps a value holding a
 * space in double quotes (unless it starts with a quote) and the kernel's parser honours double
 * quotes, so `1" count="7` would set `count` too. One rule, where the module is defined, covers
 * the DaemonSet and the KMM loader, fleet.yaml and the TypeScript API. test/e2e/param-injection-qemu
 * shows the same on a real kernel.
 */
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import { FleetValidationError } from '../../lib/errors';
import { loadFleetFile } from '../../lib/fleet-file/fleet-file';
import { KernelModule, LoaderKind, splitsInKernel } from '../../lib/module/kernel-module';
import { REPO_ROOT, tempDir } from '../support/repo';
import { PREBUILT_MODULE } from '../support/test-fleet';

const INJECTIONS = ['1" count="7', '"a b"', 'x"', "' count=7", "'a b'", 'a\nb', 'a\tb', 'a\u0000b', 'a\rcount=7'];
const SAFE = ["it's a test", 'a b c', '; rm -rf /', '$(touch /pwned)', '`id`', "'quoted'", "it's 'quoted' here", ' lead and trail ', '', 'a=b,c'];

describe('module parameter values the kernel would split', () => {
  test.each(INJECTIONS)('%j is refused for both loaders, naming module and field', (value) => {
    for (const loader of [LoaderKind.DAEMONSET, LoaderKind.KMM]) {
      const make = () => new KernelModule({ ...PREBUILT_MODULE, loader, loadOrder: [{ name: 'tracedev', parameters: { greeting: value } }] });
      expect(make).toThrow(FleetValidationError);
      expect(make).toThrow(/modules\.gpfs\.loadOrder\[0\]\.parameters\.greeting: module "gpfs": /);
    }
  });

  test.each(SAFE)('%j is accepted', (value) => {
    expect(splitsInKernel(value)).toBeUndefined();
    const m = new KernelModule({ ...PREBUILT_MODULE, loadOrder: [{ name: 'tracedev', parameters: { greeting: value } }] });
    expect(m.loadOrder[0].parameters).toEqual({ greeting: value });
  });

  test('fleet.yaml: the message names the file position, module and field, and nothing is written', () => {
    const file = path.join(tempDir(), 'fleet.yaml');
    const text = fs.readFileSync(path.join(REPO_ROOT, 'apps', 'fleet.yaml'), 'utf8')
      .replace('NVreg_OpenRmEnableUnsupportedGpus: "1"', 'NVreg_OpenRmEnableUnsupportedGpus: \'1" NVreg_EnableGpuFirmware="0\'');
    expect(text).toContain('NVreg_EnableGpuFirmware');
    fs.writeFileSync(file, text);
    expect(() => loadFleetFile(file)).toThrow(/modules\.nvidia\.loadOrder\[0\]\.parameters\.NVreg_OpenRmEnableUnsupportedGpus: module "nvidia": parameter value must not contain a double quote/);
  });
});
