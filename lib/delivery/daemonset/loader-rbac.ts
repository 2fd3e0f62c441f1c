import { KubeClusterRoleBinding, KubeRoleBinding, KubeServiceAccount } from '../../k8s';
import { boundedName } from './loader-daemon-set';
import { NODE_LABEL_POLICY_NAME } from './node-label-policy';
import { Construct } from 'constructs';

/** The ClusterRole OpenShift ships that grants `use` of the `privileged` SCC, and nothing else. */
export const PRIVILEGED_SCC_CLUSTER_ROLE = 'system:openshift:scc:privileged';

export interface LoaderRbacProps {
  /** The module (catalog name) whose loaders run under this ServiceAccount. */
  readonly moduleName: string;
  /** Namespace of the loaders. */
  readonly namespace: string;
  /** Bind the ServiceAccount to the node-label ClusterRole. @default true */
  readonly nodeLabel?: boolean;
  /** Labels of every object. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * One ServiceAccount per module, `<module>-loader`, allowed to use the `privileged` SCC in the
 * loader namespace only (a RoleBinding to OpenShift's `system:openshift:scc:privileged`
 * ClusterRole), and bound to the `kmods-loader-node-label` ClusterRole (get and patch nodes),
 * which the `NodeLabelPolicy` admission policy narrows to its own label key on its own node.
 */
export class LoaderRbac extends Construct {
  /** The ServiceAccount's name. */
  public readonly serviceAccountName: string;

  constructor(scope: Construct, id: string, props: LoaderRbacProps) {
    super(scope, id);
    this.serviceAccountName = `${props.moduleName}-loader`;
    const labels = { ...props.labels };
    new KubeServiceAccount(this, 'Resource', {
      metadata: { name: this.serviceAccountName, namespace: props.namespace, labels },
      ...(props.nodeLabel === false ? { automountServiceAccountToken: false } : {}),
    });
    new KubeRoleBinding(this, 'PrivilegedScc', {
      metadata: { name: `${this.serviceAccountName}-privileged-scc`, namespace: props.namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: PRIVILEGED_SCC_CLUSTER_ROLE },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccountName, namespace: props.namespace }],
    });
    if (props.nodeLabel === false) return;
    new KubeClusterRoleBinding(this, 'NodeLabel', {
      metadata: { name: boundedName([NODE_LABEL_POLICY_NAME, props.namespace, props.moduleName], 253), labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: NODE_LABEL_POLICY_NAME },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccountName, namespace: props.namespace }],
    });
  }
}
