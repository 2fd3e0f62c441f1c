import { Problem } from '../errors';
import { FleetFacts } from './fleet-facts';
import { GIT_REF_RULE, GIT_URL_RULE, gitRefProblem, gitUrlProblem } from './git';
import { loaderNamespaceProblems } from './namespace-rules';
import { allowedWithSuggestion } from './suggest';

/**
 * Rules on schema-valid input that a JSON Schema cannot say: git URLs and refs as git reads
 * them, references between catalogs and clusters, loader namespaces, and the platform rules
 * the MCO enforces (64k-pages kernels only on aarch64, a custom pool never takes every worker,
 * one `.ko` loaded by one module per node). Each returns problems with their full path.
 */

type Path = ReadonlyArray<string | number>;

/** The architecture a kernel release is built for, read off its `uname -r` suffix. */
export function kernelArchitecture(kernel: string): string | undefined {
  return /\.(x86_64|aarch64|ppc64le|s390x)(\+[A-Za-z0-9]+)?$/.exec(kernel)?.[1];
}

export interface ReleaseInput {
  readonly kernel: string;
  readonly kernel64k?: string;
}

/** A release may carry a 64k-pages kernel only when it is an aarch64 release. */
export function releaseProblems(version: string, release: ReleaseInput): Problem[] {
  if (typeof release.kernel64k !== 'string' || typeof release.kernel !== 'string') return [];
  const arch = kernelArchitecture(release.kernel);
  const arch64k = kernelArchitecture(release.kernel64k);
  if (arch64k === 'aarch64' && arch === 'aarch64') return [];
  return [{ path: ['releases', version, 'kernel64k'], message: `64k-pages kernels exist only on aarch64; this release is ${arch ?? 'of unknown architecture'} (kernel ${release.kernel})`,
    given: release.kernel64k, allowed: 'an aarch64 64k kernel such as 5.14.0-427.13.1.el9_4.aarch64+64k, on a release whose kernel is aarch64' }];
}

export interface ModuleInput {
  readonly source?: { readonly git?: { readonly url?: string; readonly ref?: string } };
}

/** A git source's URL and ref must be safe for git. */
export function moduleProblems(name: string, module: ModuleInput): Problem[] {
  const git = module.source?.git;
  if (!git || typeof git !== 'object') return [];
  const out: Problem[] = [];
  const at: Path = ['modules', name, 'source', 'git'];
  if (typeof git.url === 'string') {
    const why = gitUrlProblem(git.url, ['https', 'ssh']);
    if (why) out.push({ path: [...at, 'url'], message: `not a safe git URL: ${why}`, given: git.url, allowed: GIT_URL_RULE });
  }
  if (typeof git.ref === 'string') {
    const why = gitRefProblem(git.ref);
    if (why) out.push({ path: [...at, 'ref'], message: `not a git ref: ${why}`, given: git.ref, allowed: GIT_REF_RULE });
  }
  return out;
}

export interface GitOpsInput {
  readonly repoURL?: string;
  readonly revision?: string;
  readonly pathPrefix?: string;
}

/** The GitOps repository URL and revision must be safe for git (Argo CD and Flux clone them). */
export function gitopsProblems(gitops: GitOpsInput): Problem[] {
  const out: Problem[] = [];
  if (typeof gitops.repoURL === 'string') {
    const why = gitUrlProblem(gitops.repoURL, ['https', 'http', 'ssh', 'git']);
    if (why) out.push({ path: ['gitops', 'repoURL'], message: `not a safe git URL: ${why}`, given: gitops.repoURL, allowed: GIT_URL_RULE });
  }
  if (typeof gitops.revision === 'string') {
    const why = gitRefProblem(gitops.revision);
    if (why) out.push({ path: ['gitops', 'revision'], message: `not a git revision: ${why}`, given: gitops.revision, allowed: GIT_REF_RULE });
  }
  // The schema's pattern refuses other characters; this adds the segments a pattern cannot refuse simply.
  if (typeof gitops.pathPrefix === 'string' && /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(gitops.pathPrefix) && gitops.pathPrefix.split('/').some((p) => p === '.' || p === '..')) {
    out.push({ path: ['gitops', 'pathPrefix'], message: 'the folder path may not contain "." or ".." segments', given: gitops.pathPrefix, allowed: 'folder names joined by "/", e.g. dist' });
  }
  return out;
}

