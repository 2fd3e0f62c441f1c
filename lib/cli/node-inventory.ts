import { CliError } from './cli-io';

/** One node as `oc get nodes -o json` shows it, reduced to what the checks read. */
export interface InventoryNode {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `status.nodeInfo.kernelVersion` (`uname -r` of the running kernel). */
  readonly kernel: string;
  /** `status.nodeInfo.osImage`, e.g. `Red Hat Enterprise Linux CoreOS 418.94.202501221327-0 (Plow)`. */
  readonly osImage: string;
  /** `spec.unschedulable`: cordoned, e.g. drained by the MCO for an update. */
  readonly unschedulable: boolean;
  /** Taint keys with their effects, e.g. `node.kubernetes.io/unschedulable:NoSchedule`. */
  readonly taints: ReadonlyArray<string>;
  /** The `Ready` condition is True. */
  readonly ready: boolean;
  /** The MCO's `machineconfiguration.openshift.io/state` annotation (Done, Working, Degraded). */
  readonly mcoState?: string;
}

/**
 * Reads the output of `oc get nodes -o json` (a `List` of `Node`s; a single `Node` is accepted
 * too). Fails naming the item and field that is missing.
 */
export function parseNodeInventory(data: unknown, source: string): InventoryNode[] {
  const items = isObject(data) && Array.isArray(data.items) ? data.items
    : isObject(data) && data.kind === 'Node' ? [data] : undefined;
  if (!items) throw new CliError(`${source}: not the output of "oc get nodes -o json" (expected a List with items)`);
  return items.map((item, i) => {
    const where = `${source}: items[${i}]`;
    if (!isObject(item) || item.kind !== undefined && item.kind !== 'Node') throw new CliError(`${where}: not a Node`);
    const metadata = isObject(item.metadata) ? item.metadata : {};
    const name = metadata.name;
    if (typeof name !== 'string' || name === '') throw new CliError(`${where}: metadata.name is missing`);
    const status = isObject(item.status) ? item.status : {};
    const nodeInfo = isObject(status.nodeInfo) ? status.nodeInfo : {};
    const kernel = nodeInfo.kernelVersion;
    if (!NODE_NAME.test(name) || name.length > 253) throw new CliError(`${where}: metadata.name ${JSON.stringify(name)} is not a node name (a DNS subdomain)`);
    if (typeof kernel !== 'string' || kernel === '') throw new CliError(`${where} (node ${name}): status.nodeInfo.kernelVersion is missing`);
    if (!KERNEL_RELEASE.test(kernel)) throw new CliError(`${where} (node ${name}): status.nodeInfo.kernelVersion ${JSON.stringify(kernel)} is not a kernel release`);
    const spec = isObject(item.spec) ? item.spec : {};
    const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isObject) : [];
    const annotations = isObject(metadata.annotations) ? metadata.annotations : {};
    const mcoState = annotations['machineconfiguration.openshift.io/state'];
    return {
      name,
      labels: stringMap(metadata.labels),
      kernel,
      osImage: typeof nodeInfo.osImage === 'string' ? nodeInfo.osImage : '',
      unschedulable: spec.unschedulable === true,
      taints: (Array.isArray(spec.taints) ? spec.taints.filter(isObject) : []).map((t) => `${String(t.key)}:${String(t.effect)}`),
      ready: conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
      ...(typeof mcoState === 'string' ? { mcoState } : {}),
    };
  }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * True when the node's labels satisfy a MachineConfigPool's `nodeSelector.matchLabels` (every
 * key present with the same value), as `metav1.LabelSelectorAsSelector` reads it in the MCO's
 * node controller (machine-config-operator pkg/controller/node/node_controller.go, getPoolsForNode).
 */
export function matchesSelector(labels: Readonly<Record<string, string>>, selector: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector).every(([k, v]) => Object.prototype.hasOwnProperty.call(labels, k) && labels[k] === v);
}

/** The RHCOS build in `osImage` (`… CoreOS 418.94.202501221327-0 (Plow)`), when it names one. */
export function rhcosBuildOf(osImage: string): string | undefined {
  return /\b(\d{2,3}\.\d+\.\d{12}-\d+)\b/.exec(osImage)?.[1];
}

/** A node's name: a DNS-1123 subdomain (Kubernetes validates it so; a file may hold anything). */
const NODE_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/** What `uname -r` prints: no spaces, quotes or markup, at most 128 characters. */
const KERNEL_RELEASE = /^[A-Za-z0-9._+~-]{1,128}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringMap(v: unknown): Record<string, string> {
  if (!isObject(v)) return {};
  return Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as Record<string, string>;
}
