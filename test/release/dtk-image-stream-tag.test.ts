import { describe, expect, it } from 'vitest';
import { Fleet } from '../../lib/fleet/fleet';
import { LoaderKind } from '../../lib/module/kernel-module';
import { ModuleSource } from '../../lib/module/module-source';
import { OpenShiftRelease } from '../../lib/release/release-catalog';
import { parseFleet } from '../../lib/fleet-file/fleet-file';
import { validateManifest } from '../support/validate';

/**
 * A release without a Driver Toolkit digest: builds take the DTK from the cluster's own
 * `openshift/driver-toolkit:<rhcosVersion>` ImageStreamTag (openshift/driver-toolkit
 * manifests/01-openshift-imagestream.yaml: namespace openshift, one tag per RHCOS build).
 */
const RHCOS_418 = '418.94.202501221327-0';
const RHCOS_419 = '419.96.202507091512-0';

function fleet(): Fleet {
  const f = new Fleet({
    releases: [
      { version: '4.18.12', kernel: '5.14.0-427.50.1.el9_4.x86_64', rhcosVersion: RHCOS_418 },
      { version: '4.19.3', kernel: '5.14.0-570.22.1.el9_6.x86_64', rhcosVersion: RHCOS_419 },
    ],
    modules: [
      { name: 'simple-kmod', version: '1.0.0', loadOrder: [{ name: 'simple-kmod' }],
        source: ModuleSource.git({ url: 'https://github.com/kmods-via-containers/simple-kmod.git', ref: 'v1.0.0' }) },
      { name: 'kmm-kmod', version: '1.0.0', loadOrder: [{ name: 'kmm_kmod' }], loader: LoaderKind.KMM,
        source: ModuleSource.git({ url: 'https://github.com/kubernetes-sigs/kernel-module-management.git', ref: 'v2.4.0' }) },
    ],
  });
  f.addCluster('edge', { release: '4.18.12', upgradeTo: '4.19.3', pools: { lab: { modules: ['simple-kmod', 'kmm-kmod'] } } });
  return f;
}

describe('Driver Toolkit from the in-cluster ImageStreamTag', () => {
  const objects = fleet().cluster('edge').toJson() as any[];
  const buildConfigs = objects.filter((o) => o.kind === 'BuildConfig');

  it('each BuildConfig passes the ImageStreamTag pull spec as DTK_IMAGE and rebuilds when the tag is imported', () => {
    expect(buildConfigs).toHaveLength(2);
    for (const [bc, rhcos] of buildConfigs.map((b) => [b, b.metadata.annotations['cdk8s-kmods.io/openshift-release'] === '4.18.12' ? RHCOS_418 : RHCOS_419])) {
      expect(bc.spec.strategy.dockerStrategy.buildArgs).toContainEqual({
        name: 'DTK_IMAGE', value: `image-registry.openshift-image-registry.svc:5000/openshift/driver-toolkit:${rhcos}`,
      });
      expect(bc.spec.triggers).toEqual([
        { type: 'ConfigChange' },
        { type: 'ImageChange', imageChange: { from: { kind: 'ImageStreamTag', namespace: 'openshift', name: `driver-toolkit:${rhcos}` } } },
      ]);
    }
  });

  it('KMM resolves the DTK itself (DTK_AUTO); the PreflightValidationOCP gets the ImageStreamTag pull spec', () => {
    const module = objects.find((o) => o.kind === 'Module');
    expect(module.spec.moduleLoader.container.kernelMappings).toHaveLength(2);
    expect(JSON.stringify(module.spec)).not.toContain('DTK_IMAGE');
    const preflight = objects.find((o) => o.kind === 'PreflightValidationOCP');
    expect(preflight.spec.dtkImage).toBe(`image-registry.openshift-image-registry.svc:5000/openshift/driver-toolkit:${RHCOS_419}`);
  });

  it.each(objects.filter((o) => ['BuildConfig', 'Module', 'PreflightValidationOCP'].includes(o.kind)).map((o) => [`${o.kind} ${o.metadata.name}`, o]))(
    '%s validates against its schema', (_n, obj) => {
      expect(validateManifest(obj)).toEqual([]);
    });

  it('a release needs a digest or an RHCOS version, and an RHCOS version of the right shape', () => {
    expect(() => new OpenShiftRelease({ version: '4.18.12', kernel: '5.14.0-427.50.1.el9_4.x86_64' }))
      .toThrow(/driverToolkitImage \(by digest\), or rhcosVersion to use the cluster's openshift\/driver-toolkit:<rhcosVersion> ImageStreamTag/);
    expect(() => new OpenShiftRelease({ version: '4.18.12', kernel: '5.14.0-427.50.1.el9_4.x86_64', rhcosVersion: '418.94; rm -rf /' }))
      .toThrow('releases["4.18.12"].rhcosVersion: release "4.18.12": not an RHCOS build (OSTREE_VERSION); given "418.94; rm -rf /"');
    const f = parseFleet('releases:\n  "4.18.12":\n    kernel: 5.14.0-427.50.1.el9_4.x86_64\n    rhcosVersion: 418.94.202501221327-0\nclusters: {}\n');
    expect(f.releases.tryGet('4.18.12')?.driverToolkitImageStreamTag).toBe(`driver-toolkit:${RHCOS_418}`);
  });
});
