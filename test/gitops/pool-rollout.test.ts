import { evaluate } from '@marcbachmann/cel-js';
import { describe, expect, it } from 'vitest';
import { machineConfigsByPool, poolRolloutCel } from '../../lib/gitops/pool-rollout';
import { ofKind, renderTestFleet } from './test-fleet';

/** Kubernetes integers reach Flux's CEL as int64. */
function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  return value;
}

/** A live pool as the MCO reports it: Updated, every machine on a rendered config made from `source`. */
function live(pool: any, source: string[]): any {
  return {
    ...pool,
    metadata: { ...pool.metadata, generation: 2 },
    status: {
      observedGeneration: 2, machineCount: 3, updatedMachineCount: 3, readyMachineCount: 3, degradedMachineCount: 0,
      configuration: { name: `rendered-${pool.metadata.name}-1`, source: source.map((name) => ({ kind: 'MachineConfig', name })) },
      conditions: [{ type: 'Updated', status: 'True' }, { type: 'Updating', status: 'False' }, { type: 'Degraded', status: 'False' }],
    },
  };
}

describe('a pool is healthy only once its machines run its MachineConfigs (the MCO renders a few seconds after a sync)', () => {
  const { files, clusters } = renderTestFleet();

  it('each generated pool carries the names of the generated MachineConfigs of its role', () => {
    const objects = clusters.get('gpu-prod')!;
    const pools = objects.filter((o) => o.kind === 'MachineConfigPool');
    const gpu = pools.find((p) => p.metadata.name === 'gpu')!;
    const mcs = objects.filter((o) => o.kind === 'MachineConfig' && o.metadata.labels['machineconfiguration.openshift.io/role'] === 'gpu').map((o) => o.metadata.name).sort();
    expect(mcs.length).toBeGreaterThan(0);
    expect(gpu.metadata.annotations['cdk8s-kmods.io/machine-configs']).toBe(mcs.join(','));
    // A pool without MachineConfigs of its own has nothing to wait for.
    const storage = pools.find((p) => p.metadata.name === 'storage')!;
    expect(storage.metadata.annotations?.['cdk8s-kmods.io/machine-configs']).toBeUndefined();
  });

  for (const cluster of ['gpu-prod', 'edge-1']) {
    it(`${cluster}: the Flux MachineConfigPool expression holds the pool back until its rendered config includes them`, () => {
      const main = ofKind(files, 'Kustomization', `bootstrap/${cluster}/flux/`).find((k) => k.metadata.name === `kmods-${cluster}`)!;
      const expr = main.spec.healthCheckExprs.find((e: any) => e.kind === 'MachineConfigPool');
      const byPool = machineConfigsByPool(clusters.get(cluster)!);
      expect(byPool.size).toBeGreaterThan(0);
      expect(expr.current).toContain(poolRolloutCel(byPool));
      for (const [poolName, names] of byPool) {
        const pool = clusters.get(cluster)!.find((o) => o.kind === 'MachineConfigPool' && o.metadata.name === poolName);
        const current = (source: string[]) => evaluate(expr.current, toCel(live(pool, source)) as Record<string, unknown>);
        expect(current(['00-worker', ...names]), `${poolName} rolled out`).toBe(true);
        expect(current(['00-worker']), `${poolName} not yet rendered`).toBe(false);
        expect(current(['00-worker', ...names.slice(1)]), `${poolName} one missing`).toBe(false);
      }
    });
  }
});
