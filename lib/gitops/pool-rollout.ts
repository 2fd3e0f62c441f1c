import { POOL_MACHINE_CONFIGS_ANNOTATION } from '../labels';

const ROLE_LABEL = 'machineconfiguration.openshift.io/role';

interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> };
}

const isMachineConfig = (o: ObjectRef) => o.kind === 'MachineConfig' && o.apiVersion.startsWith('machineconfiguration.openshift.io/');
const isPool = (o: ObjectRef) => o.kind === 'MachineConfigPool' && o.apiVersion.startsWith('machineconfiguration.openshift.io/');

/** The generated MachineConfigs of each generated pool (by the role label), sorted; pools without any are left out. */
export function machineConfigsByPool(objects: ReadonlyArray<ObjectRef>): Map<string, string[]> {
  const pools = new Set(objects.filter(isPool).map((p) => p.metadata.name));
  const out = new Map<string, string[]>();
  for (const mc of objects.filter(isMachineConfig)) {
    const role = mc.metadata.labels?.[ROLE_LABEL];
    if (role !== undefined && pools.has(role)) out.set(role, [...(out.get(role) ?? []), mc.metadata.name].sort());
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Copies of the objects where each pool that has generated MachineConfigs carries
 * POOL_MACHINE_CONFIGS_ANNOTATION (read by the Argo CD health check). Right after a sync the
 * MCO takes a few seconds to render a new configuration, and until then the pool still reports
 * Updated: with the annotation the pool is healthy only once its machines run a configuration
 * made from those MachineConfigs, so the loaders (a later wave) wait for the rollout.
 */
export function annotatePoolMachineConfigs<T extends ObjectRef>(objects: ReadonlyArray<T>): T[] {
  const byPool = machineConfigsByPool(objects);
  return objects.map((o) => {
    const names = isPool(o) ? byPool.get(o.metadata.name) : undefined;
    if (names === undefined) return o;
    const meta = o.metadata as any;
    return { ...o, metadata: { ...meta, annotations: { ...(meta.annotations ?? {}), [POOL_MACHINE_CONFIGS_ANNOTATION]: names.join(',') } } };
  });
}

/**
 * A CEL condition (Flux `healthCheckExprs`, standard CEL only) that is true when each pool's
 * current rendered configuration includes all its generated MachineConfigs; other pools pass.
 */
export function poolRolloutCel(byPool: ReadonlyMap<string, ReadonlyArray<string>>): string | undefined {
  if (byPool.size === 0) return undefined;
  const quote = (s: string) => `'${s}'`; // pool and MachineConfig names are DNS subdomains: no quotes inside
  const clauses = [...byPool].map(([pool, names]) => `(metadata.name != ${quote(pool)} || [${names.map(quote).join(', ')}]`
    + '.all(n, has(status.configuration) && has(status.configuration.source) && status.configuration.source.exists(s, s.name == n)))');
  return clauses.join(' && ');
}
