import { describe, expect, test } from 'vitest';
import { RenderedKmmModule } from '../../../lib/delivery/kmm/kmm-module-spec';
import { checkModuleWebhookRules, hasTagOrDigest, re2CompileError } from '../../../lib/delivery/kmm/module-webhook-rules';

const PATH = ['clusters', 'c1', 'pools', 'gpu', 'modules', 0];
const IMAGE = 'quay.io/acme/kmod:5.14.0-427.50.1.el9_4.x86_64';

/** A Module spec that passes every rule; each test breaks one. */
function valid(): any {
  return {
    name: 'kmod-gpu',
    namespace: 'kmods-system',
    spec: {
      selector: { 'node-role.kubernetes.io/gpu': '' },
      tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
      moduleLoader: {
        serviceAccountName: 'kmod-loader',
        container: {
          modprobe: { moduleName: 'kmod_a', dirName: '/opt', modulesLoadingOrder: ['kmod_a', 'kmod_b'] },
          kernelMappings: [
            { literal: '5.14.0-427.50.1.el9_4.x86_64+rt', containerImage: `${IMAGE}_rt` },
            { regexp: '^[0-9]+\\.[0-9]+\\.[0-9]+-[0-9A-Za-z._-]+$', containerImage: 'quay.io/acme/kmod:${KERNEL_FULL_VERSION}' },
          ],
          build: { dockerfileConfigMap: { name: 'kmod-kmm-dockerfile' } },
          sign: { keySecret: { name: 'k' }, certSecret: { name: 'c' }, filesToSign: ['/opt/lib/modules/${KERNEL_FULL_VERSION}/extra/*.ko'] },
          inTreeModulesToRemove: ['old_kmod'],
        },
      },
    },
  };
}

/** The problem messages for `valid()` after `mutate`. */
function problemsAfter(mutate: (m: any) => void): string[] {
  const m = valid();
  mutate(m);
  const problems = checkModuleWebhookRules(m as RenderedKmmModule, PATH);
  for (const p of problems) expect(p.path).toEqual(PATH);
  return problems.map((p) => p.message);
}

const container = (m: any): any => m.spec.moduleLoader.container;

