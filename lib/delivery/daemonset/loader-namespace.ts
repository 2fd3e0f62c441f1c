import { Construct } from 'constructs';
import { KubeNamespace } from '../../k8s';

export interface LoaderNamespaceProps {
  /** Namespace name. */
  readonly name: string;
}

/**
 * The namespace that holds the loaders, builds and their ServiceAccounts. Loaders are
 * privileged pods, so Pod Security admission is set to `privileged` here (and only here), and
 * OpenShift's SCC label sync is turned off so it does not rewrite those labels.
 */
export class LoaderNamespace extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: LoaderNamespaceProps) {
    super(scope, id);
    this.name = props.name;
    new KubeNamespace(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: {
          'pod-security.kubernetes.io/enforce': 'privileged',
          'pod-security.kubernetes.io/audit': 'privileged',
          'pod-security.kubernetes.io/warn': 'privileged',
          'security.openshift.io/scc.podSecurityLabelSync': 'false',
        },
      },
    });
  }
}
