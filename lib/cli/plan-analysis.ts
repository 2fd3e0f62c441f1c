import { isDeepStrictEqual } from 'util';
import { BUILD_INPUTS_ANNOTATION, KERNEL_ANNOTATION, MODULE_LABEL, REBOOT_REASON_ANNOTATION, REBOOTLESS_ANNOTATION, REBOOTS_POOL_ANNOTATION } from '../labels';
import { KernelVersion, NFD_KERNEL_LABEL } from '../release/kernel-version';
import { ClusterFacts, PoolFacts } from './fleet-facts';
import { InventoryNode, matchesSelector } from './node-inventory';
import { changedPaths, FolderChanges, ObjectChange, OutputObject } from './output-diff';

const MCO_ROLE_LABEL = 'machineconfiguration.openshift.io/role';

/** What one pull request does to one cluster, as a reviewer needs it. */
export interface ClusterChangePlan {
  readonly cluster: string;
  /** Pools whose nodes are drained and rebooted, with every reason. */
  readonly reboots: ReadonlyArray<{ readonly pool: string; readonly nodes: string; readonly reasons: ReadonlyArray<string> }>;
  /** Node configuration changes that apply without a reboot. */
  readonly rebootless: ReadonlyArray<string>;
  /** Module builds, loads, reloads and unloads, one line each. */
  readonly modules: ReadonlyArray<string>;
  /** Objects Argo CD / Flux delete (prune) because they left the output. */
  readonly pruned: ReadonlyArray<string>;
  /** Objects that left the output but stay on the cluster (Prune=false / prune: disabled). */
  readonly keptOnCluster: ReadonlyArray<string>;
  /** Other objects added, changed or removed. */
  readonly other: ReadonlyArray<string>;
  readonly warnings: ReadonlyArray<string>;
}

/** The context a plan is judged in: the new output's fleet facts and, when given, the cluster's nodes. */
export interface PlanContext {
  readonly facts?: ClusterFacts;
  readonly nodes?: ReadonlyArray<InventoryNode>;
  /** True when the module's loader (in the base output) leaves the module loaded when it stops. */
  readonly keepsLoaded?: (module: string) => boolean;
}