describe('checkModuleWebhookRules', () => {
  test('a valid Module has no problems', () => {
    expect(problemsAfter(() => undefined)).toEqual([]);
  });

  describe('name and namespace', () => {
    test('name + namespace of 39 characters pass, 40 fail (KMM docs: 39; webhook 40 or 41 by release)', () => {
      expect(problemsAfter((m) => { m.name = 'a'.repeat(39 - m.namespace.length); })).toEqual([]);
      const messages = problemsAfter((m) => { m.name = 'a'.repeat(40 - m.namespace.length); });
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/name and namespace together are 40 characters; KMM allows at most 39/);
      expect(messages[0]).toMatch(/^KMM Module "kmods-system\/a+": metadata\.name:/);
    });

    test('the name must be a DNS subdomain', () => {
      expect(problemsAfter((m) => { m.name = 'Kmod_GPU'; })).toEqual([expect.stringMatching(/metadata\.name: not a DNS subdomain/)]);
    });
  });

  describe('selector', () => {
    test('an empty selector would target every node', () => {
      expect(problemsAfter((m) => { m.spec.selector = {}; })).toEqual([expect.stringMatching(/spec\.selector: an empty selector/)]);
    });

    test('selector entries must be labels', () => {
      expect(problemsAfter((m) => { m.spec.selector = { 'bad key!': 'x' }; })).toEqual([expect.stringMatching(/not a valid label/)]);
    });
  });

  describe('tolerations', () => {
    test.each([
      ['an unqualified key', { key: 'a/b/c', operator: 'Exists' }, /is not a qualified name/],
      ['an empty key without Exists', { operator: 'Equal', value: 'x' }, /operator must be Exists when key is empty/],
      ['tolerationSeconds without NoExecute', { key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }, /tolerationSeconds needs effect NoExecute/],
      ['an Equal value that is not a label value', { key: 'k', operator: 'Equal', value: 'a b' }, /is not a label value/],
      ['a value with Exists', { key: 'k', operator: 'Exists', value: 'x' }, /value must be empty when operator is Exists/],
      ['an unknown operator', { key: 'k', operator: 'In' }, /operator "In" is not Equal or Exists/],
      ['an unknown effect', { key: 'k', operator: 'Exists', effect: 'NoWay' }, /effect "NoWay" is not one of/],
    ])('reject %s', (_, toleration, pattern) => {
      expect(problemsAfter((m) => { m.spec.tolerations = [toleration]; })).toEqual([expect.stringMatching(pattern)]);
    });

    test('accept Equal with a label value and NoExecute with seconds', () => {
      expect(problemsAfter((m) => {
        m.spec.tolerations = [{ key: 'k', operator: 'Equal', value: 'v' }, { key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }];
      })).toEqual([]);
    });
  });

  describe('images', () => {
    test('the container image needs a tag or digest (a registry port is not a tag)', () => {
      expect(problemsAfter((m) => { container(m).containerImage = 'quay.io/acme/kmod'; })).toEqual([expect.stringMatching(/containerImage: an image needs an explicit tag or digest/)]);
      expect(problemsAfter((m) => { container(m).containerImage = 'registry.local:5000/acme/kmod'; })).toHaveLength(1);
      expect(problemsAfter((m) => { container(m).containerImage = `quay.io/acme/kmod@sha256:${'a'.repeat(64)}`; })).toEqual([]);
    });

    test('a mapping image needs a tag or digest', () => {
      expect(problemsAfter((m) => { container(m).kernelMappings[0].containerImage = 'quay.io/acme/kmod'; }))
        .toEqual([expect.stringMatching(/kernelMappings\[0\]: an image needs an explicit tag or digest/)]);
    });

    test('a mapping without an image needs the container image', () => {
      expect(problemsAfter((m) => { delete container(m).kernelMappings[1].containerImage; }))
        .toEqual([expect.stringMatching(/kernelMappings\[1\]: no containerImage here and none on the container/)]);
      expect(problemsAfter((m) => { delete container(m).kernelMappings[1].containerImage; container(m).containerImage = IMAGE; })).toEqual([]);
    });

    test('hasTagOrDigest looks at the last path segment', () => {
      expect(hasTagOrDigest('host:5000/a/b:1')).toBe(true);
      expect(hasTagOrDigest('host:5000/a/b')).toBe(false);
      expect(hasTagOrDigest('a/b@sha256:123')).toBe(false);
    });
  });

  describe('kernel mappings', () => {
    test('a Module needs at least one mapping', () => {
      expect(problemsAfter((m) => { container(m).kernelMappings = []; })).toEqual([expect.stringMatching(/at least one kernel mapping/)]);
    });

    test('literal and regexp are mutually exclusive', () => {
      expect(problemsAfter((m) => { container(m).kernelMappings[0].regexp = '^x$'; })).toEqual([expect.stringMatching(/literal and regexp are mutually exclusive/)]);
    });

    test('one of literal and regexp is required', () => {
      expect(problemsAfter((m) => { delete container(m).kernelMappings[0].literal; })).toEqual([expect.stringMatching(/needs literal or regexp/)]);
    });

    test.each([
      ['an unbalanced group', '^(5\\.14$', /does not compile as Go RE2/],
      ['a lookahead', '^(?=5)5.*$', /lookahead and lookbehind are not supported/],
      ['a negative lookbehind', '^.*(?<!rt)$', /lookahead and lookbehind are not supported/],
      ['a backreference', '^(5)\\1$', /backreferences are not supported/],
      ['an atomic group', '^(?>5)$', /atomic groups are not supported/],
      ['a possessive quantifier', '^5++$', /does not compile as Go RE2/],
      ['an unknown escape', '^\\y5$', /does not compile as Go RE2/],
      ['an unanchored regexp', '\\.x86_64', /anchor it with \^…\$/],
      ['an end anchor that is an escaped dollar', '^5\\$', /anchor it with/],
    ])('reject %s', (_, regexp, pattern) => {
      expect(problemsAfter((m) => { container(m).kernelMappings[1].regexp = regexp; })).toEqual([expect.stringMatching(pattern)]);
    });

    test.each([
      ['a Go named group', '^(?P<x>[0-9]+)\\..*$'],
      ['a POSIX class', '^[[:digit:]]+\\..*$'],
      ['a flag group', '(?i)^5\\.14.*X86_64$'],
      ['\\A and \\z', '\\A5.*\\z'],
      ['an escaped backslash before $', '^5\\\\$'],
    ])('accept %s', (_, regexp) => {
      expect(problemsAfter((m) => { container(m).kernelMappings[1].regexp = regexp; })).toEqual([]);
    });

    test('re2CompileError maps \\A and \\z', () => {
      expect(re2CompileError('\\A5\\z')).toBeUndefined();
    });

    test('a kernel mapped twice is reported', () => {
      expect(problemsAfter((m) => { container(m).kernelMappings.push({ ...container(m).kernelMappings[0] }); }))
        .toEqual([expect.stringMatching(/kernelMappings\[2\]\.literal: kernel mapped twice/)]);
    });
  });

  describe('in-tree modules to remove', () => {
    test('container: singular and plural are exclusive', () => {
      expect(problemsAfter((m) => { container(m).inTreeModuleToRemove = 'x'; })).toEqual([expect.stringMatching(/container: inTreeModulesToRemove and the deprecated/)]);
    });

    test('mapping: singular and plural are exclusive', () => {
      expect(problemsAfter((m) => {
        delete container(m).inTreeModulesToRemove;
        Object.assign(container(m).kernelMappings[0], { inTreeModulesToRemove: ['a'], inTreeModuleToRemove: 'b' });
      })).toEqual([expect.stringMatching(/kernelMappings\[0\]: inTreeModulesToRemove and the deprecated/)]);
    });

    test('mapping and container must use the same form', () => {
      expect(problemsAfter((m) => { container(m).kernelMappings[0].inTreeModuleToRemove = 'b'; }))
        .toEqual([expect.stringMatching(/must use the same form/)]);
    });
  });

  describe('modprobe', () => {
    test('moduleName and rawArgs are exclusive', () => {
      expect(problemsAfter((m) => { container(m).modprobe.rawArgs = { load: ['x'], unload: ['x'] }; }))
        .toEqual([expect.stringMatching(/rawArgs cannot be set together with moduleName/)]);
    });

    test('without moduleName both rawArgs are required', () => {
      expect(problemsAfter((m) => {
        container(m).modprobe = { rawArgs: { load: ['-v', 'x'] } };
      })).toEqual([expect.stringMatching(/both rawArgs\.load and rawArgs\.unload must be set/)]);
      expect(problemsAfter((m) => { container(m).modprobe = { rawArgs: { load: ['x'], unload: ['x'] } }; })).toEqual([]);
    });

    test('a loading order needs two modules', () => {
      expect(problemsAfter((m) => { container(m).modprobe.modulesLoadingOrder = ['kmod_a']; }))
        .toEqual([expect.stringMatching(/at least two modules/)]);
    });

    test('a loading order starts with moduleName', () => {
      expect(problemsAfter((m) => { container(m).modprobe.modulesLoadingOrder = ['kmod_b', 'kmod_a']; }))
        .toEqual([expect.stringMatching(/the first module must be moduleName "kmod_a"/)]);
    });

    test('a loading order needs moduleName', () => {
      expect(problemsAfter((m) => { container(m).modprobe = { rawArgs: { load: ['x'], unload: ['x'] }, modulesLoadingOrder: ['a', 'b'] }; }))
        .toEqual([expect.stringMatching(/a loading order needs moduleName/)]);
    });

    test('a loading order has no duplicates', () => {
      expect(problemsAfter((m) => { container(m).modprobe.modulesLoadingOrder = ['kmod_a', 'kmod_b', 'kmod_b']; }))
        .toEqual([expect.stringMatching(/"kmod_b" appears twice/)]);
    });
  });

  describe('signing', () => {
    test('filesToSign is required', () => {
      expect(problemsAfter((m) => { container(m).sign.filesToSign = []; })).toEqual([expect.stringMatching(/\.sign: filesToSign is required/)]);
    });

    test('files to sign sit under dirName (a sibling with the same prefix is not under it)', () => {
      expect(problemsAfter((m) => { container(m).sign.filesToSign = ['/optx/lib/modules/a.ko']; }))
        .toEqual([expect.stringMatching(/file to sign is not under dirName "\/opt"/)]);
      expect(problemsAfter((m) => { container(m).modprobe.dirName = '/kmods'; }))
        .toEqual([expect.stringMatching(/not under dirName "\/kmods"/)]);
    });

    test('mapping-level signing follows the same rules', () => {
      expect(problemsAfter((m) => { container(m).kernelMappings[0].sign = { filesToSign: ['/lib/modules/a.ko'] }; }))
        .toEqual([expect.stringMatching(/kernelMappings\[0\]\.sign: file to sign is not under dirName/)]);
    });
  });
});
