import { describe, expect, test } from 'vitest';
import { KernelVersion } from '../../lib/release/kernel-version';
import { OpenShiftVersion } from '../../lib/release/openshift-version';

describe('KernelVersion', () => {
  test('parses a RHEL 9 kernel', () => {
    const k = KernelVersion.parse('5.14.0-427.50.1.el9_4.x86_64');
    expect([k.major, k.minor, k.patch]).toEqual([5, 14, 0]);
    expect(k.isRealtime).toBe(false);
    expect(k.nfdLabelValue).toBe('5.14.0-427.50.1.el9_4.x86_64');
  });

  test('realtime kernels are labelled by NFD with + replaced by _', () => {
    const k = KernelVersion.parse('5.14.0-427.50.1.el9_4.x86_64+rt');
    expect(k.isRealtime).toBe(true);
    expect(k.nfdLabelValue).toBe('5.14.0-427.50.1.el9_4.x86_64_rt');
    expect(k.nfdLabelValue).toMatch(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/);
    expect(KernelVersion.parse('4.18.0-372.9.1.rt7.166.el8.x86_64').isRealtime).toBe(true);
  });

  test('name token is a DNS label fragment', () => {
    expect(KernelVersion.parse('5.14.0-427.50.1.el9_4.x86_64+rt').nameToken).toBe('5-14-0-427-50-1-el9-4-x86-64-rt');
  });

  test('fails on strings uname -r would not print', () => {
    for (const bad of ['5.14', 'latest', '5.14.0-1.el9 x86_64', '5.14.0-1;reboot', '']) {
      expect(() => KernelVersion.parse(bad), bad).toThrow(/not a kernel release/);
    }
  });
});

describe('OpenShiftVersion', () => {
  test('compares numerically, not as text', () => {
    expect(OpenShiftVersion.parse('4.9.0').compare(OpenShiftVersion.parse('4.10.0'))).toBeLessThan(0);
    expect(OpenShiftVersion.parse('4.18.12').atLeast(4, 18)).toBe(true);
    expect(OpenShiftVersion.parse('4.17.30').atLeast(4, 18)).toBe(false);
  });
});
