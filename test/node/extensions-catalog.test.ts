import { describe, expect, test } from 'vitest';
import { RhcosExtension } from '../../lib/node/extensions-catalog';
import { KernelType } from '../../lib/node/kernel-type';
import { OpenShiftVersion } from '../../lib/release/openshift-version';
import { AARCH64_RELEASE, cluster, ofKind, problemsOf } from './fixtures';

describe('RhcosExtension catalog', () => {
  test.each([
    ['4.6.0', ['usbguard', 'kernel-devel']],
    ['4.8.0', ['usbguard', 'kernel-devel', 'sandboxed-containers']],
    ['4.11.0', ['usbguard', 'kernel-devel', 'sandboxed-containers', 'kerberos']],
    ['4.14.0', ['usbguard', 'kernel-devel', 'sandboxed-containers', 'kerberos', 'ipsec', 'wasm']],
    ['4.18.0', ['usbguard', 'kernel-devel', 'sandboxed-containers', 'kerberos', 'ipsec', 'wasm', 'sysstat']],
    ['4.19.0', ['usbguard', 'kernel-devel', 'sandboxed-containers', 'kerberos', 'ipsec', 'wasm', 'sysstat', 'two-node-ha']],
    ['4.21.5', ['usbguard', 'kernel-devel', 'sandboxed-containers', 'kerberos', 'ipsec', 'wasm', 'sysstat', 'two-node-ha']],
    ['4.22.0', ['usbguard', 'kernel-devel', 'sandboxed-containers', 'kerberos', 'ipsec', 'sysstat', 'two-node-ha']],
    ['5.0.0', ['usbguard', 'kernel-devel', 'sandboxed-containers', 'kerberos', 'ipsec', 'sysstat', 'two-node-ha']],
  ])('release %s offers %j', (version, names) => {
    expect(RhcosExtension.namesFor(OpenShiftVersion.parse(version))).toEqual(names);
  });

  test('there is no kernel-headers, kernel-rt or gcc extension', () => {
    for (const name of ['kernel-headers', 'kernel-rt', 'kernel-modules-extra', 'gcc']) expect(RhcosExtension.tryGet(name)).toBeUndefined();
  });

  test('kernel-devel needs the default kernel', () => {
    expect(RhcosExtension.KERNEL_DEVEL.supportsKernelType(KernelType.DEFAULT)).toBe(true);
    expect(RhcosExtension.KERNEL_DEVEL.supportsKernelType(KernelType.REALTIME)).toBe(false);
    expect(RhcosExtension.KERNEL_DEVEL.supportsKernelType(KernelType.SIXTY_FOUR_K_PAGES)).toBe(false);
    expect(RhcosExtension.USBGUARD.supportsKernelType(KernelType.REALTIME)).toBe(true);
  });
});

describe('pool extensions are checked against every release the cluster runs', () => {
  test('wasm is fine on 4.21', () => {
    const [mc] = ofKind(cluster({ release: '4.21.0', pools: { gpu: { extensions: ['wasm'] } } }), 'MachineConfig');
    expect(mc.metadata.name).toBe('99-gpu-extensions');
    expect(mc.spec.extensions).toEqual(['wasm']);
  });

  test('wasm fails once the cluster upgrades to 4.22', () => {
    const messages = problemsOf(() => cluster({ release: '4.21.0', upgradeTo: '4.22.0', pools: { gpu: { extensions: ['wasm'] } } }));
    expect(messages).toEqual([
      '  - clusters.c1.pools.gpu.extensions[0]: cluster "c1", pool "gpu": release 4.22.0 does not offer the wasm extension (offered in 4.14 until before 4.22); '
      + 'given "wasm"; allowed: usbguard, kernel-devel, sandboxed-containers, kerberos, ipsec, sysstat, two-node-ha',
    ]);
  });

  test('an extension the current release does not offer yet fails even if the upgrade target has it', () => {
    const messages = problemsOf(() => cluster({ release: '4.17.0', upgradeTo: '4.18.0', pools: { gpu: { extensions: ['sysstat'] } } }));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('release 4.17.0 does not offer the sysstat extension (offered in 4.18 and later)');
  });

  test.each([
    ['two-node-ha', '4.18.0'], ['ipsec', '4.13.0'], ['kerberos', '4.7.0'], ['sandboxed-containers', '4.7.0'],
  ])('%s is not offered by %s', (name, rel) => {
    expect(problemsOf(() => cluster({ release: rel, pools: { p: { extensions: [name] } } }))[0]).toContain(`does not offer the ${name} extension`);
  });

  test('unknown names fail with a hint', () => {
    const messages = problemsOf(() => cluster({ release: '4.18.0', pools: { gpu: { extensions: ['kernel-headers', 'gcc'] } } }));
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain('extensions[0]: cluster "c1", pool "gpu": unknown rhcos extension (kernel-headers comes with kernel-devel); given "kernel-headers"');
    expect(messages[1]).toContain('extensions[1]');
  });

  test.each([KernelType.REALTIME, KernelType.SIXTY_FOUR_K_PAGES])('kernel-devel with kernelType %s fails', (kernelType) => {
    const release = kernelType === KernelType.SIXTY_FOUR_K_PAGES ? AARCH64_RELEASE : '4.18.0';
    const messages = problemsOf(() => cluster({ release, pools: { rt: { kernelType, extensions: ['kernel-devel'] } } }));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(`the MCO does not install kernel-devel with kernelType ${kernelType}`);
  });

  test('an extension listed twice fails', () => {
    expect(problemsOf(() => cluster({ release: '4.18.0', pools: { p: { extensions: ['usbguard', 'usbguard'] } } }))[0]).toContain('extensions[1]: cluster "c1", pool "p": duplicate item; given "usbguard"');
  });
});
