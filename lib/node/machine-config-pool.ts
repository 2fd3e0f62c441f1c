import { Construct } from 'constructs';
import * as mco from '../imports/machineconfiguration.openshift.io';
import { ProblemCollector } from '../errors';

/** The label every MachineConfig carries to say which pool renders it. */
export const ROLE_LABEL = 'machineconfiguration.openshift.io/role';

/** Node role labels of the control plane: a node that has one stays in the master pool and ignores custom pools. */
const CONTROL_PLANE_ROLE_LABELS = ['node-role.kubernetes.io/master', 'node-role.kubernetes.io/control-plane'];

/**
 * Records a problem when a custom pool selects control-plane nodes: the MCO keeps such a node in
 * the master pool and silently ignores the custom pool's MachineConfigs.
 */
export function checkNodeSelectorRoles(nodeSelector: Readonly<Record<string, string>>, problems: ProblemCollector, path: ReadonlyArray<string | number>): void {
  for (const key of Object.keys(nodeSelector)) {
    if (CONTROL_PLANE_ROLE_LABELS.includes(key)) {
      problems.add([...path, key], 'custom pools on control-plane nodes are ignored by the MCO (the node stays in the master pool)', key,
        'labels of worker nodes, e.g. node-role.kubernetes.io/<pool>: ""');
    }
  }
}

export interface MachineConfigPoolProps {
  /** Pool name; also the role that its MachineConfigs carry in `machineconfiguration.openshift.io/role`. */
  readonly name: string;
  /** Labels a node must have to join the pool (`spec.nodeSelector.matchLabels`). */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Nodes updated (drained and rebooted) at a time. */
  readonly maxUnavailable: number | string;
  /** Extra labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A custom MachineConfigPool that inherits everything from `worker` (required by the MCO's
 * admission policy from OpenShift 4.18) and adds the MachineConfigs of its own role.
 * It has no `paused` field: pausing belongs to the administrator (an EUS-to-EUS upgrade pauses
 * the worker and custom pools), and a `paused: false` in Git would make a server-side-applying
 * engine such as Flux take the field over and unpause the pool at its next reconciliation.
 */
export class MachineConfigPool extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: MachineConfigPoolProps) {
    super(scope, id);
    this.name = props.name;
    new mco.MachineConfigPool(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: {
          ...props.labels,
          [`pools.operator.machineconfiguration.openshift.io/${props.name}`]: '',
        },
      },
      spec: {
        machineConfigSelector: {
          matchExpressions: [{ key: ROLE_LABEL, operator: 'In', values: ['worker', props.name] }],
        },
        nodeSelector: { matchLabels: { ...props.nodeSelector } },
        maxUnavailable: typeof props.maxUnavailable === 'number'
          ? mco.MachineConfigPoolSpecMaxUnavailable.fromNumber(props.maxUnavailable)
          : mco.MachineConfigPoolSpecMaxUnavailable.fromString(props.maxUnavailable),
      },
    });
  }
}
