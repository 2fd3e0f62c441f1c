import { CLUSTER_LABEL } from '../../labels';
import * as kustomize from '../../imports/kustomize.toolkit.fluxcd.io';
import * as source from '../../imports/source.toolkit.fluxcd.io';
import { Construct } from 'constructs';
import { FluxHealthExpr } from '../health-checks/health-checks';

export interface FluxGitRepositoryProps {
  /** GitRepository name. */
  readonly name: string;
  /** Namespace of the Flux controllers. */
  readonly namespace: string;
  /** Repository URL. */
  readonly url: string;
  /** Branch, tag (`refs/tags/<tag>`), other ref (`refs/...`) or 40-hex commit. */
  readonly revision: string;
  /** Labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The Flux source of the synthesized repository. */
export class FluxGitRepository extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: FluxGitRepositoryProps) {
    super(scope, id);
    this.name = props.name;
    new source.GitRepository(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: { ...props.labels } },
      spec: { url: props.url, ref: gitRef(props.revision), interval: '5m', timeout: '2m' },
    });
  }
}

/** Maps a revision to a Flux `spec.ref`: a commit, a full ref name, or a branch. */
export function gitRef(revision: string): source.GitRepositorySpecRef {
  if (/^[0-9a-f]{40}$/.test(revision)) return { commit: revision };
  if (revision.startsWith('refs/')) return { name: revision };
  return { branch: revision };
}

/** One Flux health expression with the kind it applies to. */
export interface FluxKindHealthExpr extends FluxHealthExpr {
  /** apiVersion (Flux matches the group). */
  readonly apiVersion: string;
  /** Kind. */
  readonly kind: string;
}

export interface FluxClusterKustomizationProps {
  /** Cluster name. */
  readonly cluster: string;
  /** Namespace of the Flux controllers. */
  readonly namespace: string;
  /** The GitRepository to read. */
  readonly sourceName: string;
  /** The cluster's folder, e.g. `./dist/clusters/gpu-prod`. */
  readonly path: string;
  /** How long to wait for the objects to become healthy (pool rollouts reboot nodes one batch at a time). */
  readonly timeout: string;
  /** CEL health checks for the kinds kstatus cannot judge. */
  readonly healthCheckExprs: ReadonlyArray<FluxKindHealthExpr>;
  /** Labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Name of the Flux Kustomization of a cluster. */
export function fluxKustomizationName(cluster: string): string {
  return `kmods-${cluster}`;
}

/**
 * A Flux Kustomization applying one cluster folder: prune (MachineConfigs and pools carry
 * `kustomize.toolkit.fluxcd.io/prune: disabled`), wait for every object to be healthy, with CEL
 * health checks for MachineConfigPools, BuildConfigs and KMM Modules.
 */
export class FluxClusterKustomization extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: FluxClusterKustomizationProps) {
    super(scope, id);
    this.name = fluxKustomizationName(props.cluster);
    new kustomize.Kustomization(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: props.namespace,
        labels: { ...props.labels, [CLUSTER_LABEL]: props.cluster },
      },
      spec: {
        sourceRef: { kind: kustomize.KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: props.sourceName },
        path: props.path,
        interval: '10m',
        retryInterval: '5m',
        timeout: props.timeout,
        prune: true,
        wait: true,
        force: false,
        healthCheckExprs: props.healthCheckExprs.map((e) => ({
          apiVersion: e.apiVersion,
          kind: e.kind,
          inProgress: e.inProgress,
          ...(e.failed !== undefined ? { failed: e.failed } : {}),
          current: e.current,
        })),
      },
    });
  }
}
