import { ProblemCollector } from '../errors';
import { DNS_LABEL_RULE, isDnsLabel, isDnsSubdomain } from '../names';

/** A GitOps engine that applies the cluster folders. */
export enum GitOpsEngine {
  /** Argo CD (OpenShift GitOps): an AppProject, Applications (or an ApplicationSet), RBAC, health checks. */
  ARGOCD = 'argocd',
  /** Flux: a GitRepository and Kustomizations. */
  FLUX = 'flux',
  /**
   * Both engines. Kept so existing `engine: both` files still read; write `engines: [argocd, flux]`.
   * @deprecated use `engines`
   */
  BOTH = 'both',
}

/** The engines in the order their wiring is written. */
export const ENGINE_ORDER: ReadonlyArray<GitOpsEngine> = [GitOpsEngine.ARGOCD, GitOpsEngine.FLUX];

/** Where the engines that apply the cluster folders run. */
export enum BootstrapMode {
  /**
   * Each cluster runs its own engine: `dist/bootstrap/<cluster>/<engine>/` holds only that
   * cluster's wiring, applied on that cluster.
   */
  PER_CLUSTER = 'per-cluster',
  /**
   * One hub runs the engine for every cluster: `dist/hub/<engine>/` aims each cluster's folder at
   * that cluster (Argo CD `destination.name` or `server`, Flux `spec.kubeConfig.secretRef`).
   */
  HUB = 'hub',
}

/** A time when Argo CD may sync node-level objects (an AppProject `syncWindows` entry). */
export interface MaintenanceWindow {
  /** Cron schedule of the window's start, e.g. `0 22 * * 6` (Saturdays 22:00). */
  readonly schedule: string;
  /** How long the window lasts, e.g. `4h`. */
  readonly duration: string;
  /** IANA time zone of the schedule. @default 'UTC' */
  readonly timeZone?: string;
}

/**
 * When node-level objects (MachineConfigs, MachineConfigPools, `MachineConfiguration`) reach the
 * clusters. Setting either field puts them in a folder of their own, `clusters/<cluster>/node/`,
 * with its own Application / Kustomization `kmods-<cluster>-node`.
 */
export interface NodeSyncProps {
  /**
   * Argo CD syncs them automatically only inside these windows (a person may still sync outside);
   * Flux has no windows: its node Kustomization is suspended, and `flux resume` in the window
   * applies it. @default - no windows
   */
  readonly windows?: ReadonlyArray<MaintenanceWindow>;
  /**
   * Only a person syncs them (Argo CD: no automated sync; Flux: suspended Kustomization).
   * @default false
   */
  readonly manual?: boolean;
}

/** How the synthesized cluster folders reach the clusters. */
export interface GitOpsProps {
  /**
   * The engines to generate wiring for, e.g. `[argocd, flux]`. Install only one of them on a
   * given cluster. @default - from `engine`
   */
  readonly engines?: ReadonlyArray<GitOpsEngine>;
  /**
   * One engine, or `both`: the older spelling of `engines`, still accepted.
   * @default - `engines` must be given
   * @deprecated use `engines`
   */
  readonly engine?: GitOpsEngine;
  /** Where the engines run: on each cluster, or on one hub. @default BootstrapMode.PER_CLUSTER */
  readonly bootstrap?: BootstrapMode;
  /** URL of the git repository that holds the synthesized `dist/` (https, ssh or `git@host:path`). */
  readonly repoURL: string;
  /** Branch, tag or commit the engines follow. @default 'main' */
  readonly revision?: string;
  /**
   * Name of a Secret holding the credentials of a private repository, referenced by Flux's
   * GitRepository (`spec.secretRef`, in the Flux namespace). Argo CD finds its repository
   * credentials by URL (a Secret labelled `argocd.argoproj.io/secret-type: repository`), so
   * nothing refers to them. No secret material is ever written to `dist/`.
   * @default - a public repository
   */
  readonly repoSecret?: string;
  /** Namespace of the Argo CD instance (Applications and the AppProject live here). @default 'openshift-gitops' */
  readonly argocdNamespace?: string;
  /**
   * Name of the OpenShift GitOps `ArgoCD` instance; its application controller's ServiceAccount is
   * `<instance>-argocd-application-controller`, which the generated ClusterRoleBinding names.
   * @default 'openshift-gitops'
   */
  readonly argocdInstance?: string;
  /** One ApplicationSet with a list generator instead of one Application per cluster folder. @default false */
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
  /**
   * Maintenance windows or manual sync for node-level objects, whose changes reboot nodes.
   * @default - synced automatically with everything else, in sync-wave order
   */
  readonly nodeSync?: NodeSyncProps;
}

/** The API server of the cluster Argo CD runs in. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/** GitOpsProps with every default filled in and every value checked. */
export interface GitOpsSettings {
  /** The engines, each once, in ENGINE_ORDER. */
  readonly engines: ReadonlyArray<GitOpsEngine>;
  readonly bootstrap: BootstrapMode;
  readonly repoURL: string;
  readonly revision: string;
  readonly repoSecret?: string;
  readonly argocdNamespace: string;
  readonly argocdInstance: string;
  readonly applicationSet: boolean;
  readonly fluxNamespace: string;
  readonly fluxTimeout: string;
  readonly pathPrefix: string;
  /** Node-level objects in a folder of their own, synced in windows or by hand; absent: synced with the rest. */
  readonly nodeSync?: { readonly manual: boolean; readonly windows: ReadonlyArray<Required<MaintenanceWindow>> };
}

