import { ApiObject } from 'cdk8s';
import { KubeClusterRole } from '../../k8s';
import { Construct } from 'constructs';

/** Name of the ClusterRole, the ValidatingAdmissionPolicy and its binding. */
export const NODE_LABEL_POLICY_NAME = 'kmods-loader-node-label';
/** The `userInfo.extra` key the API server fills from a pod-bound token with the pod's node (Kubernetes 1.30+, OpenShift 4.17+). */
export const NODE_NAME_EXTRA = 'authentication.kubernetes.io/node-name';

/** One loader ServiceAccount and the only node label key it may touch. */
export interface LoaderLabelGrant {
  /** Namespace of the ServiceAccount. */
  readonly namespace: string;
  /** The ServiceAccount's name. */
  readonly serviceAccountName: string;
  /** The node label key its loader sets and removes. */
  readonly labelKey: string;
}

export interface NodeLabelPolicyProps {
  /** Every loader ServiceAccount of the cluster with its label key (at least one). */
  readonly grants: ReadonlyArray<LoaderLabelGrant>;
  /** Labels of every object. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** `system:serviceaccount:<namespace>:<name>`, the username a ServiceAccount token authenticates as. */
export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** A CEL string literal (the inputs are validated names, but quote properly anyway). */
function celString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The CEL expressions of the policy, exported for the tests that evaluate them. */
export function nodeLabelPolicyExpressions(grants: ReadonlyArray<LoaderLabelGrant>) {
  const keys = `{${grants.map((g) => `${celString(serviceAccountUser(g.namespace, g.serviceAccountName))}: ${celString(g.labelKey)}`).join(', ')}}`;
  const orEmpty = (path: string): string => `(has(${path}) ? ${path} : {})`;
  return {
    matchCondition: `request.userInfo.username in ${keys}`,
    variables: {
      ownKey: `${keys}[request.userInfo.username]`,
      oldLabels: orEmpty('oldObject.metadata.labels'),
      newLabels: orEmpty('object.metadata.labels'),
    },
    validations: [
      {
        expression: `has(request.userInfo.extra) && ${celString(NODE_NAME_EXTRA)} in request.userInfo.extra`
          + ` && request.userInfo.extra[${celString(NODE_NAME_EXTRA)}].exists(n, n == object.metadata.name)`,
        message: 'a kmods loader may change only the node its pod runs on',
      },
      {
        expression: 'variables.newLabels.all(k, k == variables.ownKey || (k in variables.oldLabels && variables.oldLabels[k] == variables.newLabels[k]))'
          + ' && variables.oldLabels.all(k, k == variables.ownKey || k in variables.newLabels)',
        message: 'a kmods loader may set or remove only its own module label on the node',
      },
      {
        expression: `object.spec == oldObject.spec && ${orEmpty('object.metadata.annotations')} == ${orEmpty('oldObject.metadata.annotations')}`,
        message: 'a kmods loader may not change the node\'s spec (taints, unschedulable) or annotations',
      },
    ],
  };
}

/**
 * The loaders' only API permission, kept minimal: a ClusterRole to get and patch nodes (RBAC
 * cannot narrow that to one node or one label), and a ValidatingAdmissionPolicy that lets each
 * loader ServiceAccount change nothing but its own module's label key, and only on the node its
 * pod runs on (the node name the API server reads from the pod-bound token). Bindings of the
 * ClusterRole are per module (`LoaderRbac`).
 */
export class NodeLabelPolicy extends Construct {
  constructor(scope: Construct, id: string, props: NodeLabelPolicyProps) {
    super(scope, id);
    if (props.grants.length === 0) throw new Error('NodeLabelPolicy: no loader ServiceAccounts');
    const labels = { ...props.labels };
    const cel = nodeLabelPolicyExpressions(props.grants);
    new KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: NODE_LABEL_POLICY_NAME, labels },
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch'] }],
    });
    new ApiObject(this, 'Policy', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: NODE_LABEL_POLICY_NAME, labels },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['nodes'] }],
        },
        matchConditions: [{ name: 'kmods-loader-service-accounts', expression: cel.matchCondition }],
        variables: Object.entries(cel.variables).map(([name, expression]) => ({ name, expression })),
        validations: cel.validations.map((v) => ({ ...v, reason: 'Forbidden' })),
      },
    });
    new ApiObject(this, 'Binding', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: NODE_LABEL_POLICY_NAME, labels },
      spec: { policyName: NODE_LABEL_POLICY_NAME, validationActions: ['Deny'] },
    });
  }
}
