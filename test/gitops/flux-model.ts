import * as path from 'path';
import { parseYamlObjects } from '../support/dist-objects';
import { kustomizeBuild } from '../support/kustomize';

/**
 * A small model of Flux's kustomize-controller applying Kustomizations to one cluster, to check
 * that what we generate converges. What it follows, upstream:
 *
 * - fluxcd/kustomize-controller `internal/controller/kustomization_controller.go`: a Kustomization
 *   whose `dependsOn` are not all Ready is not reconciled ("dependency not ready", retried later);
 *   otherwise the folder is built with kustomize and handed to `ResourceManager.ApplyAllStaged`;
 *   then, with `wait: true` every applied object is health-checked, else only `healthChecks`; an
 *   object of `healthChecks` that does not exist is not healthy. Ready only when all of it passed.
 * - fluxcd/pkg `ssa/manager_apply.go` `ApplyAllStaged`: first the cluster definitions (CRDs,
 *   ClusterRoles, Namespaces) are applied with `ApplyAll` and waited for, then class definitions
 *   (kinds ending in `Class`), then everything else with one more `ApplyAll`. `ApplyAll`
 *   server-side dry-runs every object of its stage and returns on the first error before it
 *   applies any object of that stage.
 * - The API server's dry run fails for a kind it does not serve ("no matches for kind") and for
 *   a namespaced object whose Namespace does not exist.
 * - OLM (operator-framework): a Subscription in a Namespace with an OperatorGroup installs the
 *   operator, whose CSV brings its CRDs; modelled as the CRDs appearing one step later.
 *
 * Health of the objects themselves (pools, Modules, DaemonSets) is covered by the CEL tests;
 * here every applied object counts as healthy, so the question is only: does everything apply?
 */

/** Kinds every OpenShift 4.17+ cluster serves before anything is installed (group/kind). */
export const OPENSHIFT_KINDS: ReadonlyArray<string> = [
  '/Namespace', '/ServiceAccount', '/ConfigMap', '/Secret',
  'apps/DaemonSet', 'batch/CronJob',
  'rbac.authorization.k8s.io/Role', 'rbac.authorization.k8s.io/RoleBinding',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'security.openshift.io/SecurityContextConstraints',
  'machineconfiguration.openshift.io/MachineConfig', 'machineconfiguration.openshift.io/MachineConfigPool',
  'operator.openshift.io/MachineConfiguration',
  'image.openshift.io/ImageStream', 'build.openshift.io/BuildConfig',
  'operators.coreos.com/Subscription', 'operators.coreos.com/OperatorGroup', 'operators.coreos.com/CatalogSource',
];

/** The CRDs (name → group/kind) each OLM package installs. */
export const OPERATOR_CRDS: Readonly<Record<string, Record<string, string>>> = {
  'kernel-module-management': {
    'modules.kmm.sigs.x-k8s.io': 'kmm.sigs.x-k8s.io/Module',
    'preflightvalidationsocp.kmm.sigs.x-k8s.io': 'kmm.sigs.x-k8s.io/PreflightValidationOCP',
  },
  'gpu-operator-certified': {
    'clusterpolicies.nvidia.com': 'nvidia.com/ClusterPolicy',
    'nvidiadrivers.nvidia.com': 'nvidia.com/NVIDIADriver',
  },
  nfd: {
    'nodefeaturediscoveries.nfd.openshift.io': 'nfd.openshift.io/NodeFeatureDiscovery',
    'nodefeaturerules.nfd.k8s-sigs.io': 'nfd.k8s-sigs.io/NodeFeatureRule',
  },
};

const builds = new Map<string, any[]>();
/** `kubectl kustomize <dir>`, parsed; each folder is built once per test run. */
export function buildFolder(dir: string): any[] {
  if (!builds.has(dir)) builds.set(dir, parseYamlObjects(kustomizeBuild(dir)));
  return builds.get(dir)!;
}