/** Reads the effect of a cluster folder's changes, as the MCO, the loaders, KMM and the GitOps engines act on them. */
export function analyseCluster(folder: FolderChanges, context: PlanContext): ClusterChangePlan {
  const reboots = new Map<string, string[]>();
  const rebootless: string[] = [];
  const modules: string[] = [];
  const pruned: string[] = [];
  const kept: string[] = [];
  const other: string[] = [];
  const warnings: string[] = [];
  const quiet: Array<{ pool: string; text: string }> = [];
  const reboot = (pool: string, reason: string): void => { reboots.set(pool, [...(reboots.get(pool) ?? []), reason]); };
  const pool = (name: string): PoolFacts | undefined => context.facts?.pools.find((p) => p.name === name);

  for (const c of folder.changes) {
    const obj = (c.after ?? c.before)!;
    const label = `${c.kind} \`${c.name}\``;
    if (c.change === 'removed') {
      if (isPruneProtected(obj)) kept.push(`${label}: left on the cluster (Prune=false); ${removalHint(c)}`);
      else pruned.push(label);
    }
    switch (c.kind) {
      case 'MachineConfig': {
        const role = obj.metadata.labels?.[MCO_ROLE_LABEL] ?? '?';
        if (c.change === 'removed') {
          warnings.push(`MachineConfig \`${c.name}\` left the output but stays on the cluster: pool \`${role}\` keeps its settings until it is deleted by hand (which reboots the pool)`);
          break;
        }
        const effect = machineConfigEffect(c);
        if (effect.reboots) reboot(role, `${label} ${c.change}: ${effect.reason}`);
        else quiet.push({ pool: role, text: `${label} ${c.change}: ${effect.reason}` });
        break;
      }
      case 'MachineConfigPool': {
        if (c.change === 'added') other.push(`pool \`${c.name}\` created: nodes matching ${JSON.stringify(selectorOf(obj))} leave \`worker\` and reboot into the pool's rendered config`);
        else if (c.change === 'changed') {
          const paths = changedPaths(c.before, c.after).filter((p) => p.startsWith('spec'));
          if (paths.some((p) => p.startsWith('spec.nodeSelector'))) {
            warnings.push(`pool \`${c.name}\`: nodeSelector changed: nodes that move into or out of the pool reboot into their new pool's config`);
          }
          other.push(`${label} changed (${paths.join(', ') || 'metadata'}): no reboot by itself`);
        }
        break;
      }
      case 'MachineConfiguration':
        if (c.change !== 'removed') rebootless.push(`node disruption policy (\`MachineConfiguration/${c.name}\`) ${c.change}: listed module files apply without a reboot`);
        break;
      case 'BuildConfig': {
        const module = moduleOf(obj);
        const kernel = obj.metadata.annotations?.[KERNEL_ANNOTATION] ?? '?';
        if (c.change === 'added') {
          modules.push(`\`${module}\` builds for kernel ${kernel} (${label}${c.after?.metadata.annotations?.[BUILD_INPUTS_ANNOTATION] ? ', new build inputs' : ''})`);
        } else if (c.change === 'removed') {
          modules.push(`\`${module}\`: the build for kernel ${kernel} is removed (${label})`);
        } else {
          modules.push(`\`${module}\`: ${label} changed without new inputs: no rebuild`);
        }
        break;
      }
      case 'DaemonSet':
        modules.push(loaderLine(c, context));
        break;
      case 'Module':
        modules.push(kmmLine(c, context));
        break;
      default:
        if (c.change !== 'removed') other.push(`${label} ${c.change}`);
    }
  }

  // One update of a pool applies all its MachineConfig changes: when one reboots, the rest ride along.
  for (const q of quiet) {
    if (reboots.has(q.pool)) reboot(q.pool, `${q.text} (applied in the same reboot)`);
    else rebootless.push(`pool \`${q.pool}\`: ${q.text}`);
  }
  const rebootList = [...reboots.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, reasons]) => {
    const facts = pool(p);
    const nodes = context.nodes && facts ? nodeNames(context.nodes.filter((n) => matchesSelector(n.labels, facts.nodeSelector))) : 'every node of the pool';
    const batch = facts ? `, ${facts.maxUnavailable} at a time` : '';
    return { pool: p, nodes: `${nodes}${batch}`, reasons };
  });
  return { cluster: folder.folder, reboots: rebootList, rebootless, modules, pruned, keptOnCluster: kept, other, warnings };
}

/** A MachineConfig change as the machine-config-daemon judges it (pkg/daemon/update.go, calculatePostConfigChangeAction). */
function machineConfigEffect(c: ObjectChange): { reboots: boolean; reason: string } {
  const after = c.after!;
  const annotations = after.metadata.annotations ?? {};
  const stated = annotations[REBOOT_REASON_ANNOTATION] ?? 'its content changes';
  if (c.change === 'changed') {
    const paths = changedPaths(c.before!.spec, after.spec, 6);
    // Same files, units, kernel arguments, extensions and kernel type: the daemon finds no change and does nothing.
    if (paths.every((p) => p === 'config.ignition.version')) {
      return { reboots: false, reason: 'only the Ignition version changes (same content: the machine-config-daemon has nothing to apply)' };
    }
    if (annotations[REBOOTLESS_ANNOTATION] && paths.every((p) => p.startsWith('config.storage.files') || p === 'config.ignition.version')) {
      return { reboots: false, reason: annotations[REBOOTLESS_ANNOTATION] };
    }
    return { reboots: true, reason: stated };
  }
  if (annotations[REBOOTLESS_ANNOTATION] && !annotations[REBOOTS_POOL_ANNOTATION]) return { reboots: false, reason: annotations[REBOOTLESS_ANNOTATION] };
  return { reboots: true, reason: stated };
}

