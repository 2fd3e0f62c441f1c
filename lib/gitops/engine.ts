import { ClusterDestination } from './destination';
import { GitOpsEngine, GitOpsSettings } from './gitops-props';
import { KindPolicy } from './sync-policy';

/** One folder of a cluster's output, as an engine applies it. */
export interface EngineFolder {
  /** The folder under the repository root, e.g. `dist/clusters/gpu-prod/setup`. */
  readonly path: string;
  /** The kinds of its objects (for whitelists, RBAC and health checks). */
  readonly kinds: ReadonlyArray<KindPolicy>;
}

/** What an engine needs to know of one cluster to wire it. */
export interface EngineCluster {
  readonly name: string;
  /** Where the cluster's folders are applied. */
  readonly destination: ClusterDestination;
  /** The cluster's loader namespace (the Applications' default namespace). */
  readonly loaderNamespace: string;
  /** Every namespace the cluster's objects live in, sorted. */
  readonly namespaces: ReadonlyArray<string>;
  /**
   * The `setup/` folder, applied first: the identity guard and operator installs; absent when
   * the cluster has neither and needs no operator CRD.
   */
  readonly setup?: EngineFolder;
  /** The CRDs (`<plural>.<group>`) the main folder needs from operators; the setup step waits for them. */
  readonly operatorCrds: ReadonlyArray<string>;
  /**
   * The `node/` folder: MachineConfigs, pools and `MachineConfiguration`, when they sync in
   * maintenance windows or by hand (`GitOpsSettings.nodeSync`); absent when they sync with the rest.
   */
  readonly node?: EngineFolder;
  /** The main folder: everything else. */
  readonly main: EngineFolder;
  /** The generated MachineConfigs of each pool (a pool is healthy once its machines run them). */
  readonly poolMachineConfigs: ReadonlyMap<string, ReadonlyArray<string>>;
  /** The cluster's RBAC objects (Roles, ClusterRoles, bindings) that the engine's controller must be allowed to create. */
  readonly rbacObjects: ReadonlyArray<any>;
}

/** Where a set of wiring files is applied. */
export enum WiringScope {
  /** On the cluster itself: `dist/bootstrap/<cluster>/<engine>/`. */
  CLUSTER = 'cluster',
  /** On the hub, for every cluster: `dist/hub/<engine>/`. */
  HUB = 'hub',
}

/** One file of an engine's wiring. */
export interface WiringFile {
  /**
   * Path relative to the wiring folder, e.g. `health-checks/argocd-cm-patch.yaml`.
   * @default - named like the files of the cluster folders (`application_kmods-lab.yaml`)
   */
  readonly path?: string;
  readonly object: any;
  /** Listed in the folder's kustomization.yaml (applied by `oc apply -k`). @default true */
  readonly applied?: boolean;
}

/**
 * The contract every GitOps engine implements. The rest of the library knows engines only
 * through it: Argo CD in `argocd/`, Flux in `flux/`, a third engine beside them.
 */
export interface GitOpsEngineDriver {
  readonly engine: GitOpsEngine;
  /** The annotations one cluster object of this kind carries for this engine (sync order, prune and apply options). */
  objectAnnotations(policy: KindPolicy): Record<string, string>;
  /**
   * The engine's wiring for `clusters`: on one cluster (scope CLUSTER, exactly one cluster) or
   * on a hub (scope HUB). Health checks for the kinds the engine cannot judge are part of it.
   */
  wiring(settings: GitOpsSettings, clusters: ReadonlyArray<EngineCluster>, scope: WiringScope): WiringFile[];
}