const groupKind = (o: any) => `${String(o.apiVersion).includes('/') ? String(o.apiVersion).split('/')[0] : ''}/${o.kind}`;
const id = (o: any) => `${groupKind(o)} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
/** fluxcd/pkg ssa utils `IsClusterDefinition`. */
const isClusterDefinition = (o: any) => ['apiextensions.k8s.io/CustomResourceDefinition', '/Namespace', 'rbac.authorization.k8s.io/ClusterRole'].includes(groupKind(o));
/** fluxcd/pkg ssa utils `IsClassDefinition`. */
const isClassDefinition = (o: any) => String(o.kind).endsWith('Class');

/** One cluster's API, as far as applying objects goes. */
export class ModelCluster {
  /** group/kind the API server serves. */
  public readonly kinds = new Set<string>(OPENSHIFT_KINDS);
  /** Existing objects by `group/kind namespace/name`. */
  public readonly objects = new Map<string, any>();
  /** CRD names that exist. */
  public readonly crds = new Set<string>();

  /** Installs CRDs ahead of time (an operator the administrator installed). */
  public preinstall(pkg: string): void {
    for (const [crd, kind] of Object.entries(OPERATOR_CRDS[pkg])) { this.crds.add(crd); this.kinds.add(kind); }
  }

  /** The server-side dry run of one object: undefined when it would apply, else the error. */
  public dryRun(o: any): string | undefined {
    if (!this.kinds.has(groupKind(o))) return `${id(o)}: no matches for kind "${o.kind}" in version "${o.apiVersion}"`;
    const ns = o.metadata.namespace;
    if (ns !== undefined && !this.objects.has(`/Namespace /${ns}`)) {
      return `${id(o)}: namespaces "${ns}" not found`;
    }
    return undefined;
  }

  /** fluxcd/pkg `ApplyAll`: dry-run the whole stage, return on the first error, else apply it all. */
  public applyAll(stage: ReadonlyArray<any>): string | undefined {
    for (const o of stage) {
      // Namespaces of the same stage do not exist yet during its dry run.
      const error = this.dryRun(o);
      if (error) return error;
    }
    for (const o of stage) {
      this.objects.set(id(o), o);
      if (groupKind(o) === 'apiextensions.k8s.io/CustomResourceDefinition') this.crds.add(o.metadata.name);
    }
    return undefined;
  }

  /** fluxcd/pkg `ApplyAllStaged`: cluster definitions, then class definitions, then the rest. */
  public applyAllStaged(objects: ReadonlyArray<any>): string | undefined {
    const defs = objects.filter(isClusterDefinition);
    const classes = objects.filter((o) => !isClusterDefinition(o) && isClassDefinition(o));
    const rest = objects.filter((o) => !isClusterDefinition(o) && !isClassDefinition(o));
    for (const stage of [defs, classes, rest]) {
      if (stage.length === 0) continue;
      const error = this.applyAll(stage);
      if (error) return error;
    }
    return undefined;
  }

  /** OLM: every Subscription in a Namespace with an OperatorGroup installs its operator's CRDs. */
  public runOlm(): void {
    for (const o of this.objects.values()) {
      if (groupKind(o) !== 'operators.coreos.com/Subscription') continue;
      const ns = o.metadata.namespace;
      const hasGroup = [...this.objects.values()].some((g) => groupKind(g) === 'operators.coreos.com/OperatorGroup' && g.metadata.namespace === ns);
      const crds = OPERATOR_CRDS[o.spec.name];
      if (hasGroup && crds) for (const [crd, kind] of Object.entries(crds)) { this.crds.add(crd); this.kinds.add(kind); }
    }
  }
}

/** The state of one Kustomization after a reconciliation. */
export interface KustomizationStatus {
  readonly ready: boolean;
  readonly message: string;
}

/**
 * Reconciles the Kustomizations (in the given order, each once per round, as the controller's
 * queue would) until all are Ready or `rounds` have passed; OLM runs between rounds. Folders
 * (`spec.path`) are built with `kubectl kustomize`, relative to `repoRoot`.
 */
export function reconcile(cluster: ModelCluster, kustomizations: ReadonlyArray<any>, repoRoot: string, rounds = 10): Map<string, KustomizationStatus> {
  const status = new Map<string, KustomizationStatus>(kustomizations.map((k) => [k.metadata.name, { ready: false, message: 'not reconciled' }]));
  const built = new Map(kustomizations.map((k) => [k.metadata.name, buildFolder(path.resolve(repoRoot, k.spec.path))]));
  for (let round = 0; round < rounds && [...status.values()].some((s) => !s.ready); round++) {
    for (const k of kustomizations) {
      const name = k.metadata.name;
      if (k.spec.suspend === true) continue; // a suspended Kustomization keeps its last status
      const blocked = (k.spec.dependsOn ?? []).find((d: any) => !status.get(d.name)?.ready);
      if (blocked) { status.set(name, { ready: false, message: `dependency '${blocked.name}' is not ready` }); continue; }
      const error = cluster.applyAllStaged(built.get(name)!);
      if (error) { status.set(name, { ready: false, message: `apply failed: ${error}` }); continue; }
      const checks: any[] = k.spec.wait ? [] : (k.spec.healthChecks ?? []);
      const missing = checks.find((c) => c.kind === 'CustomResourceDefinition' ? !cluster.crds.has(c.name) : !cluster.objects.has(id({ ...c, metadata: c })));
      status.set(name, missing ? { ready: false, message: `health check failed: ${missing.kind} ${missing.name} not found` } : { ready: true, message: 'applied' });
    }
    cluster.runOlm();
  }
  return status;
}

/** The key of an object in `ModelCluster.objects`. */
export function objectKey(o: any): string {
  return id(o);
}
