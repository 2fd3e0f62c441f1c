import { Construct } from 'constructs';
import { KubeClusterRole, KubeClusterRoleBinding, PolicyRule } from '../k8s';
import { KindPolicy } from './sync-policy';

/** Verbs the application controller needs on every kind it applies and prunes. */
export const MANAGE_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

export interface GitOpsControllerRbacProps {
  /** Name of the ClusterRole and its ClusterRoleBinding. */
  readonly name: string;
  /** The kinds the fleet generates. */
  readonly kinds: ReadonlyArray<KindPolicy>;
  /** The rendered cluster objects (their Roles, ClusterRoles and bindings decide the escalation rules). */
  readonly objects: ReadonlyArray<any>;
  /** Namespace of the application controller's ServiceAccount. */
  readonly serviceAccountNamespace: string;
  /** The application controller's ServiceAccount. */
  readonly serviceAccountName: string;
  /** Labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Permissions for the OpenShift GitOps application controller, which by default cannot manage
 * MachineConfigs, KMM or build objects. Scoped to the kinds the fleet generates, plus what RBAC
 * requires to create the generated roles and bindings without the `escalate` verb: the rules of
 * every generated Role/ClusterRole, and `bind` on exactly the roles the generated bindings reference.
 */
export class GitOpsControllerRbac extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: GitOpsControllerRbacProps) {
    super(scope, id);
    this.name = props.name;
    const rules = controllerRules(props.kinds, props.objects);
    new KubeClusterRole(this, 'Resource', {
      metadata: { name: props.name, labels: { ...props.labels } },
      rules,
    });
    new KubeClusterRoleBinding(this, 'Binding', {
      metadata: { name: props.name, labels: { ...props.labels } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: props.name },
      subjects: [{ kind: 'ServiceAccount', name: props.serviceAccountName, namespace: props.serviceAccountNamespace }],
    });
  }
}

/** The ClusterRole rules: manage the generated kinds, hold the generated roles' rules, bind the referenced roles. */
export function controllerRules(kinds: ReadonlyArray<KindPolicy>, objects: ReadonlyArray<any>): PolicyRule[] {
  const byGroup = new Map<string, Set<string>>();
  for (const k of kinds) byGroup.set(k.group, (byGroup.get(k.group) ?? new Set()).add(k.resource));
  const rules: PolicyRule[] = [...byGroup.keys()].sort().map((group) => ({
    apiGroups: [group],
    resources: [...byGroup.get(group)!].sort(),
    verbs: [...MANAGE_VERBS],
  }));

  const seen = new Set(rules.map((r) => JSON.stringify(r)));
  const held: PolicyRule[] = [];
  const bindRefs = new Map<string, Set<string>>();
  for (const obj of objects) {
    if (groupOfObject(obj) !== 'rbac.authorization.k8s.io') continue;
    if ((obj.kind === 'Role' || obj.kind === 'ClusterRole') && Array.isArray(obj.rules)) {
      for (const rule of obj.rules) {
        const copy = normalizeRule(rule);
        const key = JSON.stringify(copy);
        if (!seen.has(key)) { seen.add(key); held.push(copy); }
      }
    }
    if ((obj.kind === 'RoleBinding' || obj.kind === 'ClusterRoleBinding') && obj.roleRef?.name) {
      const resource = obj.roleRef.kind === 'Role' ? 'roles' : 'clusterroles';
      bindRefs.set(resource, (bindRefs.get(resource) ?? new Set()).add(obj.roleRef.name));
    }
  }
  held.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const binds: PolicyRule[] = [...bindRefs.keys()].sort().map((resource) => ({
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: [resource],
    verbs: ['bind'],
    resourceNames: [...bindRefs.get(resource)!].sort(),
  }));
  return [...rules, ...held, ...binds];
}

function groupOfObject(obj: any): string {
  const v = String(obj?.apiVersion ?? '');
  return v.includes('/') ? v.slice(0, v.indexOf('/')) : '';
}

/** A rule with only the PolicyRule fields, in a fixed key order. */
function normalizeRule(rule: any): PolicyRule {
  const out: Record<string, string[]> = {};
  for (const key of ['apiGroups', 'resources', 'resourceNames', 'nonResourceURLs', 'verbs']) {
    if (Array.isArray(rule[key])) out[key] = [...rule[key]];
  }
  return out as unknown as PolicyRule;
}
