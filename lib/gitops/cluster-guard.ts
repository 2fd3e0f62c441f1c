import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { CLUSTER_LABEL } from '../labels';

/** Props of `ClusterIdentityGuard`. */
export interface ClusterIdentityGuardProps {
  /** The fleet's cluster name (the value of the `cdk8s-kmods.io/cluster` label on its objects). */
  readonly cluster: string;
  /** The cluster's ClusterVersion `spec.clusterID`. */
  readonly clusterID: string;
  /** Labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Name of a cluster's guard policy and binding. */
export function clusterGuardName(cluster: string): string {
  return `cdk8s-kmods-guard-${cluster}`;
}

/**
 * Refuses, on any cluster but the right one, every object labelled
 * `cdk8s-kmods.io/cluster: <cluster>`: a ValidatingAdmissionPolicy (Kubernetes 1.30, OpenShift
 * 4.17+) whose parameter is the cluster's own `ClusterVersion/version`, with a CEL rule comparing
 * its `spec.clusterID` with the one in the fleet. Applied first (the `setup/` folder, and the
 * per-cluster bootstrap), so a bootstrap folder applied on the wrong cluster, or a hub
 * destination that points at the wrong cluster, creates no MachineConfig, pool or loader there
 * (it creates only this policy, which matches nothing of that cluster's own).
 */
export class ClusterIdentityGuard extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ClusterIdentityGuardProps) {
    super(scope, id);
    this.name = clusterGuardName(props.cluster);
    const labels = { ...props.labels };
    new ApiObject(this, 'Policy', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: this.name, labels },
      spec: {
        failurePolicy: 'Fail',
        paramKind: { apiVersion: 'config.openshift.io/v1', kind: 'ClusterVersion' },
        matchConstraints: {
          objectSelector: { matchLabels: { [CLUSTER_LABEL]: props.cluster } },
          resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['*'], scope: '*' }],
        },
        validations: [{
          expression: `params.spec.clusterID == '${props.clusterID}'`,
          message: `this object belongs to fleet cluster ${props.cluster} (clusterID ${props.clusterID}), and this cluster has another clusterID: its GitOps bootstrap or destination points at the wrong cluster`,
          reason: 'Forbidden',
        }],
      },
    });
    new ApiObject(this, 'Binding', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: this.name, labels },
      spec: {
        policyName: this.name,
        paramRef: { name: 'version', parameterNotFoundAction: 'Deny' },
        validationActions: ['Deny'],
      },
    });
  }
}
