import { buildScriptInstruction } from '../../lib/image/build-script';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODULE_BASE_IMAGE, DtkBuildArg, renderModuleDockerfile } from '../../lib/image/dockerfile';
import { KernelModule } from '../../lib/module/kernel-module';
import { ModuleSource } from '../../lib/module/module-source';
import { KernelVersion } from '../../lib/release/kernel-version';
import { OpenShiftRelease } from '../../lib/release/release-catalog';
import { GIT_MODULE, PREBUILT_BY_KERNEL_MODULE as PREBUILT_MODULE, SIGNED_MODULE, TEST_RELEASES as RELEASES } from '../support/test-fleet';

const release = new OpenShiftRelease(RELEASES[0]);
const rt = release.realtimeKernel!;

/** Splits a Dockerfile into stages (text from each FROM to the next). */
function stages(text: string): string[] {
  return text.split(/\n(?=FROM )/).filter((s) => s.startsWith('FROM '));
}

describe('renderModuleDockerfile (git source)', () => {
  const module = new KernelModule(SIGNED_MODULE);
  const text = renderModuleDockerfile(module, { release, kernel: rt });

  it('declares the DTK arg before the first FROM and builds on it', () => {
    const firstFrom = text.indexOf('\nFROM ');
    expect(text.slice(0, firstFrom)).toContain(`ARG DTK_IMAGE=${release.driverToolkitImage}`);
    expect(stages(text)[0].split('\n')[0]).toBe('FROM ${DTK_IMAGE} AS builder');
    expect(text).toContain(`ARG KERNEL_FULL_VERSION=${rt.full}`);
  });

  it('ends in a small UBI stage with kmod, the modules under /opt/lib/modules, firmware and depmod -b /opt', () => {
    const final = stages(text).pop()!;
    expect(final.split('\n')[0]).toBe(`FROM ${DEFAULT_MODULE_BASE_IMAGE}`);
    expect(final).toContain('microdnf install -y kmod');
    expect(final).toContain('COPY --from=builder /opt/lib/modules/ /opt/lib/modules/');
    expect(final).toContain('COPY --from=builder /firmware/ /firmware/');
    expect(final).toMatch(/RUN depmod -b \/opt "\$\{KERNEL_FULL_VERSION\}"/);
  });

  it('passes every user value to the build script single-quoted', () => {
    const run = text.split('\n').find((l) => l.includes('/usr/local/bin/kmod-build.sh build'))!;
    expect(run).toContain("KMOD_GIT_URL='https://git.example.com/acme/signed.git'");
    expect(run).toContain("KMOD_GIT_REF='main'");
    expect(run).toContain("KMOD_CONTEXT_DIR='driver'");
    expect(run).toContain("KMOD_MODULES='signed_kmod'");
    expect(run).toContain("KMOD_FIRMWARE_DIR='/firmware'");
    // The build command has both quote kinds; the embedded ' is closed, escaped and reopened.
    expect(run).toContain(`KMOD_BUILD_COMMAND='make KVER="$KERNEL_FULL_VERSION" KDIR="$KERNEL_SRC" all && echo '\\''done'\\'''`);
  });

  it('is byte-identical for the same input', () => {
    expect(renderModuleDockerfile(new KernelModule(SIGNED_MODULE), { release, kernel: rt })).toBe(text);
  });

  it('renders a KMM variant: DTK_AUTO, no defaults, no signing stage', () => {
    const kmm = renderModuleDockerfile(module, { dtkArg: DtkBuildArg.DTK_AUTO, sign: false });
    expect(kmm).toContain('ARG DTK_AUTO\n');
    expect(kmm).toContain('FROM ${DTK_AUTO} AS builder');
    expect(kmm).toContain('ARG KERNEL_FULL_VERSION\n');
    expect(kmm).not.toContain('DTK_IMAGE');
    expect(kmm).not.toContain('kmods-signing');
    expect(kmm).not.toContain(rt.full);
  });

  it('omits signing and firmware when the module has none', () => {
    const rendered = renderModuleDockerfile(new KernelModule(GIT_MODULE), { release, kernel: release.kernel });
    // The embedded build script names every variable it accepts; look at the rest of the Dockerfile.
    expect(rendered).toContain(buildScriptInstruction());
    const plain = rendered.replace(buildScriptInstruction(), '');
    expect(plain).not.toContain('kmods-signing');
    expect(plain).not.toContain('KMOD_SIGN');
    expect(plain).not.toContain('KMOD_FIRMWARE_DIR');
    expect(stages(plain)).toHaveLength(2);
  });

  it('has no Dockerfile for a prebuilt module', () => {
    expect(() => renderModuleDockerfile(new KernelModule(PREBUILT_MODULE))).toThrow(/prebuilt/);
  });
});