/** True when the settings include the engine. */
export function usesEngine(settings: Pick<GitOpsSettings, 'engines'>, engine: GitOpsEngine): boolean {
  return settings.engines.includes(engine);
}

const REPO_URL = /^((https?|ssh|git):\/\/[^\s]+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+)$/;
const GIT_REVISION = /^[A-Za-z0-9][A-Za-z0-9._\/-]*$/;
const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
const CRON = /^(\S+\s+){4}\S+$/;
const PATH_PREFIX = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** True for a URL Argo CD accepts as a destination server (https://host[:port][/path]). */
export function isDestinationServer(value: unknown): boolean {
  return typeof value === 'string' && /^https:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[^\s]*)?$/.test(value);
}

export const DESTINATION_SERVER_RULE = 'an https:// URL of a Kubernetes API server, e.g. https://api.gpu-prod.example.com:6443';

/** The engines a `gitops` section asks for: `engines`, else `engine` (`both` is Argo CD and Flux). */
function engineList(props: GitOpsProps, problems: ProblemCollector): GitOpsEngine[] {
  const single = [GitOpsEngine.ARGOCD, GitOpsEngine.FLUX] as string[];
  if (props.engines !== undefined && props.engine !== undefined) {
    problems.add(['engine'], 'give engines or engine, not both', props.engine, 'engines: [argocd, flux]');
    return [];
  }
  if (props.engines !== undefined) {
    if (!Array.isArray(props.engines) || props.engines.length === 0) {
      problems.add(['engines'], 'a non-empty list of GitOps engines', props.engines, single.join(', '));
      return [];
    }
    const bad = props.engines.findIndex((e) => !single.includes(e));
    if (bad >= 0) {
      problems.add(['engines', bad], 'unknown GitOps engine', props.engines[bad], single.join(', '));
      return [];
    }
    return ENGINE_ORDER.filter((e) => props.engines!.includes(e));
  }
  if (props.engine === GitOpsEngine.BOTH) return [...ENGINE_ORDER];
  if (props.engine !== undefined && single.includes(props.engine)) return [props.engine];
  if (props.engine === undefined) problems.add(['engines'], 'missing: the GitOps engines to generate wiring for', undefined, single.join(', '));
  else problems.add(['engine'], 'unknown GitOps engine', props.engine, Object.values(GitOpsEngine).join(', '));
  return [];
}

/** Fills in defaults and validates; problems are reported under `gitops.<field>`. */
export function resolveGitOps(props: GitOpsProps): GitOpsSettings {
  const problems = new ProblemCollector(['gitops']);
  const settings: GitOpsSettings = {
    engines: engineList(props, problems),
    bootstrap: props.bootstrap ?? BootstrapMode.PER_CLUSTER,
    repoURL: props.repoURL,
    revision: props.revision ?? 'main',
    ...(props.repoSecret !== undefined ? { repoSecret: props.repoSecret } : {}),
    argocdNamespace: props.argocdNamespace ?? 'openshift-gitops',
    argocdInstance: props.argocdInstance ?? 'openshift-gitops',
    applicationSet: props.applicationSet ?? false,
    fluxNamespace: props.fluxNamespace ?? 'flux-system',
    fluxTimeout: props.fluxTimeout ?? '90m',
    pathPrefix: props.pathPrefix ?? 'dist',
    ...(props.nodeSync !== undefined ? {
      nodeSync: {
        manual: props.nodeSync.manual ?? false,
        windows: (props.nodeSync.windows ?? []).map((w) => ({ schedule: w.schedule, duration: w.duration, timeZone: w.timeZone ?? 'UTC' })),
      },
    } : {}),
  };
  if (settings.nodeSync) {
    if (typeof settings.nodeSync.manual !== 'boolean') problems.add(['nodeSync', 'manual'], 'must be true or false', settings.nodeSync.manual);
    if (!settings.nodeSync.manual && settings.nodeSync.windows.length === 0) {
      problems.add(['nodeSync'], 'give maintenance windows or manual: true', props.nodeSync, 'windows: [{schedule: "0 22 * * 6", duration: 4h}] or manual: true');
    }
    settings.nodeSync.windows.forEach((w, i) => {
      if (typeof w.schedule !== 'string' || !CRON.test(w.schedule)) problems.add(['nodeSync', 'windows', i, 'schedule'], 'not a cron schedule', w.schedule, 'five fields, e.g. 0 22 * * 6');
      if (typeof w.duration !== 'string' || !GO_DURATION.test(w.duration)) problems.add(['nodeSync', 'windows', i, 'duration'], 'not a duration', w.duration, 'e.g. 4h or 90m');
      if (typeof w.timeZone !== 'string' || !/^[A-Za-z]+(?:[/_+-][A-Za-z0-9]+)*$/.test(w.timeZone)) problems.add(['nodeSync', 'windows', i, 'timeZone'], 'not a time zone name', w.timeZone, 'an IANA name such as UTC or Europe/Berlin');
    });
  }
  if (!Object.values(BootstrapMode).includes(settings.bootstrap)) {
    problems.add(['bootstrap'], 'unknown bootstrap mode', settings.bootstrap, Object.values(BootstrapMode).join(', '));
  }
  if (settings.repoSecret !== undefined && (typeof settings.repoSecret !== 'string' || !isDnsSubdomain(settings.repoSecret))) {
    problems.add(['repoSecret'], 'not a Secret name', settings.repoSecret, 'a DNS subdomain: lower-case letters, digits, "-" and ".", at most 253 characters');
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
