import { Problem } from '../errors';
import { isDnsSubdomain } from '../names';
import { BootstrapMode, DESTINATION_SERVER_RULE, GitOpsSettings, IN_CLUSTER_SERVER, isDestinationServer } from './gitops-props';

/** Where one cluster's engine wiring points, as the user gives it on the cluster. */
export interface ClusterDestinationProps {
  /**
   * The API server Argo CD deploys this cluster's folders to. Per cluster: keep the default (the
   * cluster's own Argo CD). Hub: the cluster's API server as registered in the hub's Argo CD, or
   * leave it out and give `destinationName`.
   * @default - per cluster: 'https://kubernetes.default.svc'; hub: `destinationName` is used
   */
  readonly destinationServer?: string;
  /**
   * The name of the cluster as registered in the hub's Argo CD (`destination.name`, the
   * `name` of its cluster Secret). @default - the fleet's cluster name (hub mode)
   */
  readonly destinationName?: string;
  /**
   * Hub mode with Flux: the Secret in the Flux namespace of the hub holding the cluster's
   * kubeconfig (key `value`), for `spec.kubeConfig.secretRef`. @default '<cluster>-kubeconfig'
   */
  readonly fluxKubeConfigSecret?: string;
  /**
   * The cluster's identity, `oc get clusterversion version -o jsonpath='{.spec.clusterID}'`.
   * When given, the cluster's `setup/` folder holds a ValidatingAdmissionPolicy that refuses every
   * object labelled for this cluster on any cluster with another ID: a bootstrap or hub
   * destination aimed at the wrong cluster changes nothing there. @default - no identity guard
   */
  readonly clusterID?: string;
}

/** Where the engines apply one cluster's folders. */
export interface ClusterDestination {
  readonly cluster: string;
  /** Argo CD `destination`: exactly one of `server` and `name`. */
  readonly argocd: { readonly server: string } | { readonly name: string };
  /** Flux on a hub: the kubeconfig Secret; absent when Flux runs on the cluster itself. */
  readonly fluxKubeConfigSecret?: string;
  /** ClusterVersion `spec.clusterID`, when known. */
  readonly clusterID?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Checks a cluster's destination props; problems are relative to the cluster (e.g. `['clusterID']`). */
export function destinationProblems(props: ClusterDestinationProps): Omit<Problem, 'location'>[] {
  const out: Omit<Problem, 'location'>[] = [];
  if (props.destinationServer !== undefined && !isDestinationServer(props.destinationServer)) {
    out.push({ path: ['destinationServer'], message: 'not an API server URL', given: props.destinationServer, allowed: DESTINATION_SERVER_RULE });
  }
  if (props.destinationName !== undefined && (typeof props.destinationName !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._@:-]{0,252}$/.test(props.destinationName))) {
    out.push({ path: ['destinationName'], message: 'not an Argo CD cluster name', given: props.destinationName, allowed: 'letters, digits, ".", "_", "-", "@" and ":", at most 253 characters' });
  }
  if (props.destinationServer !== undefined && props.destinationName !== undefined) {
    out.push({ path: ['destinationName'], message: 'give destinationServer or destinationName, not both', given: props.destinationName });
  }
  if (props.fluxKubeConfigSecret !== undefined && (typeof props.fluxKubeConfigSecret !== 'string' || !isDnsSubdomain(props.fluxKubeConfigSecret))) {
    out.push({ path: ['fluxKubeConfigSecret'], message: 'not a Secret name', given: props.fluxKubeConfigSecret, allowed: 'a DNS subdomain' });
  }
  if (props.clusterID !== undefined && (typeof props.clusterID !== 'string' || !UUID.test(props.clusterID))) {
    out.push({ path: ['clusterID'], message: 'not a ClusterVersion clusterID', given: props.clusterID, allowed: 'a lower-case UUID such as 0f7d0a9c-8c2e-4f57-9d53-3c6f4a1b2e10 (oc get clusterversion version -o jsonpath=\'{.spec.clusterID}\')' });
  }
  return out;
}

/** Where the engines apply one cluster's folders, under the fleet's bootstrap mode. */
export function clusterDestination(mode: BootstrapMode, cluster: string, props: ClusterDestinationProps): ClusterDestination {
  const id = props.clusterID !== undefined ? { clusterID: props.clusterID } : {};
  if (mode === BootstrapMode.HUB) {
    const local = props.destinationServer === IN_CLUSTER_SERVER;
    return {
      cluster,
      argocd: props.destinationServer !== undefined ? { server: props.destinationServer } : { name: props.destinationName ?? cluster },
      ...(local ? {} : { fluxKubeConfigSecret: props.fluxKubeConfigSecret ?? `${cluster}-kubeconfig` }),
      ...id,
    };
  }
  return {
    cluster,
    argocd: props.destinationName !== undefined ? { name: props.destinationName } : { server: props.destinationServer ?? IN_CLUSTER_SERVER },
    ...id,
  };
}

/**
 * What makes two clusters' destinations the same, with the field a user would change. In
 * per-cluster mode each bootstrap folder is applied on its own cluster, so the in-cluster API
 * server is no shared destination; any other server, name or clusterID is.
 */
function destinationKeys(mode: BootstrapMode, d: ClusterDestination): Array<{ key: string; field: string; what: string }> {
  const keys: Array<{ key: string; field: string; what: string }> = [];
  if ('server' in d.argocd) {
    if (mode === BootstrapMode.HUB || d.argocd.server !== IN_CLUSTER_SERVER) {
      keys.push({ key: `argocd server ${d.argocd.server}`, field: 'destinationServer', what: `Argo CD destination server ${d.argocd.server}` });
    }
  } else {
    keys.push({ key: `argocd name ${d.argocd.name}`, field: 'destinationName', what: `Argo CD destination name ${d.argocd.name}` });
  }
  if (mode === BootstrapMode.HUB) {
    keys.push(d.fluxKubeConfigSecret !== undefined
      ? { key: `flux ${d.fluxKubeConfigSecret}`, field: 'fluxKubeConfigSecret', what: `Flux kubeconfig Secret ${d.fluxKubeConfigSecret}` }
      : { key: 'flux hub', field: 'destinationServer', what: 'the hub itself (Flux without kubeConfig)' });
  }
  if (d.clusterID !== undefined) keys.push({ key: `id ${d.clusterID}`, field: 'clusterID', what: `clusterID ${d.clusterID}` });
  return keys;
}

/**
 * Keeps track of the destinations of the clusters added so far and reports a cluster that
 * would share one: the engines would then apply two clusters' MachineConfigs, pools and loaders
 * to one cluster.
 */
export class DestinationRegistry {
  private readonly owners = new Map<string, string>();

  constructor(private readonly settings: Pick<GitOpsSettings, 'bootstrap'>) {}

  /** Problems (relative to the cluster) when `d` shares a destination with a cluster added before; records `d` otherwise. */
  public add(d: ClusterDestination): Omit<Problem, 'location'>[] {
    const keys = destinationKeys(this.settings.bootstrap, d);
    const problems = keys.flatMap(({ key, field, what }) => {
      const other = this.owners.get(key);
      return other === undefined ? [] : [{
        path: [field],
        message: `clusters "${other}" and "${d.cluster}" share a destination (${what}): their folders would be applied to one cluster`,
        allowed: `a destination of its own for each cluster${this.settings.bootstrap === BootstrapMode.HUB ? ' (destinationName, destinationServer, fluxKubeConfigSecret)' : ''}`,
      }];
    });
    if (problems.length === 0) for (const { key } of keys) this.owners.set(key, d.cluster);
    return problems;
  }
}