describe('renderModuleDockerfile (user Dockerfile)', () => {
  const user = 'FROM ${DTK_IMAGE} as build\nRUN make\nFROM registry.access.redhat.com/ubi9/ubi-minimal:9.6\nCOPY --from=build /opt /opt';
  const base = { name: 'vendor', version: '1', loadOrder: [{ name: 'vendor_mod' }], source: ModuleSource.dockerfile(user) };

  it('is the user text unchanged without signing', () => {
    expect(renderModuleDockerfile(new KernelModule(base))).toBe(`${user}\n`);
  });

  it('adds the DTK arg, names the last stage and overlays signed modules when signing', () => {
    const text = renderModuleDockerfile(new KernelModule({ ...base, signing: { keySecret: 'k', certSecret: 'c' } }), { release, kernel: release.kernel });
    const s = stages(text);
    expect(text.indexOf(`ARG DTK_IMAGE=${release.driverToolkitImage}`)).toBeLessThan(text.indexOf('FROM '));
    expect(s[0].split('\n')[0]).toBe('FROM ${DTK_IMAGE} as build');
    expect(s[1].split('\n')[0]).toBe('FROM registry.access.redhat.com/ubi9/ubi-minimal:9.6 AS kmods-unsigned');
    expect(s[2]).toContain('COPY --from=kmods-unsigned /opt/lib/modules/ /opt/lib/modules/');
    expect(s[2]).toContain("KMOD_MODULES='vendor_mod'");
    expect(s[2]).toContain('kmod-build.sh sign-installed');
    expect(s[3]).toBe('FROM kmods-unsigned\nCOPY --from=kmods-signer /opt/lib/modules/ /opt/lib/modules/\n');
  });

  it('keeps the name of an already named last stage', () => {
    const named = `${user.replace('ubi-minimal:9.6', 'ubi-minimal:9.6 AS Final')}`;
    const text = renderModuleDockerfile(new KernelModule({ ...base, source: ModuleSource.dockerfile(named), signing: { keySecret: 'k', certSecret: 'c' } }));
    expect(text).toContain('COPY --from=Final /opt/lib/modules/');
    expect(text).not.toContain('kmods-unsigned');
    expect(stages(text).pop()!.split('\n')[0]).toBe('FROM Final');
  });
});

describe('git source validation', () => {
  const make = (git: Partial<Parameters<typeof ModuleSource.git>[0]>) => () => new KernelModule({
    ...GIT_MODULE, source: ModuleSource.git({ url: 'https://git.example.com/a.git', ref: 'v1', ...git }),
  });

  it('accepts a relative context directory and a one-line build command', () => {
    expect(make({ contextDir: 'kernel/driver-1.2', buildCommand: 'make -j4 KVER="$KERNEL_FULL_VERSION"' })).not.toThrow();
  });

  it.each(['../escape', '/abs', 'a/../../b', 'a b', 'a//b', ''])('rejects contextDir %j', (contextDir) => {
    expect(make({ contextDir })).toThrow(/modules\.simple-kmod\.source\.git\.contextDir.*not a directory inside the repository/);
  });

  it.each(['make\nrm -rf /', '', '   ', 'x'.repeat(2049), 'make\u0000'])('rejects buildCommand %j', (buildCommand) => {
    expect(make({ buildCommand })).toThrow(/source\.git\.buildCommand.*one line of printable ASCII/);
  });
});

describe('KernelVersion in Dockerfiles', () => {
  it('keeps the +rt kernel verbatim in ARG defaults (KMM and DTK paths use uname -r)', () => {
    const text = renderModuleDockerfile(new KernelModule(GIT_MODULE), { kernel: KernelVersion.parse('5.14.0-1.el9.x86_64+rt') });
    expect(text).toContain('ARG KERNEL_FULL_VERSION=5.14.0-1.el9.x86_64+rt\n');
  });
});