export interface PoolInput {
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly modules?: ReadonlyArray<string>;
  readonly kernelType?: string;
}

export interface ClusterInput {
  readonly release: string;
  readonly upgradeTo?: string;
  readonly namespace?: string;
  readonly pools: Readonly<Record<string, PoolInput>>;
}

/** Labels every worker node carries: a selector made only of these takes every worker (of an architecture). */
const WORKER_WIDE_LABELS: ReadonlySet<string> = new Set([
  'node-role.kubernetes.io/worker', 'kubernetes.io/os', 'beta.kubernetes.io/os', 'node.openshift.io/os_id',
  'kubernetes.io/arch', 'beta.kubernetes.io/arch',
]);

/** Problems of one cluster against the fleet's catalogs. */
export function clusterProblems(name: string, cluster: ClusterInput, facts: FleetFacts): Problem[] {
  const out: Problem[] = [];
  const at: Path = ['clusters', name];
  const versions = [...facts.releases.keys()];
  const runs: Array<[string, string]> = [];
  for (const field of ['release', 'upgradeTo'] as const) {
    const version = cluster[field];
    if (version === undefined) continue;
    const release = facts.releases.get(version);
    if (!release) out.push({ path: [...at, field], message: 'release is not in the fleet\'s release catalog', given: version, allowed: allowedWithSuggestion(version, versions, 'no releases defined') });
    else runs.push([version, release.kernel]);
  }
  out.push(...loaderNamespaceProblems(cluster.namespace ?? 'kmods-system', [...at, 'namespace'], facts.gitopsNamespaces));
  const moduleNames = [...facts.modules.keys()];
  for (const [poolName, pool] of Object.entries(cluster.pools)) {
    const poolPath: Path = [...at, 'pools', poolName];
    if (pool.kernelType === '64k-pages') {
      for (const [version, kernel] of runs) {
        const arch = kernelArchitecture(kernel);
        if (arch !== 'aarch64') {
          out.push({ path: [...poolPath, 'kernelType'], message: `64k-pages kernels exist only on aarch64 (the MCO refuses them elsewhere); release ${version} is ${arch ?? 'of unknown architecture'}`,
            given: pool.kernelType, allowed: 'default or realtime on this release' });
        }
      }
    }
    const selector = pool.nodeSelector;
    if (selector !== undefined && Object.keys(selector).length > 0 && Object.keys(selector).every((k) => WORKER_WIDE_LABELS.has(k))) {
      out.push({ path: [...poolPath, 'nodeSelector'], message: 'this selector takes every worker node, so the worker pool would be left empty; a custom pool must select a subset of the workers',
        given: selector, allowed: `a label of the pool's own nodes, e.g. node-role.kubernetes.io/${poolName}: ""` });
    }
    const claimed = new Map<string, string>();
    (pool.modules ?? []).forEach((moduleName, i) => {
      const module = facts.modules.get(moduleName);
      if (!module) {
        out.push({ path: [...poolPath, 'modules', i], message: 'no such module in the fleet\'s module catalog', given: moduleName, allowed: allowedWithSuggestion(moduleName, moduleNames) });
        return;
      }
      for (const ko of module.koNames) {
        const canonical = ko.replace(/-/g, '_');
        const owner = claimed.get(canonical);
        if (owner !== undefined && owner !== moduleName) {
          out.push({ path: [...poolPath, 'modules', i], message: `module "${moduleName}" loads ${ko}.ko, which module "${owner}" of this pool loads too; the kernel loads a module once per node`,
            given: moduleName, allowed: 'modules that load different .ko files' });
        } else {
          claimed.set(canonical, moduleName);
        }
      }
    });
  }
  return out;
}