function isPruneProtected(obj: OutputObject): boolean {
  const a = obj.metadata.annotations ?? {};
  return /(^|,)\s*Prune=false\s*(,|$)/.test(a['argocd.argoproj.io/sync-options'] ?? '') || a['kustomize.toolkit.fluxcd.io/prune'] === 'disabled';
}

function removalHint(c: ObjectChange): string {
  if (c.kind === 'MachineConfig') return `remove by hand: oc delete machineconfig ${c.name}`;
  if (c.kind === 'MachineConfigPool') return `move its nodes out first, then: oc delete machineconfigpool ${c.name}`;
  return `remove by hand: oc delete ${c.kind.toLowerCase()} ${c.namespace ? `-n ${c.namespace} ` : ''}${c.name}`;
}

function moduleOf(obj: OutputObject): string {
  const labels = obj.metadata.labels ?? {};
  return labels[MODULE_LABEL] ?? labels['app.kubernetes.io/part-of'] ?? labels['app.kubernetes.io/name'] ?? obj.metadata.name;
}

function selectorOf(obj: OutputObject): Record<string, string> {
  const spec = obj.spec as Record<string, any> | undefined;
  if (obj.kind === 'MachineConfigPool') return spec?.nodeSelector?.matchLabels ?? {};
  if (obj.kind === 'Module') return spec?.selector ?? {};
  return spec?.template?.spec?.nodeSelector ?? {};
}

/** Nodes a loader's node selector picks; the NFD kernel label is read off the node's kernel when the node lacks it. */
function nodesMatching(nodes: ReadonlyArray<InventoryNode>, selector: Readonly<Record<string, string>>): InventoryNode[] {
  return nodes.filter((n) => Object.entries(selector).every(([k, v]) => {
    if (k in n.labels) return n.labels[k] === v;
    if (k === NFD_KERNEL_LABEL && KernelVersion.isValid(n.kernel)) return KernelVersion.parse(n.kernel).nfdLabelValue === v;
    return false;
  }));
}

/** Where a loader or KMM Module acts: named nodes with an inventory, else the pools its selector covers. */
function whereItActs(obj: OutputObject, context: PlanContext, onlyKernels?: ReadonlySet<string>): string {
  const selector = selectorOf(obj);
  const pools = (context.facts?.pools ?? []).filter((p) => Object.entries(p.nodeSelector).every(([k, v]) => selector[k] === v)).map((p) => `\`${p.name}\``);
  const poolText = pools.length > 0 ? `pool ${pools.join(', ')}` : `nodes matching ${JSON.stringify(selector)}`;
  const kernels = onlyKernels ? ` on kernel ${[...onlyKernels].join(', ')}` : '';
  if (!context.nodes) return `${poolText}${kernels ? ` (nodes${kernels})` : ''}`;
  const nodes = nodesMatching(context.nodes, selector).filter((n) => !onlyKernels || onlyKernels.has(n.kernel));
  return `${poolText} (${nodes.length > 0 ? `nodes ${nodeNames(nodes)}` : `no node${kernels} right now`})`;
}

function nodeNames(nodes: ReadonlyArray<InventoryNode>): string {
  return nodes.length === 0 ? 'no node' : nodes.map((n) => n.name).join(', ');
}

