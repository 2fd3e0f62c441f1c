/**
 * Issue 17, classes 3, 4 and 5: where a privileged loader may run, the platform rules the MCO
 * enforces, and git URLs and refs as git reads them — through fleet.yaml and the TypeScript
 * API alike.
 */
import { execFileSync, spawnSync } from 'child_process';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Fleet } from '../../lib/fleet/fleet';
import { ClusterProps } from '../../lib/fleet/cluster';
import { KernelModuleProps } from '../../lib/module/kernel-module';
import { ModuleSource } from '../../lib/module/module-source';
import { KernelType } from '../../lib/node/kernel-type';
import { OpenShiftReleaseProps } from '../../lib/release/release-catalog';
import { gitRefProblem } from '../../lib/validation/git';
import { EXAMPLE_TEXT, fileErrorOf, validationErrorOf } from './support';

const DTK = `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'a'.repeat(64)}`;
const X86: OpenShiftReleaseProps = { version: '4.18.12', kernel: '5.14.0-427.50.1.el9_4.x86_64', realtimeKernel: '5.14.0-427.50.1.el9_4.x86_64+rt', driverToolkitImage: DTK };
const ARM: OpenShiftReleaseProps = { version: '4.18.13', kernel: '5.14.0-427.50.1.el9_4.aarch64', kernel64k: '5.14.0-427.50.1.el9_4.aarch64+64k', driverToolkitImage: DTK };
const module = (name: string, kos: string[], extra: Partial<KernelModuleProps> = {}): KernelModuleProps => ({
  name, version: '1.0', loadOrder: kos.map((ko) => ({ name: ko })), source: ModuleSource.dockerfile('FROM scratch\n'), ...extra,
});
const fleet = (extra: Partial<ConstructorParameters<typeof Fleet>[0]> = {}): Fleet => new Fleet({
  releases: [X86, ARM], modules: [module('a', ['alpha', 'shared-ko']), module('b', ['beta', 'shared_ko']), module('c', ['gamma'])], ...extra,
});
const clusterError = (props: ClusterProps, f = fleet()): string => validationErrorOf(() => f.addCluster('c1', props)).message;

describe('class 3: loader namespaces', () => {
  test.each(['default', 'kube-system', 'kube-public', 'openshift', 'openshift-machine-config-operator', 'openshift-config'])('%s is refused with its field path', (namespace) => {
    expect(clusterError({ release: '4.18.12', namespace, pools: { p: { modules: ['a'] } } }))
      .toContain(`clusters.c1.namespace: cluster "c1": the loader namespace is bound to the privileged SCC; it must not be a system or platform namespace; given "${namespace}"; allowed: a namespace of your own`);
  });

  test('the KMM operator\'s namespace is a collision named at its field', () => {
    expect(clusterError({ release: '4.18.12', namespace: 'openshift-kmm', installKmmOperator: true, pools: { p: { modules: ['a'] } } }))
      .toContain('clusters.c1.namespace: cluster "c1": the loader namespace collides with the KMM operator\'s namespace');
  });

  test('the GitOps engine\'s namespace is refused', () => {
    const withFlux = fleet({ gitops: { engine: 'flux' as never, repoURL: 'https://git.example.com/fleet.git' } });
    expect(clusterError({ release: '4.18.12', namespace: 'flux-system', pools: { p: {} } }, withFlux))
      .toContain('clusters.c1.namespace: cluster "c1": the loader namespace is the GitOps engine\'s namespace (gitops.fluxNamespace)');
  });

  test('in fleet.yaml too, at its line', () => {
    const text = EXAMPLE_TEXT.replace('  lab:\n    release: "4.19.3"\n', '  lab:\n    release: "4.19.3"\n    namespace: kube-system\n');
    expect(fileErrorOf(text).message).toMatch(/fleet\.yaml:\d+:16: clusters\.lab\.namespace: cluster "lab": the loader namespace is bound to the privileged SCC/);
  });

  test('a namespace of one\'s own is fine', () => {
    expect(fleet().addCluster('c1', { release: '4.18.12', namespace: 'gpu-drivers', pools: { p: { modules: ['a'] } } }).loaderNamespace).toBe('gpu-drivers');
  });
});

