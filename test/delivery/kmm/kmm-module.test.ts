import { describe, expect, test } from 'vitest';
import { moduleImage } from '../../../lib/image/module-image';
import { KmmKernelMapping } from '../../../lib/delivery/kmm/kmm-kernel-mapping';
import { imageTemplate, KmmKernel, KmmModuleProps, renderKmmModuleSpec, TAG_SAFE_KERNEL_REGEXP } from '../../../lib/delivery/kmm/kmm-module';
import { checkModuleWebhookRules } from '../../../lib/delivery/kmm/module-webhook-rules';
import { KernelModule, KernelModuleProps } from '../../../lib/module/kernel-module';
import { ModuleSource } from '../../../lib/module/module-source';
import { OpenShiftRelease } from '../../../lib/release/release-catalog';
import { GIT_MODULE as TEST_GIT_MODULE, PREBUILT_MODULE, TEST_RELEASES } from '../../support/test-fleet';

/** The test fleet's git module with its parameter moved to the module loaded last (KMM's moduleName). */
const GIT_MODULE: KernelModuleProps = { ...TEST_GIT_MODULE, loadOrder: [{ name: 'simple-procfs-kmod' }, { name: 'simple-kmod', parameters: { greeting: 'hi' } }] };

const NS = 'kmods-system';
const RELEASES = TEST_RELEASES.map((r) => new OpenShiftRelease(r));
const DEFAULT_KERNELS: KmmKernel[] = RELEASES.map((release) => ({ kernel: release.kernel, release }));
const RT_KERNELS: KmmKernel[] = RELEASES.map((release) => ({ kernel: release.realtimeKernel!, release }));

function props(module: KernelModuleProps, overrides: Partial<KmmModuleProps> = {}): KmmModuleProps {
  const km = new KernelModule(module);
  return {
    name: `${km.name}-gpu`,
    namespace: NS,
    module: km,
    selector: { 'node-role.kubernetes.io/gpu': '' },
    kernels: DEFAULT_KERNELS,
    serviceAccountName: `${km.name}-loader`,
    dockerfileConfigMap: km.source.kind === 'prebuilt' ? undefined : `${km.name}-kmm-dockerfile`,
    path: ['clusters', 'c', 'pools', 'gpu', 'modules', 0],
    ...overrides,
  };
}

/** Renders and asserts the result passes the webhook rules. */
function render(p: KmmModuleProps) {
  const rendering = renderKmmModuleSpec(p);
  expect(checkModuleWebhookRules({ name: p.name, namespace: p.namespace, spec: rendering.spec }, [])).toEqual([]);
  return rendering;
}

/** What KMM does: the first mapping whose literal equals, or whose (unanchored) regexp matches, the kernel. */
function kmmImageFor(spec: any, kernel: string): string | undefined {
  const m = spec.moduleLoader.container.kernelMappings.find((k: any) => k.literal === kernel || (k.regexp && new RegExp(k.regexp).test(kernel)));
  if (!m) return undefined;
  return (m.containerImage ?? spec.moduleLoader.container.containerImage).split('${KERNEL_FULL_VERSION}').join(kernel);
}

