import { describe, expect, it } from 'vitest';
import { ModuleBuildConfig } from '../../lib/image/build-config';
import { synthWarnings } from '../../lib/warnings';
import { ModuleBuilds } from '../../lib/image/module-builds';
import { FleetValidationError } from '../../lib/errors';
import { ModuleSource } from '../../lib/module/module-source';
import { isDnsLabel } from '../../lib/names';
import { KernelType } from '../../lib/node/kernel-type';
import { buildFleet, EXTERNAL_MODULE, GIT_MODULE, PREBUILT_BY_KERNEL_MODULE as PREBUILT_MODULE, SIGNED_MODULE, upgradingCluster } from '../support/test-fleet';

type Manifest = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec: any };

function objects(cluster = upgradingCluster()): Manifest[] {
  return cluster.toJson() as Manifest[];
}

function buildsOf(cluster: ReturnType<typeof upgradingCluster>): ModuleBuilds {
  return cluster.node.findChild('Builds') as ModuleBuilds;
}

describe('ModuleBuilds', () => {
  it('gives every (module, kernel) a cluster needs exactly one BuildConfig or prebuilt image', () => {
    const cluster = upgradingCluster();
    const manifests = objects(cluster);
    const buildConfigs = manifests.filter((o) => o.kind === 'BuildConfig');
    const builds = buildsOf(cluster);
    for (const deployment of cluster.moduleDeployments) {
      for (const kernel of deployment.kernels) {
        const entries = builds.images.filter((i) => i.module === deployment.module && i.kernel.full === kernel.full);
        expect(entries, `${deployment.module.name} @ ${kernel.full}`).toHaveLength(1);
        const matching = buildConfigs.filter((b) => b.metadata.labels?.['cdk8s-kmods.io/module'] === deployment.module.name
          && b.metadata.annotations?.['cdk8s-kmods.io/kernel-full-version'] === kernel.full);
        if (deployment.module.source.kind === 'prebuilt') {
          expect(matching).toHaveLength(0);
          expect(entries[0].image.image).toMatch(/^quay\.io\/acme\/gpfs[:@]/);
        } else {
          expect(matching, `${deployment.module.name} @ ${kernel.full}`).toHaveLength(1);
        }
      }
    }
    // gpu pool: simple-kmod + signed-kmod on 2 default kernels; rt pool: simple-kmod + nic-driver on 2 rt kernels.
    expect(buildConfigs).toHaveLength(2 * 2 + 2 * 2);
    expect(builds.images).toHaveLength(buildConfigs.length + 2);
  });

  it('builds realtime pools against the realtime kernel and its release DTK', () => {
    const buildConfigs = objects().filter((o) => o.kind === 'BuildConfig' && o.metadata.labels?.['cdk8s-kmods.io/module'] === 'nic-driver');
    expect(buildConfigs.map((b) => b.metadata.annotations!['cdk8s-kmods.io/kernel-full-version']).sort())
      .toEqual(['5.14.0-427.50.1.el9_4.x86_64+rt', '5.14.0-570.22.1.el9_6.x86_64+rt']);
    for (const b of buildConfigs) {
      const args = Object.fromEntries(b.spec.strategy.dockerStrategy.buildArgs.map((a: any) => [a.name, a.value]));
      const rt = b.metadata.annotations!['cdk8s-kmods.io/kernel-full-version'];
      expect(args.KERNEL_FULL_VERSION).toBe(rt);
      expect(args.DTK_IMAGE).toContain(rt.includes('427') ? 'aaaa' : 'bbbb');
      expect(args.DTK_IMAGE).toMatch(/@sha256:[a-f0-9]{64}$/);
    }
  });

  it('names BuildConfigs as stable DNS labels of at most 63 characters, distinct per (module, kernel)', () => {
    const names = objects().filter((o) => o.kind === 'BuildConfig').map((b) => b.metadata.name);
    for (const name of names) expect(isDnsLabel(name), name).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    expect(objects().filter((o) => o.kind === 'BuildConfig').map((b) => b.metadata.name)).toEqual(names);
    expect(names).toContain(names.find((n) => n.startsWith('simple-kmod-5-14-0-427-50-1-el9-4-x86-64-rt-')));
  });

  it('truncates long names and keeps them distinct', () => {
    const longName = 'a-very-long-module-name-for-testing-xyz1';
    const fleet = buildFleet([{ ...GIT_MODULE, name: longName }]);
    const cluster = fleet.addCluster('c', {
      release: '4.18.12', upgradeTo: '4.19.3',
      pools: {
        a: { nodeSelector: { p: 'a' }, modules: [longName] },
        b: { nodeSelector: { p: 'b' }, kernelType: KernelType.REALTIME, modules: [longName] },
      },
    });
    const names = objects(cluster).filter((o) => o.kind === 'BuildConfig').map((b) => b.metadata.name);
    expect(names).toHaveLength(4);
    expect(new Set(names).size).toBe(4);
    for (const name of names) {
      expect(isDnsLabel(name), name).toBe(true);
      expect(name.length).toBeLessThanOrEqual(63);
    }
  });

  it('changes the BuildConfig name when a build input changes (ConfigChange only fires on create)', () => {
    const name = (version: string) => objects(upgradingCluster(buildFleet([{ ...GIT_MODULE, version }, PREBUILT_MODULE, SIGNED_MODULE, EXTERNAL_MODULE])))
      .find((o) => o.kind === 'BuildConfig' && o.metadata.labels?.['cdk8s-kmods.io/module'] === 'simple-kmod')!.metadata.name;
    expect(name('1.0.0')).toBe(name('1.0.0'));
    expect(name('1.0.1')).not.toBe(name('1.0.0'));
  });

  it('puts builds in the loader namespace with a ConfigChange trigger, Docker strategy and an ImageStreamTag output', () => {
    const manifests = objects();
    const simple = manifests.filter((o) => o.kind === 'BuildConfig' && o.metadata.labels?.['cdk8s-kmods.io/module'] === 'simple-kmod');
    expect(simple.length).toBeGreaterThan(0);
    for (const b of simple) {
      expect(b.metadata.namespace).toBe('kmods-system');
      expect(b.spec.triggers).toEqual([{ type: 'ConfigChange' }]);
      expect(b.spec.strategy.type).toBe('Docker');
      expect(b.spec.source.type).toBe('Dockerfile');
      expect(b.spec.source.secrets).toBeUndefined();
      expect(b.spec.output.to.kind).toBe('ImageStreamTag');
      const tag = b.metadata.annotations!['cdk8s-kmods.io/kernel-full-version'].replace(/\+/g, '_');
      expect(b.spec.output.to.name).toBe(`simple-kmod:1.0.0-${tag}`);
      expect(b.spec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'amd64' });
    }
    const streams = manifests.filter((o) => o.kind === 'ImageStream');
    expect(streams.map((s) => s.metadata.name).sort()).toEqual(['signed-kmod', 'simple-kmod']);
    for (const s of streams) {
      expect(s.metadata.namespace).toBe('kmods-system');
      expect(s.spec).toEqual({ lookupPolicy: { local: true } });
    }
  });

  it('pushes to the external repository with the push secret and creates no ImageStream for it', () => {
    const nic = objects().filter((o) => o.kind === 'BuildConfig' && o.metadata.labels?.['cdk8s-kmods.io/module'] === 'nic-driver');
    expect(nic).toHaveLength(2);
    for (const b of nic) {
      expect(b.spec.output.to.kind).toBe('DockerImage');
      expect(b.spec.output.to.name).toMatch(/^quay\.io\/acme\/nic-driver:3\.4\.5-5\.14\.0-\d+\.\d+\.1\.el9_\d\.x86_64_rt$/);
      expect(b.spec.output.pushSecret).toEqual({ name: 'acme-push' });
    }
    expect(objects().some((o) => o.kind === 'ImageStream' && o.metadata.name === 'nic-driver')).toBe(false);
  });

  it('builds no images for prebuilt modules and warns about tag-only references', () => {
    const cluster = upgradingCluster();
    expect(objects(cluster).some((o) => ['ImageStream', 'BuildConfig'].includes(o.kind) && o.metadata.name.startsWith('gpfs'))).toBe(false);
    const warnings = synthWarnings(cluster);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('quay.io/acme/gpfs:5.2.1-570');
    expect(warnings[0]).toContain('5.14.0-570.22.1.el9_6.x86_64');
    expect(warnings[0]).toContain('edge-1');
  });

  it('fails synth naming cluster, module and kernel when a prebuilt image is missing for a kernel', () => {
    const fleet = buildFleet([{ ...PREBUILT_MODULE, source: ModuleSource.prebuilt({ images: { '5.14.0-427.50.1.el9_4.x86_64': `quay.io/acme/gpfs@sha256:${'c'.repeat(64)}` } }) }]);
    let error: unknown;
    try {
      fleet.addCluster('storage-1', { release: '4.18.12', upgradeTo: '4.19.3', pools: { nsd: { modules: ['gpfs'] } } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FleetValidationError);
    const message = (error as Error).message;
    expect(message).toContain('cluster "storage-1"');
    expect(message).toContain('module "gpfs"');
    expect(message).toContain('5.14.0-570.22.1.el9_6.x86_64');
    expect(message).not.toContain('kernel 5.14.0-427.50.1.el9_4.x86_64');
  });

  it('refuses to build a prebuilt module', () => {
    const cluster = upgradingCluster();
    const gpfs = cluster.moduleDeployments.find((d) => d.module.name === 'gpfs')!;
    expect(() => new ModuleBuildConfig(cluster, 'x', { module: gpfs.module, kernel: gpfs.kernels[0], release: cluster.release, namespace: 'kmods-system' }))
      .toThrow(/prebuilt/);
  });
});

describe('signing', () => {
  it('mounts the key and certificate Secrets as build secrets, referenced by name only', () => {
    const signed = objects().filter((o) => o.kind === 'BuildConfig' && o.metadata.labels?.['cdk8s-kmods.io/module'] === 'signed-kmod');
    expect(signed).toHaveLength(2);
    for (const b of signed) {
      expect(b.spec.source.secrets).toEqual([
        { secret: { name: 'kmod-signing-key' }, destinationDir: 'kmods-signing/key' },
        { secret: { name: 'kmod-signing-cert' }, destinationDir: 'kmods-signing/cert' },
      ]);
      const dockerfile: string = b.spec.source.dockerfile;
      const [builder, final] = dockerfile.split(/\n\nFROM /);
      expect(builder).toContain('COPY kmods-signing/ /tmp/kmods-signing/');
      expect(builder).toContain("KMOD_SIGN_KEY='/tmp/kmods-signing/key/key' KMOD_SIGN_CERT='/tmp/kmods-signing/cert/cert'");
      // The final stage takes only modules, firmware and the DTK release file from the builder.
      expect(final).not.toContain('kmods-signing');
      expect(final.match(/COPY --from=builder (\S+)/g)).toEqual([
        'COPY --from=builder /opt/lib/modules/', 'COPY --from=builder /firmware/', 'COPY --from=builder /etc/driver-toolkit-release.json',
      ]);
    }
  });

  it('leaves no key material in any generated object', () => {
    const text = JSON.stringify(objects());
    expect(text).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
    expect(text).not.toMatch(/BEGIN CERTIFICATE/);
    expect(objects().some((o) => o.kind === 'Secret')).toBe(false);
  });

  it('signs a user Dockerfile in a DTK stage and overlays the signed modules on its final stage', () => {
    const nic = objects().find((o) => o.kind === 'BuildConfig' && o.metadata.labels?.['cdk8s-kmods.io/module'] === 'nic-driver')!;
    const dockerfile: string = nic.spec.source.dockerfile;
    expect(dockerfile).toContain('FROM registry.access.redhat.com/ubi9/ubi-minimal:9.6 AS kmods-unsigned');
    expect(dockerfile.match(/^ARG DTK_IMAGE/gm)).toHaveLength(1);
    expect(dockerfile).toContain('FROM ${DTK_IMAGE} AS kmods-signer');
    expect(dockerfile).toContain('/usr/local/bin/kmod-build.sh sign-installed');
    const lastStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(lastStage).toBe('\nFROM kmods-unsigned\nCOPY --from=kmods-signer /opt/lib/modules/ /opt/lib/modules/\n');
    expect(nic.spec.source.secrets.map((s: any) => s.secret.name)).toEqual(['sb-key', 'sb-cert']);
  });
});

