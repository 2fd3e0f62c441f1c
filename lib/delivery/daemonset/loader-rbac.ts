import { KubeRoleBinding, KubeServiceAccount } from '../../k8s';
import { Construct } from 'constructs';

/** The ClusterRole OpenShift ships that grants `use` of the `privileged` SCC, and nothing else. */
export const PRIVILEGED_SCC_CLUSTER_ROLE = 'system:openshift:scc:privileged';

export interface LoaderRbacProps {
  /** The module (catalog name) whose loaders run under this ServiceAccount. */
  readonly moduleName: string;
  /** Namespace of the loaders. */
  readonly namespace: string;
  /** Labels of both objects. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * One ServiceAccount per module, `<module>-loader`, allowed to use the `privileged` SCC in the
 * loader namespace only: a RoleBinding (not a ClusterRoleBinding) to OpenShift's
 * `system:openshift:scc:privileged` ClusterRole. The SA gets no API permissions (loaders never
 * call the API server) and does not mount a token.
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
      automountServiceAccountToken: false,
    });
    new KubeRoleBinding(this, 'PrivilegedScc', {
      metadata: { name: `${this.serviceAccountName}-privileged-scc`, namespace: props.namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: PRIVILEGED_SCC_CLUSTER_ROLE },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccountName, namespace: props.namespace }],
    });
  }
}
