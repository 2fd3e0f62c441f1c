import { ProblemCollector } from '../errors';
import { DNS_LABEL_RULE, isDnsLabel } from '../names';

/** Which GitOps engine applies the cluster folders. */
export enum GitOpsEngine {
  /** Argo CD (OpenShift GitOps): an AppProject, Applications (or an ApplicationSet), RBAC, health checks. */
  ARGOCD = 'argocd',
  /** Flux: a GitRepository and one Kustomization per cluster. */
  FLUX = 'flux',
  /** Both engines' wiring is generated; install only one of them on a given cluster. */
  BOTH = 'both',
}

/** True when the engine choice includes Argo CD. */
export function usesArgoCd(engine: GitOpsEngine): boolean {
  return engine === GitOpsEngine.ARGOCD || engine === GitOpsEngine.BOTH;
}

/** True when the engine choice includes Flux. */
export function usesFlux(engine: GitOpsEngine): boolean {
  return engine === GitOpsEngine.FLUX || engine === GitOpsEngine.BOTH;
}

/** How the synthesized cluster folders reach the clusters. */
export interface GitOpsProps {
  /** The engine(s) to generate wiring for. */
  readonly engine: GitOpsEngine;
  /** URL of the git repository that holds the synthesized `dist/` (https, ssh or `git@host:path`). */
  readonly repoURL: string;
  /** Branch, tag or commit the engines follow. @default 'main' */
  readonly revision?: string;
  /** Namespace of the Argo CD instance (Applications and the AppProject live here). @default 'openshift-gitops' */
  readonly argocdNamespace?: string;
  /**
   * Name of the OpenShift GitOps `ArgoCD` instance; its application controller's ServiceAccount is
   * `<instance>-argocd-application-controller`, which the generated ClusterRoleBinding names.
   * @default 'openshift-gitops'
   */
  readonly argocdInstance?: string;
  /** One ApplicationSet with a list generator instead of one Application per cluster. @default false */
  readonly applicationSet?: boolean;
  /** Namespace of the Flux controllers (the GitRepository and Kustomizations live here). @default 'flux-system' */
  readonly fluxNamespace?: string;
  /**
   * How long a Flux Kustomization waits for its objects to become healthy. A pool rollout reboots
   * `maxUnavailable` nodes at a time, so allow for (nodes / maxUnavailable) reboots.
   * @default '90m'
   */
  readonly fluxTimeout?: string;
  /** Folder of the synthesized output, relative to the repository root. @default 'dist' */
  readonly pathPrefix?: string;
}

/** The API server of the cluster Argo CD runs in. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/** GitOpsProps with every default filled in and every value checked. */
export interface GitOpsSettings {
  readonly engine: GitOpsEngine;
  readonly repoURL: string;
  readonly revision: string;
  readonly argocdNamespace: string;
  readonly argocdInstance: string;
  readonly applicationSet: boolean;
  readonly fluxNamespace: string;
  readonly fluxTimeout: string;
  readonly pathPrefix: string;
}

const REPO_URL = /^((https?|ssh|git):\/\/[^\s]+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+)$/;
const GIT_REVISION = /^[A-Za-z0-9][A-Za-z0-9._\/-]*$/;
const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
const PATH_PREFIX = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** True for a URL Argo CD accepts as a destination server (https://host[:port][/path]). */
export function isDestinationServer(value: unknown): boolean {
  return typeof value === 'string' && /^https:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[^\s]*)?$/.test(value);
}

export const DESTINATION_SERVER_RULE = 'an https:// URL of a Kubernetes API server, e.g. https://api.gpu-prod.example.com:6443';

/** Fills in defaults and validates; problems are reported under `gitops.<field>`. */
export function resolveGitOps(props: GitOpsProps): GitOpsSettings {
  const problems = new ProblemCollector(['gitops']);
  const settings: GitOpsSettings = {
    engine: props.engine,
    repoURL: props.repoURL,
    revision: props.revision ?? 'main',
    argocdNamespace: props.argocdNamespace ?? 'openshift-gitops',
    argocdInstance: props.argocdInstance ?? 'openshift-gitops',
    applicationSet: props.applicationSet ?? false,
    fluxNamespace: props.fluxNamespace ?? 'flux-system',
    fluxTimeout: props.fluxTimeout ?? '90m',
    pathPrefix: props.pathPrefix ?? 'dist',
  };
  if (!Object.values(GitOpsEngine).includes(settings.engine)) {
    problems.add(['engine'], 'unknown GitOps engine', settings.engine, Object.values(GitOpsEngine).join(', '));
  }
  if (typeof settings.repoURL !== 'string' || !REPO_URL.test(settings.repoURL)) {
    problems.add(['repoURL'], 'not a git repository URL', settings.repoURL, 'https://host/org/repo.git, ssh://git@host/org/repo.git or git@host:org/repo.git');
  }
  if (typeof settings.revision !== 'string' || !GIT_REVISION.test(settings.revision) || settings.revision.includes('..')) {
    problems.add(['revision'], 'not a git branch, tag or commit', settings.revision, 'a branch such as main, a tag, a 40-hex commit or refs/tags/<tag>');
  }
  for (const field of ['argocdNamespace', 'fluxNamespace'] as const) {
    if (typeof settings[field] !== 'string' || !isDnsLabel(settings[field])) problems.add([field], 'not a namespace name', settings[field], DNS_LABEL_RULE);
  }
  if (typeof settings.argocdInstance !== 'string' || !isDnsLabel(settings.argocdInstance, 30)) {
    problems.add(['argocdInstance'], 'not an ArgoCD instance name', settings.argocdInstance, `${DNS_LABEL_RULE}, at most 30 characters`);
  }
  if (typeof settings.applicationSet !== 'boolean') problems.add(['applicationSet'], 'must be true or false', settings.applicationSet);
  if (typeof settings.fluxTimeout !== 'string' || !GO_DURATION.test(settings.fluxTimeout)) {
    problems.add(['fluxTimeout'], 'not a duration', settings.fluxTimeout, 'a Go duration such as 90m or 2h');
  }
  if (typeof settings.pathPrefix !== 'string' || !PATH_PREFIX.test(settings.pathPrefix) || settings.pathPrefix.split('/').some((p) => p === '..' || p === '.')) {
    problems.add(['pathPrefix'], 'not a relative folder path', settings.pathPrefix, "folder names joined by '/', without a leading '/', '.' or '..', e.g. dist");
  }
  problems.throwIfAny();
  return settings;
}
