import { SERVER_SIDE_APPLY_ANNOTATION } from '../labels';
import { Construct } from 'constructs';
import * as operator from '../imports/operator.openshift.io';
import { FleetValidationError, ProblemCollector } from '../errors';
import { OpenShiftRelease } from '../release/release-catalog';
import { checkFilePath } from './ignition';

/** Action types of a node disruption policy (`MachineConfiguration.spec.nodeDisruptionPolicy`). */
export enum NodeDisruptionActionType {
  /** Reboot the node (what happens to unlisted changes). */
  REBOOT = 'Reboot',
  /** Drain the node. */
  DRAIN = 'Drain',
  /** Reload a systemd service. */
  RELOAD = 'Reload',
  /** Restart a systemd service. */
  RESTART = 'Restart',
  /** `systemctl daemon-reload`. */
  DAEMON_RELOAD = 'DaemonReload',
  /** Write the file and do nothing else. */
  NONE = 'None',
}

/** The same action types in the generated MachineConfiguration classes (lib/imports). */
const TYPED_ACTION: Readonly<Record<NodeDisruptionActionType, operator.MachineConfigurationSpecNodeDisruptionPolicyFilesActionsType>> = {
  [NodeDisruptionActionType.REBOOT]: operator.MachineConfigurationSpecNodeDisruptionPolicyFilesActionsType.REBOOT,
  [NodeDisruptionActionType.DRAIN]: operator.MachineConfigurationSpecNodeDisruptionPolicyFilesActionsType.DRAIN,
  [NodeDisruptionActionType.RELOAD]: operator.MachineConfigurationSpecNodeDisruptionPolicyFilesActionsType.RELOAD,
  [NodeDisruptionActionType.RESTART]: operator.MachineConfigurationSpecNodeDisruptionPolicyFilesActionsType.RESTART,
  [NodeDisruptionActionType.DAEMON_RELOAD]: operator.MachineConfigurationSpecNodeDisruptionPolicyFilesActionsType.DAEMON_RELOAD,
  [NodeDisruptionActionType.NONE]: operator.MachineConfigurationSpecNodeDisruptionPolicyFilesActionsType.NONE,
};

const SERVICE_NAME = /^[a-zA-Z0-9:._\\-]+\.(service|socket|device|mount|automount|swap|target|path|timer|snapshot|slice|scope)$/;

/** One action the MCO takes after writing a changed file, instead of rebooting. */
export class NodeDisruptionAction {
  /** Write the file only. */
  public static none(): NodeDisruptionAction {
    return new NodeDisruptionAction(NodeDisruptionActionType.NONE);
  }

  /** Restart `serviceName` (e.g. `systemd-modules-load.service`). */
  public static restart(serviceName: string): NodeDisruptionAction {
    return new NodeDisruptionAction(NodeDisruptionActionType.RESTART, serviceName);
  }

  /** Reload `serviceName`. */
  public static reload(serviceName: string): NodeDisruptionAction {
    return new NodeDisruptionAction(NodeDisruptionActionType.RELOAD, serviceName);
  }

  /** Drain the node. */
  public static drain(): NodeDisruptionAction {
    return new NodeDisruptionAction(NodeDisruptionActionType.DRAIN);
  }

  /** `systemctl daemon-reload`. */
  public static daemonReload(): NodeDisruptionAction {
    return new NodeDisruptionAction(NodeDisruptionActionType.DAEMON_RELOAD);
  }

  private constructor(
    /** The action type. */
    public readonly type: NodeDisruptionActionType,
    /** The service of a Restart or Reload. @default - none */
    public readonly serviceName?: string,
  ) {}

  /** The action as the CRD wants it: `{type: Restart, restart: {serviceName}}`. */
  public render(): operator.MachineConfigurationSpecNodeDisruptionPolicyFilesActions {
    const type = TYPED_ACTION[this.type];
    if (this.type === NodeDisruptionActionType.RESTART) return { type, restart: { serviceName: this.serviceName! } };
    if (this.type === NodeDisruptionActionType.RELOAD) return { type, reload: { serviceName: this.serviceName! } };
    return { type };
  }

  /** `restart systemd-modules-load.service`, `none`, … */
  public describe(): string {
    const verb = this.type === NodeDisruptionActionType.DAEMON_RELOAD ? 'daemon-reload' : this.type.toLowerCase();
    return this.serviceName ? `${verb} ${this.serviceName}` : verb;
  }

  /** True when two actions are the same. */
  public equals(other: NodeDisruptionAction): boolean {
    return this.type === other.type && this.serviceName === other.serviceName;
  }
}

