import { describe, expect, test } from 'vitest';
import { ROLE_LABEL } from '../../lib/node/machine-config-pool';
import { cluster, ofKind, problemsOf } from './fixtures';
import { nodeTestCrdSchemaErrors, sharedAvailable } from './schema-check';

/** Schema checks need ../shared: skipped visibly without it (failing under CI=true), never passed with zero assertions. */
const shared = sharedAvailable();

/**
 * The MCO's ValidatingAdmissionPolicy `custom-machine-config-pool-selector` (4.18+), written out:
 * matchLabels role ∈ {master, worker, arbiter}, or a matchExpressions entry on the role key with
 * `In` including worker (or `NotIn` without worker).
 */
function admittedByCustomPoolPolicy(mcp: any): boolean {
  const selector = mcp.spec.machineConfigSelector ?? {};
  if (['master', 'worker', 'arbiter'].includes(selector.matchLabels?.[ROLE_LABEL])) return true;
  return (selector.matchExpressions ?? []).some((e: any) => e.key === ROLE_LABEL
    && ((e.operator === 'In' && e.values.includes('worker')) || (e.operator === 'NotIn' && !e.values.includes('worker'))));
}

describe('MachineConfigPool', () => {
  const c = cluster({ release: '4.18.0', pools: {
    gpu: { maxUnavailable: '25%' },
    storage: { nodeSelector: { 'node-role.kubernetes.io/storage': '', 'example.com/rack': 'a' } },
  } });
  const pools = ofKind(c, 'MachineConfigPool');

  test('one pool per node pool, named after it, cluster-scoped', () => {
    expect(pools.map((p) => p.metadata.name)).toEqual(['gpu', 'storage']);
    for (const p of pools) expect(p.metadata).not.toHaveProperty('namespace');
  });

  test('inherits worker through an In expression the 4.18 admission policy accepts', () => {
    for (const p of pools) {
      expect(p.spec.machineConfigSelector).toEqual({ matchExpressions: [{ key: ROLE_LABEL, operator: 'In', values: ['worker', p.metadata.name] }] });
      expect(admittedByCustomPoolPolicy(p)).toBe(true);
    }
    expect(admittedByCustomPoolPolicy({ spec: { machineConfigSelector: { matchLabels: { [ROLE_LABEL]: 'gpu' } } } })).toBe(false);
  });

  test('node selector, maxUnavailable, no paused field (left to the administrator), pool label for KubeletConfig selectors', () => {
    const [gpu, storage] = pools;
    expect(gpu.spec.nodeSelector).toEqual({ matchLabels: { 'node-role.kubernetes.io/gpu': '' } });
    expect(storage.spec.nodeSelector).toEqual({ matchLabels: { 'node-role.kubernetes.io/storage': '', 'example.com/rack': 'a' } });
    expect(gpu.spec.maxUnavailable).toBe('25%');
    expect(storage.spec.maxUnavailable).toBe(1);
    for (const p of pools) {
      expect(p.spec).not.toHaveProperty('paused');
      expect(p.metadata.labels[`pools.operator.machineconfiguration.openshift.io/${p.metadata.name}`]).toBe('');
    }
  });

  test.skipIf(!shared)('validates against the MachineConfigPool CRD', () => {
    for (const p of pools) expect(nodeTestCrdSchemaErrors(p)).toEqual([]);
    expect(nodeTestCrdSchemaErrors({ ...pools[0], spec: { ...pools[0].spec, maxUnavailble: 1 } }).length).toBeGreaterThan(0);
  });

  test.each([0, '0%', -1, '101%', 1.5])('maxUnavailable %j is refused (0 does not pause, it resets to 1)', (maxUnavailable) => {
    const messages = problemsOf(() => cluster({ release: '4.18.0', pools: { gpu: { maxUnavailable } } }));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('clusters.c1.pools.gpu.maxUnavailable');
  });

  test.each(['master', 'worker', 'arbiter'])('a pool may not be called %s', (name) => {
    expect(problemsOf(() => cluster({ release: '4.18.0', pools: { [name]: {} } }))[0]).toContain('taken by a built-in MachineConfigPool');
  });

  test.each(['node-role.kubernetes.io/master', 'node-role.kubernetes.io/control-plane'])('selecting %s is refused (custom pools on masters are ignored)', (key) => {
    const messages = problemsOf(() => cluster({ release: '4.18.0', pools: { cp: { nodeSelector: { [key]: '' } } } }));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('custom pools on control-plane nodes are ignored by the MCO');
  });
});

describe('pools of one cluster must not share nodes', () => {
  test('pools with their own custom role are disjoint (a node with two custom roles is refused by the MCO)', () => {
    const c = cluster({ release: '4.18.0', pools: { gpu: {}, storage: {}, rt: { nodeSelector: { 'node-role.kubernetes.io/rt': '', zone: 'a' } } } });
    expect(c.pools.map((p) => p.name)).toEqual(['gpu', 'rt', 'storage']);
    expect(c.pools[0].canShareNodesWith(c.pools[1])).toBe(false);
  });

  test('different values of a shared key are disjoint', () => {
    const c = cluster({ release: '4.18.0', pools: {
      a: { nodeSelector: { 'example.com/accel': 'gpu' } },
      b: { nodeSelector: { 'example.com/accel': 'fpga' } },
    } });
    expect(c.pools[0].canShareNodesWith(c.pools[1])).toBe(false);
  });

  test.each([
    ['the same selector', { 'example.com/accel': 'gpu' }, { 'example.com/accel': 'gpu' }],
    ['unrelated keys', { 'example.com/accel': 'gpu' }, { 'example.com/disk': 'nvme' }],
    ['a role and a plain label', { 'node-role.kubernetes.io/a': '' }, { 'example.com/disk': 'nvme' }],
    ['the worker role and a custom role', { 'node-role.kubernetes.io/worker': '', zone: 'x' }, { 'node-role.kubernetes.io/b': '' }],
    ['a subset', { 'node-role.kubernetes.io/a': '' }, { 'node-role.kubernetes.io/a': '', zone: 'x' }],
  ])('%s can share nodes → error naming both pools', (_what, a, b) => {
    const messages = problemsOf(() => cluster({ release: '4.18.0', pools: { a: { nodeSelector: a }, b: { nodeSelector: b } } }));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('clusters.c1.pools.b.nodeSelector: cluster "c1", pool "b": a node could match both pool "a" and pool "b"');
  });
});