describe('renderKmmModuleSpec', () => {
  test('literal mode: one mapping per kernel, each with the image moduleImage() names, and a build from the ConfigMap', () => {
    const p = props(GIT_MODULE);
    const { spec, problems } = render(p);
    expect(problems).toEqual([]);
    const c = spec.moduleLoader.container;
    expect(c.kernelMappings.map((m) => m.literal)).toEqual(DEFAULT_KERNELS.map((k) => k.kernel.full));
    for (const { kernel } of DEFAULT_KERNELS) expect(kmmImageFor(spec, kernel.full)).toBe(moduleImage(p.module, kernel, NS).image);
    expect(c.containerImage).toBeUndefined();
    expect(c.build).toEqual({ dockerfileConfigMap: { name: 'simple-kmod-kmm-dockerfile' } });
    expect(spec.selector).toEqual(p.selector);
    expect(spec.moduleLoader.serviceAccountName).toBe('simple-kmod-loader');
  });

  test('realtime kernels map to the ImageStream tag with "_" for "+" (a "+" is not allowed in an image tag)', () => {
    const p = props(GIT_MODULE, { kernels: RT_KERNELS });
    const { spec } = render(p);
    for (const { kernel } of RT_KERNELS) {
      const image = kmmImageFor(spec, kernel.full)!;
      expect(image).toBe(`image-registry.openshift-image-registry.svc:5000/${NS}/simple-kmod:1.0.0-${kernel.nfdLabelValue}`);
      expect(image.split(':').pop()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/);
    }
  });

  test('modprobe: moduleName is the module loaded last, the loading order is loadOrder reversed, parameters go to moduleName', () => {
    const { spec } = render(props({ ...GIT_MODULE, loadOrder: [{ name: 'dep_b' }, { name: 'dep_a' }, { name: 'top', parameters: { mode: 'fast', label: 'a b' } }], firmwarePath: '/firmware' }));
    expect(spec.moduleLoader.container.modprobe).toEqual({
      moduleName: 'top', dirName: '/opt', parameters: ['mode=fast', 'label="a b"'], firmwarePath: '/firmware',
      modulesLoadingOrder: ['top', 'dep_a', 'dep_b'],
    });
  });

  test('a single .ko module has no loading order', () => {
    const { spec } = render(props({ ...GIT_MODULE, loadOrder: [{ name: 'only' }] }));
    expect(spec.moduleLoader.container.modprobe.modulesLoadingOrder).toBeUndefined();
  });

  test('parameters on a module other than the last are an error (KMM cannot pass them)', () => {
    const { problems } = renderKmmModuleSpec(props(GIT_MODULE));
    expect(problems).toEqual([]);
    const bad = renderKmmModuleSpec(props(TEST_GIT_MODULE));
    expect(bad.problems.map((p) => p.message)).toEqual([expect.stringMatching(/KMM passes parameters only to its moduleName.*"simple-procfs-kmod"\); "simple-kmod" has parameters/)]);
    expect(bad.problems[0].path).toEqual(['clusters', 'c', 'pools', 'gpu', 'modules', 0]);
  });

  test('a double quote in a parameter value is refused where the module is defined (one rule for both loaders)', () => {
    expect(() => renderKmmModuleSpec(props({ ...GIT_MODULE, loadOrder: [{ name: 'a', parameters: { x: 'say "hi"' } }] })))
      .toThrow(/modules\.simple-kmod\.loadOrder\[0\]\.parameters\.x: module "simple-kmod": parameter value must not contain a double quote/);
  });

  test('regexp mode: realtime kernels get literal mappings first, then one anchored regexp with ${KERNEL_FULL_VERSION}', () => {
    const p = props(GIT_MODULE, { kernelMapping: KmmKernelMapping.REGEXP, kernels: [...RT_KERNELS, ...DEFAULT_KERNELS] });
    const { spec } = render(p);
    const mappings = spec.moduleLoader.container.kernelMappings;
    expect(mappings.map((m) => m.literal ?? m.regexp)).toEqual([...RT_KERNELS.map((k) => k.kernel.full), TAG_SAFE_KERNEL_REGEXP]);
    expect(mappings[mappings.length - 1].containerImage).toBe(`image-registry.openshift-image-registry.svc:5000/${NS}/simple-kmod:1.0.0-\${KERNEL_FULL_VERSION}`);
    // Every known kernel resolves to the image moduleImage() names, the regexp also covers a future kernel.
    for (const { kernel } of [...RT_KERNELS, ...DEFAULT_KERNELS]) expect(kmmImageFor(spec, kernel.full)).toBe(moduleImage(p.module, kernel, NS).image);
    expect(kmmImageFor(spec, '5.14.0-611.5.1.el9_7.x86_64')).toMatch(/:1\.0\.0-5\.14\.0-611\.5\.1\.el9_7\.x86_64$/);
    expect(kmmImageFor(spec, '5.14.0-611.5.1.el9_7.x86_64+rt')).toBeUndefined();
  });

  test('imageTemplate follows moduleImage(): external repository and prebuilt template', () => {
    const external = new KernelModule({ ...GIT_MODULE, imageRepository: 'quay.io/acme/kmods' });
    expect(imageTemplate(external, NS)).toBe('quay.io/acme/kmods:1.0.0-${KERNEL_FULL_VERSION}');
    expect(imageTemplate(new KernelModule(PREBUILT_MODULE), NS)).toBe('registry.example.com/gpfs/kmods:5.2.3.1-${KERNEL_FULL_VERSION}');
    expect(imageTemplate(new KernelModule({ ...PREBUILT_MODULE, source: ModuleSource.prebuilt({ images: { [RELEASES[0].kernel.full]: 'r.example.com/a/b:1' } }) }), NS)).toBeUndefined();
  });

  test('prebuilt: no build, images from the vendor; in regexp mode map-only kernels stay literal', () => {
    const { spec } = render(props(PREBUILT_MODULE));
    expect(spec.moduleLoader.container.build).toBeUndefined();
    expect(kmmImageFor(spec, RELEASES[0].kernel.full)).toBe(`registry.example.com/gpfs/kmods:5.2.3.1-${RELEASES[0].kernel.full}`);
    const mapOnly = { ...PREBUILT_MODULE, source: ModuleSource.prebuilt({ images: { [RELEASES[0].kernel.full]: 'r.example.com/a/b:1', [RELEASES[1].kernel.full]: 'r.example.com/a/b:2' } }) };
    const regexp = render(props(mapOnly, { kernelMapping: KmmKernelMapping.REGEXP })).spec;
    expect(regexp.moduleLoader.container.kernelMappings).toEqual([
      { literal: RELEASES[0].kernel.full, containerImage: 'r.example.com/a/b:1' },
      { literal: RELEASES[1].kernel.full, containerImage: 'r.example.com/a/b:2' },
    ]);
  });

  test('a user Dockerfile on DTK_IMAGE gets a per-mapping build with its release\'s pinned Driver Toolkit', () => {
    const dockerfile = { ...GIT_MODULE, source: ModuleSource.dockerfile('ARG DTK_IMAGE\nFROM ${DTK_IMAGE}\nRUN make\n') };
    const { spec, problems } = render(props(dockerfile, { dtkImageBuildArg: true }));
    expect(problems).toEqual([]);
    expect(spec.moduleLoader.container.build).toBeUndefined();
    spec.moduleLoader.container.kernelMappings.forEach((m, i) => {
      expect(m.build).toEqual({
        dockerfileConfigMap: { name: 'simple-kmod-kmm-dockerfile' },
        buildArgs: [{ name: 'DTK_IMAGE', value: RELEASES[i].driverToolkitImage }],
      });
    });
    const regexp = renderKmmModuleSpec(props(dockerfile, { dtkImageBuildArg: true, kernelMapping: KmmKernelMapping.REGEXP }));
    expect(regexp.problems.map((p) => p.message)).toEqual([expect.stringMatching(/must use KMM's DTK_AUTO build arg/)]);
  });

  test('signing: KMM signs every .ko under dirName with the module\'s Secrets', () => {
    const signed = render(props({ ...GIT_MODULE, signing: { keySecret: 'sb-key', certSecret: 'sb-cert' } })).spec;
    expect(signed.moduleLoader.container.sign).toEqual({
      keySecret: { name: 'sb-key' }, certSecret: { name: 'sb-cert' },
      filesToSign: ['/opt/lib/modules/${KERNEL_FULL_VERSION}/extra/*.ko'],
    });
    const userDockerfile = render(props({ ...GIT_MODULE, source: ModuleSource.dockerfile('FROM x AS y\n'), signing: { keySecret: 'k', certSecret: 'c' } })).spec;
    expect(userDockerfile.moduleLoader.container.sign!.filesToSign).toEqual(['/opt/lib/modules/${KERNEL_FULL_VERSION}/*.ko']);
  });

  test('cordon toleration, in-tree removal and pull secret come from the module', () => {
    const tolerant = render(props({ ...GIT_MODULE, inTreeModulesToRemove: ['ice'], imageRepository: 'quay.io/acme/kmods', imagePullSecret: 'acme-pull' })).spec;
    expect(tolerant.tolerations).toEqual([{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(tolerant.moduleLoader.container.inTreeModulesToRemove).toEqual(['ice']);
    expect(tolerant.imageRepoSecret).toEqual({ name: 'acme-pull' });
    const intolerant = render(props({ ...GIT_MODULE, toleratesCordon: false })).spec;
    expect(intolerant.tolerations).toBeUndefined();
    expect(intolerant.moduleLoader.container.inTreeModulesToRemove).toBeUndefined();
  });

  test('a pull secret on an internal-registry build is an error (it replaces the builder\'s push credentials)', () => {
    const { problems } = renderKmmModuleSpec(props({ ...GIT_MODULE, imagePullSecret: 'acme-pull' }));
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/replaces the builder's credentials for the internal registry/)]);
  });
});
