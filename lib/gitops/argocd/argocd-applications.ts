import { CLUSTER_LABEL } from '../../labels';
import { ApiObject } from 'cdk8s';
import * as argo from '../../imports/argoproj.io';
import { Construct } from 'constructs';

/** What one cluster's Application points at. */
export interface ClusterTarget {
  /** Cluster name. */
  readonly cluster: string;
  /** API server Argo CD deploys the cluster's folder to. */
  readonly server: string;
  /** The Application's destination namespace (the cluster's loader namespace). */
  readonly namespace: string;
  /** The cluster's folder in the repository, e.g. `dist/clusters/gpu-prod`. */
  readonly path: string;
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

/** Name of the Application of a cluster. */
export function applicationName(cluster: string): string {
  return `kmods-${cluster}`;
}

/**
 * The Application spec for one cluster folder: automated sync with prune and self-heal, never
 * syncing to an empty folder, pruning last, retrying with backoff; admins may pause a pool
 * (`spec.paused`) without Argo CD undoing it.
 */
export function applicationSpec(defaults: ApplicationDefaults, target: ClusterTarget): argo.ApplicationSpec {
  return {
    project: defaults.project,
    source: { repoUrl: defaults.repoURL, targetRevision: defaults.revision, path: target.path },
    destination: { server: target.server, namespace: target.namespace },
    syncPolicy: {
      automated: { prune: true, selfHeal: true, allowEmpty: false },
      syncOptions: ['PruneLast=true', 'RespectIgnoreDifferences=true'],
      retry: { limit: 5, backoff: { duration: '1m', factor: 2, maxDuration: '30m' } },
    },
    ignoreDifferences: [
      { group: 'machineconfiguration.openshift.io', kind: 'MachineConfigPool', jsonPointers: ['/spec/paused'] },
      // Loader DaemonSets follow their ImageStreamTag through an image.openshift.io/triggers
      // annotation: OpenShift writes the built image's digest into the init containers that copy
      // the modules, which self-heal must not undo (it would loop with the trigger controller).
      { group: 'apps', kind: 'DaemonSet', jqPathExpressions: ['.spec.template.spec.initContainers[]? | select(.name | startswith("modules-") or startswith("firmware-")) | .image'] },
    ],
  };
}

export interface ArgoCdApplicationProps {
  /** Namespace of the Argo CD instance. */
  readonly namespace: string;
  /** Shared settings. */
  readonly defaults: ApplicationDefaults;
  /** The cluster folder and destination. */
  readonly target: ClusterTarget;
  /** Labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** One Argo CD Application per cluster, pointing at `dist/clusters/<cluster>`. */
export class ArgoCdApplication extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    this.name = applicationName(props.target.cluster);
    new argo.Application(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: props.namespace,
        labels: { ...props.labels, [CLUSTER_LABEL]: props.target.cluster },
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
  /** One list element per cluster. */
  readonly targets: ReadonlyArray<ClusterTarget>;
  /** Labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * One ApplicationSet with a list generator (one element per cluster) that stamps out the same
 * Applications as `ArgoCdApplication`. Deleting the ApplicationSet keeps the clusters' objects.
 */
export class ArgoCdApplicationSet extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ArgoCdApplicationSetProps) {
    super(scope, id);
    this.name = props.name;
    const template: ClusterTarget = { cluster: '{{.cluster}}', server: '{{.server}}', namespace: '{{.namespace}}', path: '{{.path}}' };
    new ApiObject(this, 'Resource', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: props.name, namespace: props.namespace, labels: { ...props.labels } },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [{
          list: {
            elements: props.targets.map((t) => ({ cluster: t.cluster, server: t.server, namespace: t.namespace, path: t.path })),
          },
        }],
        template: {
          metadata: {
            name: applicationName(template.cluster),
            labels: { ...props.labels, [CLUSTER_LABEL]: template.cluster },
          },
          // ApplicationSet has no generated class (see scripts/import-crds.mjs): write the
          // Application spec with the API's field names.
          spec: argo.toJson_ApplicationSpec(applicationSpec(props.defaults, template)),
        },
        syncPolicy: { preserveResourcesOnDeletion: true },
      },
    });
  }
}
