import { describe, expect, it } from 'vitest';
import { buildConfigName, kernelArchitecture } from '../../lib/image/build-config';
import { isDnsLabel } from '../../lib/names';
import { KernelVersion } from '../../lib/release/kernel-version';

describe('buildConfigName', () => {
  const kernel = KernelVersion.parse('5.14.0-427.50.1.el9_4.x86_64');

  it('is <module>-<kernel token>-<hash> when that fits', () => {
    expect(buildConfigName('gpu', kernel, 'inputs')).toMatch(/^gpu-5-14-0-427-50-1-el9-4-x86-64-[0-9a-f]{8}$/);
  });

  it('is stable for the same input and differs for other inputs', () => {
    expect(buildConfigName('gpu', kernel, 'a')).toBe(buildConfigName('gpu', kernel, 'a'));
    expect(buildConfigName('gpu', kernel, 'a')).not.toBe(buildConfigName('gpu', kernel, 'b'));
  });

  it('stays a DNS label of at most 63 characters for the longest module names and kernels', () => {
    const longKernel = KernelVersion.parse(`5.14.0-${'1'.repeat(100)}.el9.x86_64+rt`);
    const a = buildConfigName('m'.repeat(40), longKernel, 'x');
    const b = buildConfigName('m'.repeat(40), KernelVersion.parse(`5.14.0-${'1'.repeat(100)}.el9.x86_64`), 'x');
    for (const name of [a, b]) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(isDnsLabel(name), name).toBe(true);
    }
    expect(a).not.toBe(b);
  });
});

describe('kernelArchitecture', () => {
  it.each([
    ['5.14.0-427.50.1.el9_4.x86_64', 'amd64'],
    ['5.14.0-427.50.1.el9_4.x86_64+rt', 'amd64'],
    ['5.14.0-427.50.1.el9_4.aarch64+64k', 'arm64'],
    ['5.14.0-427.50.1.el9_4.s390x', 's390x'],
    ['6.1.0-56-amd64', undefined],
  ])('%s → %s', (full, arch) => {
    expect(kernelArchitecture(KernelVersion.parse(full))).toBe(arch);
  });
});
