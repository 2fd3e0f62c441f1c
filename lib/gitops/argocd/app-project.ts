import * as argo from '../../imports/argoproj.io';
import { Construct } from 'constructs';
import { KindPolicy } from '../sync-policy';

/** Where one Application may deploy: a server URL or a registered cluster name, and a namespace. */
export type AppProjectDestination = ({ readonly server: string } | { readonly name: string }) & {
  /** Namespace. */
  readonly namespace: string;
};

export interface ArgoCdAppProjectProps {
  /** Project name. */
  readonly name: string;
  /** Namespace of the Argo CD instance. */
  readonly namespace: string;
  /** The only repository the project's Applications may use. */
  readonly repoURL: string;
  /** Every (server, namespace) the fleet's Applications deploy to. */
  readonly destinations: ReadonlyArray<AppProjectDestination>;
  /** The kinds the fleet generates; exactly these are whitelisted. */
  readonly kinds: ReadonlyArray<KindPolicy>;
  /**
   * Sync windows: each allows automated syncs of the matching Applications only while it is
   * open (manual syncs stay possible). @default - none
   */
  readonly syncWindows?: ReadonlyArray<{ schedule: string; duration: string; timeZone: string; applications: ReadonlyArray<string> }>;
  /** Labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * An Argo CD AppProject that allows exactly the kinds the fleet generates (cluster-scoped and
 * namespaced whitelists derived from the rendered manifests), from one repository, to the
 * fleet's destinations only.
 */
export class ArgoCdAppProject extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ArgoCdAppProjectProps) {
    super(scope, id);
    this.name = props.name;
    const whitelist = (namespaced: boolean) =>
      props.kinds.filter((k) => k.namespaced === namespaced).map((k) => ({ group: k.group, kind: k.kind }));
    new argo.AppProject(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: { ...props.labels } },
      spec: {
        description: 'cdk8s-kmods: kernel modules, node pools and MachineConfigs synthesized per cluster',
        sourceRepos: [props.repoURL],
        destinations: props.destinations.map((d) => ({ ...d })),
        clusterResourceWhitelist: whitelist(false),
        namespaceResourceWhitelist: whitelist(true),
        ...(props.syncWindows && props.syncWindows.length > 0 ? {
          syncWindows: props.syncWindows.map((w) => ({
            kind: 'allow', schedule: w.schedule, duration: w.duration, timeZone: w.timeZone, applications: [...w.applications], manualSync: true,
          })),
        } : {}),
      },
    });
  }
}
