import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { CLUSTER_LABEL } from '../../labels';

/** Argo CD `destination` of an Application: an API server URL or a registered cluster name. */
export type ArgoCdDestination = { readonly server: string } | { readonly name: string };

/** What one Application points at: one folder of one cluster. */
export interface FolderTarget {
  /** Cluster name. */
  readonly cluster: string;
  /** Application name, e.g. `kmods-gpu-prod` or `kmods-gpu-prod-setup`. */
  readonly application: string;
  /** Where the folder is applied. */
  readonly destination: ArgoCdDestination;
  /** The Application's destination namespace (the cluster's loader namespace). */
  readonly namespace: string;
  /** The folder in the repository, e.g. `dist/clusters/gpu-prod`. */
  readonly path: string;
  /** Sync wave of the Application itself (honoured when an app-of-apps manages it). @default - none */
  readonly wave?: number;
  /** Only a person syncs this Application (no automated sync). @default false */
  readonly manualSync?: boolean;
}

/** Settings shared by every generated Application. */
export interface ApplicationDefaults {
  /** AppProject name. */
  readonly project: string;
  /** Repository URL. */
  readonly repoURL: string;
  /** Branch, tag or commit. */
  readonly revision: string;
}

/** Name of the Application of a cluster's main folder. */
export function applicationName(cluster: string): string {
  return `kmods-${cluster}`;
}

/** Name of the Application of a cluster's `node/` folder. */
export function nodeApplicationName(cluster: string): string {
  return `kmods-${cluster}-node`;
}

/** Name of the Application of a cluster's `setup/` folder. */
export function setupApplicationName(cluster: string): string {
  return `kmods-${cluster}-setup`;
}

/**
 * The Application spec for one folder: automated sync with prune and self-heal, never syncing to
 * an empty folder, pruning last, retrying with backoff (the main folder retries until the setup
 * folder's operators have installed their CRDs). No `ignoreDifferences`: no field we write is
 * written by another controller (loader images name their version, pools carry no `paused`).
 */
export function applicationSpec(defaults: ApplicationDefaults, target: Pick<FolderTarget, 'destination' | 'namespace' | 'path' | 'manualSync'>): any {
  return {
    project: defaults.project,
    source: { repoURL: defaults.repoURL, targetRevision: defaults.revision, path: target.path },
    destination: { ...target.destination, namespace: target.namespace },
    syncPolicy: {
      ...(target.manualSync ? {} : { automated: { prune: true, selfHeal: true, allowEmpty: false } }),
      syncOptions: ['PruneLast=true'],
      retry: { limit: 10, backoff: { duration: '1m', factor: 2, maxDuration: '30m' } },
    },
  };
}

export interface ArgoCdApplicationProps {
  /** Namespace of the Argo CD instance. */
  readonly namespace: string;
  /** Shared settings. */
  readonly defaults: ApplicationDefaults;
  /** The folder and destination. */
  readonly target: FolderTarget;
  /** Labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** One Argo CD Application for one folder of one cluster. */
export class ArgoCdApplication extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    this.name = props.target.application;
    new ApiObject(this, 'Resource', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name: this.name,
        namespace: props.namespace,
        labels: { ...props.labels, [CLUSTER_LABEL]: props.target.cluster },
        ...(props.target.wave !== undefined ? { annotations: { 'argocd.argoproj.io/sync-wave': String(props.target.wave) } } : {}),
      },
      spec: applicationSpec(props.defaults, props.target),
    });
  }
}

export interface ArgoCdApplicationSetProps {
  /** ApplicationSet name. */
  readonly name: string;
  /** Namespace of the Argo CD instance. */
  readonly namespace: string;
  /** Shared settings. */
  readonly defaults: ApplicationDefaults;
  /** One list element per folder; all with a `server` destination, or all with a `name`; all with the same `manualSync`. */
  readonly targets: ReadonlyArray<FolderTarget>;
  /** Labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * One ApplicationSet with a list generator (one element per folder) that stamps out the same
 * Applications as `ArgoCdApplication`. Deleting the ApplicationSet keeps the clusters' objects.
 */
export class ArgoCdApplicationSet extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ArgoCdApplicationSetProps) {
    super(scope, id);
    this.name = props.name;
    const byName = props.targets.length > 0 && 'name' in props.targets[0].destination;
    if (props.targets.some((t) => ('name' in t.destination) !== byName)) {
      throw new Error(`ApplicationSet ${props.name}: destinations must all be servers or all be names`);
    }
    const manualSync = props.targets.length > 0 && props.targets[0].manualSync === true;
    if (props.targets.some((t) => (t.manualSync === true) !== manualSync)) {
      throw new Error(`ApplicationSet ${props.name}: Applications must all sync automatically or all by hand`);
    }
    const destinationOf = (t: FolderTarget) => ('name' in t.destination ? t.destination.name : t.destination.server);
    const destination = byName ? { name: '{{.destination}}' } : { server: '{{.destination}}' };
    new ApiObject(this, 'Resource', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: props.name, namespace: props.namespace, labels: { ...props.labels } },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [{
          list: {
            elements: props.targets.map((t) => ({
              cluster: t.cluster, application: t.application, destination: destinationOf(t), namespace: t.namespace, path: t.path,
            })),
          },
        }],
        template: {
          metadata: {
            name: '{{.application}}',
            labels: { ...props.labels, [CLUSTER_LABEL]: '{{.cluster}}' },
          },
          spec: applicationSpec(props.defaults, { destination, namespace: '{{.namespace}}', path: '{{.path}}', manualSync }),
        },
        syncPolicy: { preserveResourcesOnDeletion: true },
      },
    });
  }
}
