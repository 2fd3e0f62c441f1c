import { CLUSTER_LABEL } from '../../labels';
import { ApiObject } from 'cdk8s';
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
  /** Secret (in the same namespace) with the credentials of a private repository. @default - public repository */
  readonly secretName?: string;
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
      spec: {
        url: props.url, ref: gitRef(props.revision), interval: '5m', timeout: '2m',
        ...(props.secretName !== undefined ? { secretRef: { name: props.secretName } } : {}),
      },
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
  /** Kustomization name. */
  readonly name: string;
  /** Cluster name. */
  readonly cluster: string;
  /** Namespace of the Flux controllers. */
  readonly namespace: string;
  /** The GitRepository to read. */
  readonly sourceName: string;
  /** The folder, e.g. `./dist/clusters/gpu-prod`. */
  readonly path: string;
  /** How long to wait for the objects to become healthy (pool rollouts reboot nodes one batch at a time). */
  readonly timeout: string;
  /**
   * Wait for every applied object to be healthy (`wait: true`, with `healthCheckExprs`);
   * otherwise only `healthChecks` are waited for.
   */
  readonly wait: boolean;
  /** CEL health checks for the kinds kstatus cannot judge (with `wait`). @default - none */
  readonly healthCheckExprs?: ReadonlyArray<FluxKindHealthExpr>;
  /** Objects to wait for (without `wait`), e.g. the CRDs an operator installs. @default - none */
  readonly healthChecks?: ReadonlyArray<{ apiVersion: string; kind: string; name: string; namespace?: string }>;
  /** Kustomizations (same namespace) that must be Ready first. @default - none */
  readonly dependsOn?: ReadonlyArray<string>;
  /** Not reconciled until resumed (`flux resume kustomization <name>`). @default false */
  readonly suspend?: boolean;
  /** Hub: the Secret (key `value`) with the kubeconfig of the cluster to apply to. @default - the cluster Flux runs on */
  readonly kubeConfigSecret?: string;
  /** Labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Name of the Flux Kustomization of a cluster's main folder. */
export function fluxKustomizationName(cluster: string): string {
  return `kmods-${cluster}`;
}

/** Name of the Flux Kustomization of a cluster's `node/` folder. */
export function fluxNodeKustomizationName(cluster: string): string {
  return `kmods-${cluster}-node`;
}

/** Name of the Flux Kustomization of a cluster's `setup/` folder. */
export function fluxSetupKustomizationName(cluster: string): string {
  return `kmods-${cluster}-setup`;
}

/**
 * A Flux Kustomization applying one folder of one cluster: prune (MachineConfigs and pools carry
 * `kustomize.toolkit.fluxcd.io/prune: disabled`), then wait: for every object (main folder, with
 * CEL health checks for MachineConfigPools, BuildConfigs and KMM Modules), or for the CRDs the
 * setup folder's operators install.
 */
export class FluxClusterKustomization extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: FluxClusterKustomizationProps) {
    super(scope, id);
    this.name = props.name;
    new ApiObject(this, 'Resource', {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: {
        name: this.name,
        namespace: props.namespace,
        labels: { ...props.labels, [CLUSTER_LABEL]: props.cluster },
      },
      spec: {
        ...(props.dependsOn && props.dependsOn.length > 0 ? { dependsOn: props.dependsOn.map((name) => ({ name })) } : {}),
        ...(props.suspend ? { suspend: true } : {}),
        sourceRef: { kind: 'GitRepository', name: props.sourceName },
        path: props.path,
        interval: '10m',
        retryInterval: '2m',
        timeout: props.timeout,
        prune: true,
        wait: props.wait,
        force: false,
        ...(props.kubeConfigSecret !== undefined ? { kubeConfig: { secretRef: { name: props.kubeConfigSecret, key: 'value' } } } : {}),
        ...(props.healthChecks && props.healthChecks.length > 0 ? { healthChecks: props.healthChecks.map((c) => ({ ...c })) } : {}),
        ...(props.healthCheckExprs && props.healthCheckExprs.length > 0 ? {
          healthCheckExprs: props.healthCheckExprs.map((e) => ({
            apiVersion: e.apiVersion,
            kind: e.kind,
            inProgress: e.inProgress,
            ...(e.failed !== undefined ? { failed: e.failed } : {}),
            current: e.current,
          })),
        } : {}),
      },
    });
  }
}