/** A file path (or a directory above files) and the actions that replace the reboot when it changes. */
export interface NodeDisruptionFilePolicy {
  /** Absolute path; a directory covers the files below it (the longest matching path wins). */
  readonly path: string;
  /** Actions in order; Reboot and None stand alone. At most 10. */
  readonly actions: ReadonlyArray<NodeDisruptionAction>;
}

export interface NodeDisruptionPolicyProps {
  /** File policies; the same path may appear more than once only with the same actions. */
  readonly files: ReadonlyArray<NodeDisruptionFilePolicy>;
  /** Extra labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The CRD's limits. */
const MAX_FILES = 50;
const MAX_ACTIONS = 10;


/**
 * The releases that support node disruption policies: the feature gate `NodeDisruptionPolicy` is
 * on by default from OpenShift 4.17 (TechPreview only in 4.16). During an upgrade both releases
 * must support it. Records a problem at `path` otherwise.
 */
export function checkNodeDisruptionPolicySupport(
  releases: ReadonlyArray<OpenShiftRelease>,
  problems: ProblemCollector,
  path: ReadonlyArray<string | number>,
): boolean {
  const unsupported = releases.filter((r) => !r.version.atLeast(4, 17));
  for (const release of unsupported) {
    problems.add(path, `release ${release.version} has no node disruption policies (on by default from 4.17), so module file changes would still reboot`,
      true, 'false, or releases 4.17 and later');
  }
  return unsupported.length === 0;
}

/**
 * Entries for the cluster's singleton `MachineConfiguration` named `cluster`
 * (`operator.openshift.io/v1`): `spec.nodeDisruptionPolicy.files` only. The object is owned by
 * the MCO and carries other settings, so this is a **partial object that must be applied with
 * server-side apply** (it never replaces the object). `files` is a map list keyed by `path`, so
 * other field managers' entries survive.
 */
export class NodeDisruptionPolicy extends Construct {
  /** The file policies, one per path, in path order. */
  public readonly files: ReadonlyArray<NodeDisruptionFilePolicy>;

  constructor(scope: Construct, id: string, props: NodeDisruptionPolicyProps) {
    super(scope, id);
    const problems = new ProblemCollector(['nodeDisruptionPolicy']);
    const byPath = new Map<string, NodeDisruptionFilePolicy>();
    props.files.forEach((file, i) => {
      const pathProblem = checkFilePath(file.path.replace(/\/$/, ''));
      if (pathProblem) problems.add(['files', i, 'path'], pathProblem, file.path);
      checkActions(file.actions, problems, ['files', i, 'actions']);
      const known = byPath.get(file.path);
      if (!known) byPath.set(file.path, file);
      else if (known.actions.length !== file.actions.length || known.actions.some((a, j) => !a.equals(file.actions[j]))) {
        problems.add(['files', i], 'the same path is given two different action lists', file.path);
      }
    });
    this.files = [...byPath.keys()].sort().map((p) => byPath.get(p)!);
    if (this.files.length > MAX_FILES) problems.add(['files'], `at most ${MAX_FILES} file policies fit in MachineConfiguration/cluster`, this.files.length);
    if (problems.problems.length > 0) throw new FleetValidationError(problems.problems);

    new operator.MachineConfiguration(this, 'Resource', {
      metadata: {
        name: 'cluster',
        labels: { ...props.labels },
        annotations: { [SERVER_SIDE_APPLY_ANNOTATION]: 'required' },
      },
      spec: {
        nodeDisruptionPolicy: {
          files: this.files.map((f) => ({ path: f.path, actions: f.actions.map((a) => a.render()) })),
        },
      },
    });
  }
}

function checkActions(actions: ReadonlyArray<NodeDisruptionAction>, problems: ProblemCollector, path: ReadonlyArray<string | number>): void {
  if (actions.length === 0 || actions.length > MAX_ACTIONS) problems.add(path, `give 1 to ${MAX_ACTIONS} actions`, actions.length);
  const standalone = actions.find((a) => a.type === NodeDisruptionActionType.REBOOT || a.type === NodeDisruptionActionType.NONE);
  if (standalone && actions.length > 1) problems.add(path, `the ${standalone.type} action must stand alone`, actions.map((a) => a.type));
  actions.forEach((action, i) => {
    if (!Object.values(NodeDisruptionActionType).includes(action.type)) {
      problems.add([...path, i, 'type'], 'unknown action type', action.type, Object.values(NodeDisruptionActionType).join(', '));
    }
    const needsService = action.type === NodeDisruptionActionType.RESTART || action.type === NodeDisruptionActionType.RELOAD;
    if (needsService && (typeof action.serviceName !== 'string' || action.serviceName.length > 255 || !SERVICE_NAME.test(action.serviceName))) {
      problems.add([...path, i, 'serviceName'], 'not a systemd service name', action.serviceName, 'e.g. systemd-modules-load.service, at most 255 characters');
    }
  });
}

