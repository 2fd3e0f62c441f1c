import * as olm from '../../imports/operators.coreos.com';
import { KubeNamespace } from '../../k8s';
import { Construct } from 'constructs';

/** When OLM installs operator updates. */
export enum InstallPlanApproval {
  /** Updates in the channel install as soon as they appear. */
  AUTOMATIC = 'Automatic',
  /** Each update waits for an administrator to approve its InstallPlan. */
  MANUAL = 'Manual',
}

/** Props of `KmmOperatorInstall`. */
export interface KmmOperatorInstallProps {
  /** Namespace of the operator. @default "openshift-kmm" */
  readonly namespace?: string;
  /** Subscription channel. @default "stable" */
  readonly channel?: string;
  /** CatalogSource of the package. @default "redhat-operators" */
  readonly source?: string;
  /** Namespace of the CatalogSource. @default "openshift-marketplace" */
  readonly sourceNamespace?: string;
  /** How updates are approved. @default InstallPlanApproval.AUTOMATIC */
  readonly installPlanApproval?: InstallPlanApproval;
  /** Labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The OLM package of Kernel Module Management (OpenShift edition). */
export const KMM_PACKAGE = 'kernel-module-management';

/**
 * Installs the Kernel Module Management operator through OLM, as KMM documents it: Namespace
 * `openshift-kmm`, an OperatorGroup (all namespaces) and a Subscription to package
 * `kernel-module-management`. These objects carry no sync wave of their own; they must sync
 * before the Modules (see the README for the wave order).
 */
export class KmmOperatorInstall extends Construct {
  /** The operator's namespace. */
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: KmmOperatorInstallProps = {}) {
    super(scope, id);
    this.namespace = props.namespace ?? 'openshift-kmm';
    const labels = { ...props.labels };
    new KubeNamespace(this, 'Namespace', { metadata: { name: this.namespace, labels } });
    new olm.OperatorGroup(this, 'OperatorGroup', {
      metadata: { name: KMM_PACKAGE, namespace: this.namespace, labels },
    });
    new olm.Subscription(this, 'Resource', {
      metadata: { name: KMM_PACKAGE, namespace: this.namespace, labels },
      spec: {
        channel: props.channel ?? 'stable',
        installPlanApproval: props.installPlanApproval ?? InstallPlanApproval.AUTOMATIC,
        name: KMM_PACKAGE,
        source: props.source ?? 'redhat-operators',
        sourceNamespace: props.sourceNamespace ?? 'openshift-marketplace',
      },
    });
  }
}