describe('class 4: platform rules the MCO enforces', () => {
  test('64k-pages on an x86_64 release is refused; on aarch64 it is fine', () => {
    expect(clusterError({ release: '4.18.12', pools: { p: { kernelType: KernelType.SIXTY_FOUR_K_PAGES } } }))
      .toContain('clusters.c1.pools.p.kernelType: cluster "c1", pool "p": 64k-pages kernels exist only on aarch64 (the MCO refuses them elsewhere); release 4.18.12 is x86_64');
    expect(fleet().addCluster('arm', { release: '4.18.13', pools: { p: { kernelType: KernelType.SIXTY_FOUR_K_PAGES } } }).kernels.map((k) => k.full))
      .toEqual(['5.14.0-427.50.1.el9_4.aarch64+64k']);
  });

  test('a release cannot carry a 64k kernel unless it is aarch64 (the architecture comes from the kernel\'s uname -r suffix)', () => {
    expect(validationErrorOf(() => new Fleet({ releases: [{ ...X86, kernel64k: '5.14.0-427.50.1.el9_4.aarch64+64k' }] })).message)
      .toContain('releases["4.18.12"].kernel64k: release "4.18.12": 64k-pages kernels exist only on aarch64; this release is x86_64');
  });

  test.each([
    [{ 'node-role.kubernetes.io/worker': '' }],
    [{ 'kubernetes.io/os': 'linux' }],
    [{ 'node-role.kubernetes.io/worker': '', 'kubernetes.io/arch': 'amd64' }],
  ])('a selector that takes every worker is refused: %j', (nodeSelector) => {
    expect(clusterError({ release: '4.18.12', pools: { p: { nodeSelector } } }))
      .toContain('clusters.c1.pools.p.nodeSelector: cluster "c1", pool "p": this selector takes every worker node');
  });

  test('the same .ko claimed by two modules on one pool is refused (modprobe treats - and _ alike)', () => {
    expect(clusterError({ release: '4.18.12', pools: { p: { modules: ['a', 'b'] } } }))
      .toContain('clusters.c1.pools.p.modules[1]: cluster "c1", pool "p": module "b" loads shared_ko.ko, which module "a" of this pool loads too');
  });

  test('the same modules on two disjoint pools are fine', () => {
    const c = fleet().addCluster('c1', { release: '4.18.12', pools: { p: { modules: ['a', 'c'] }, q: { modules: ['b'] } } });
    expect(c.pools.map((p) => p.name)).toEqual(['p', 'q']);
  });
});

describe('class 5: git URLs and refs', () => {
  const withSource = (url: string, ref = 'main') => () => new Fleet({ releases: [X86], modules: [module('m', ['m'], { source: ModuleSource.git({ url, ref }) })] });

  test.each([
    '-oProxyCommand=touch /tmp/pwned', '--upload-pack=touch /tmp/x', 'ssh://-oProxyCommand=touch%20x/repo.git', 'ssh://git@-oProxyCommand=x/repo.git',
    'ssh://-git@host/repo.git', '-git@host:repo.git', 'git@-oProxyCommand=x:repo.git', 'git@host:-repo.git', 'ext::sh -c touch% /tmp/x',
    'file:///etc/passwd', 'https://host/repo.git\u0000', 'https://evil\u200b.example.com/x.git',
  ])('source URL %j is refused at its field', (url) => {
    expect(validationErrorOf(withSource(url)).message).toMatch(/modules\.m\.source\.git\.url: module "m": (not a safe git URL|contains the control)/);
  });

  test.each(['https://github.com/acme/kmod.git', 'ssh://git@github.com:22/acme/kmod.git', 'git@github.com:acme/kmod.git'])('source URL %j is fine', (url) => {
    expect(withSource(url)().modules.names).toEqual(['m']);
  });

  test.each(['main..evil', 'ref@{1}', '-b', '.hidden', 'a/.b', 'x.lock', 'a//b', 'a/', 'tag~1', 'a^', 'a:b', 'a?', 'a*', 'a[', 'a\\b', '@', 'trailing.', 'a b', 'a\u0001b'])(
    'ref %j is refused at its field', (ref) => {
      expect(validationErrorOf(withSource('https://github.com/acme/kmod.git', ref)).message).toMatch(/modules\.m\.source\.git\.ref: module "m": (not a git ref|contains the control)/);
    });

  test('the GitOps repository URL and revision follow the same rules', () => {
    const message = validationErrorOf(() => new Fleet({ releases: [X86], gitops: { engine: 'argocd' as never, repoURL: 'ssh://-oProxyCommand=id/x', revision: 'a..b' } })).message;
    expect(message).toContain('gitops.repoURL: not a safe git URL: the host must be a host name or IP address');
    expect(message).toContain('gitops.revision: not a git revision: a ref may not contain ".."');
  });

  const git = spawnSync('git', ['--version']);
  test.skipIf(git.status !== 0 && process.env.CI !== 'true')('the ref rule agrees with git check-ref-format on generated refs (stricter only on non-ASCII)', () => {
    const pieces = fc.constantFrom('a', 'main', 'v1.2', '/', '.', '..', '@', '{', '@{', '-', 'x.lock', '~', '^', ':', '?', '*', '[', '\\', ' ', '\t', '\u007f', 'é', '_', 'refs/tags/');
    let checked = 0;
    fc.assert(fc.property(fc.array(pieces, { minLength: 1, maxLength: 6 }).map((p) => p.join('')), (ref) => {
      // `--allow-onelevel` because a branch such as main is one level; git also refuses a ref starting with '-' as an option, as we do.
      const result = spawnSync('git', ['check-ref-format', '--allow-onelevel', ref]);
      const gitAccepts = result.status === 0 && !ref.startsWith('-');
      checked++;
      const ours = gitRefProblem(ref);
      // Everything git refuses, we refuse; we are stricter only on non-ASCII refs (they reach shell scripts).
      const expected = gitAccepts && /^[\x21-\x7e]*$/.test(ref);
      expect(ours === undefined, `${JSON.stringify(ref)}: ${ours ?? 'accepted'}; git ${gitAccepts ? 'accepts' : 'refuses'}`).toBe(expected);
    }), { seed: 17, numRuns: 300 });
    expect(checked).toBe(300);
    expect(execFileSync('git', ['check-ref-format', '--allow-onelevel', 'main']).length).toBe(0);
  }, 60_000);
});