function loaderLine(c: ObjectChange, context: PlanContext): string {
  const obj = (c.after ?? c.before)!;
  const module = moduleOf(obj);
  const label = `DaemonSet \`${c.name}\``;
  const where = whereItActs(obj, context);
  if (c.change === 'added') return `\`${module}\` loads on ${where} (${label} added)`;
  if (c.change === 'removed') return `\`${module}\` unloads on ${where} (${label} pruned; its pods stop${context.keepsLoaded?.(module) ? ', the module stays loaded (keepLoadedOnStop)' : ' and unload the module'})`;
  const spec = (x: OutputObject) => (x.spec as Record<string, any>)?.template;
  if (isDeepStrictEqual(spec(c.before!), spec(c.after!))) return `\`${module}\`: ${label} changed outside its pod template: no reload`;
  const what = changedPaths(spec(c.before!), spec(c.after!), 8).map(describeTemplatePath).filter((v, i, a) => a.indexOf(v) === i).join(', ');
  const strategy = ((c.after!.spec as Record<string, any>)?.updateStrategy?.type as string | undefined) ?? 'RollingUpdate';
  const when = strategy === 'OnDelete'
    ? 'when each loader pod is deleted (rollout OnDelete: a reboot restarts the old pod, drains skip DaemonSet pods)'
    : 'now, one node at a time (RollingUpdate)';
  return `\`${module}\` reloads on ${where}, ${when}: ${what} (${label})`;
}

function describeTemplatePath(p: string): string {
  if (p.includes('loader-script-sha256')) return 'loader script (module parameters, load order)';
  if (p.includes('.image')) return 'image';
  if (p.includes('.env')) return 'environment';
  return p.replace(/^spec\./, '');
}

function kmmLine(c: ObjectChange, context: PlanContext): string {
  const obj = (c.after ?? c.before)!;
  const module = moduleOf(obj);
  const label = `KMM Module \`${c.name}\``;
  const where = whereItActs(obj, context);
  if (c.change === 'added') return `\`${module}\` loads through KMM on ${where} (${label} added)`;
  if (c.change === 'removed') return `\`${module}\` unloads on ${where} (${label} pruned: KMM unloads the module)`;
  const paths = changedPaths(c.before!.spec, c.after!.spec, 8);
  if (paths.every((p) => p === 'moduleLoader.container.kernelMappings')) {
    // Only some kernels' images changed: KMM replaces the module on the nodes running those kernels.
    const kernels = changedMappingKernels(c.before!, c.after!);
    const kept = mappingKernels(c.after!);
    const dropped = new Set([...kernels].filter((k) => !kept.has(k)));
    const renewed = new Set([...kernels].filter((k) => kept.has(k)));
    const lines: string[] = [];
    // A kernel whose mapping is gone: KMM no longer schedules a load for nodes on that kernel.
    if (dropped.size > 0) lines.push(`\`${module}\` loses its KMM kernel mapping on ${whereItActs(obj, context, dropped)}: KMM no longer loads it on kernel ${[...dropped].join(', ')} (${label})`);
    if (renewed.size > 0) lines.push(`\`${module}\` reloads through KMM on ${whereItActs(obj, context, renewed)}: new image for kernel ${[...renewed].join(', ')} (${label})`);
    return lines.join('\n- ');
  }
  return `\`${module}\` reloads through KMM on ${where}: ${paths.join(', ')} changed (${label})`;
}

/** Kernels (literal mappings) a KMM Module maps. */
function mappingKernels(o: OutputObject): Set<string> {
  return new Set((((o.spec as Record<string, any>)?.moduleLoader?.container?.kernelMappings ?? []) as Array<Record<string, unknown>>)
    .map((m) => String(m.literal ?? m.regexp)));
}

/** Kernels (literal mappings) whose KMM kernel mapping differs between two Modules. */
function changedMappingKernels(before: OutputObject, after: OutputObject): Set<string> {
  const mappings = (o: OutputObject): Map<string, string> => new Map(
    (((o.spec as Record<string, any>)?.moduleLoader?.container?.kernelMappings ?? []) as Array<Record<string, unknown>>)
      .map((m) => [String(m.literal ?? m.regexp), JSON.stringify(m)]));
  const a = mappings(before);
  const b = mappings(after);
  return new Set([...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort());
}
