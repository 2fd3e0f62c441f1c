import * as olm from '../../imports/operators.coreos.com';
import * as nfd from '../../imports/nfd.openshift.io';
import { KubeNamespace } from '../../k8s';
import { Construct } from 'constructs';

/** Namespace the NFD operator and its operands run in (the one Red Hat documents). */
export const NFD_NAMESPACE = 'openshift-nfd';

export interface NodeFeatureDiscoveryProps {
  /** OLM channel of the `nfd` package. @default "stable" */
  readonly channel?: string;
  /** Catalog the package comes from. @default "redhat-operators" */
  readonly source?: string;
  /** Labels of every object. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Installs Red Hat's Node Feature Discovery operator through OLM and starts NFD with a
 * `NodeFeatureDiscovery` instance, for workloads that want NFD's node labels. Loaders do not need
 * it: each loader pod carries every kernel's build and picks the one for `uname -r`.
 *
 * The instance's kind only exists once OLM has installed the operator's CRD, so it carries
 * Argo CD's `SkipDryRunOnMissingResource`; with Flux, apply it from a Kustomization that
 * depends on the operator being ready (or let the first reconciliations fail until it is).
 */
export class NodeFeatureDiscovery extends Construct {
  constructor(scope: Construct, id: string, props: NodeFeatureDiscoveryProps = {}) {
    super(scope, id);
    const labels = { ...props.labels };
    new KubeNamespace(this, 'Namespace', { metadata: { name: NFD_NAMESPACE, labels } });
    new olm.OperatorGroup(this, 'OperatorGroup', {
      metadata: { name: NFD_NAMESPACE, namespace: NFD_NAMESPACE, labels },
      spec: { targetNamespaces: [NFD_NAMESPACE] },
    });
    new olm.Subscription(this, 'Subscription', {
      metadata: { name: 'nfd', namespace: NFD_NAMESPACE, labels },
      spec: {
        channel: props.channel ?? 'stable',
        installPlanApproval: 'Automatic',
        name: 'nfd',
        source: props.source ?? 'redhat-operators',
        sourceNamespace: 'openshift-marketplace',
      },
    });
    new nfd.NodeFeatureDiscovery(this, 'Resource', {
      metadata: {
        name: 'nfd-instance',
        namespace: NFD_NAMESPACE,
        labels,
      },
      // The operator fills in the operand image (its NODE_FEATURE_DISCOVERY_IMAGE) and NFD's
      // default worker configuration, whose kernel source labels kernel-version.full.
      spec: { operand: {} },
    });
  }
}
