/**
 * The loaders' node-label permission, read as the API server reads it: the synthesized
 * ValidatingAdmissionPolicy's CEL (matchConditions, then variables, then validations; any false
 * validation denies the request — kubernetes staging/src/k8s.io/apiserver/pkg/admission/plugin/
 * policy/validating), evaluated with a CEL interpreter over node updates a loader's token could
 * send. The ClusterRole lets any loader patch any node; the policy is what narrows it.
 */
import { evaluate } from '@marcbachmann/cel-js';
import { describe, expect, test } from 'vitest';
import { NODE_NAME_EXTRA, serviceAccountUser } from '../../../lib/delivery/daemonset/node-label-policy';
import { nodeReadyLabelKey } from '../../../lib/delivery/daemonset/node-ready-label';
import { Manifest } from '../../../lib/synth/manifest';
import { renderClusterManifests } from '../../../lib/synth/render-cluster';
import { sharedAvailable, validateManifest } from '../../support/validate';
import { GIT_MODULE, PREBUILT_MODULE, testFleet } from '../../support/test-fleet';

/** Kubernetes integers reach CEL as int64. */
function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  return value;
}

interface Node { metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec: Record<string, unknown> }
type Verdict = { admitted: true; matched: boolean } | { admitted: false; message: string };

function admit(policy: any, user: { username: string; extra?: Record<string, string[]> }, oldObject: Node, object: Node): Verdict {
  const vars: Record<string, unknown> = toCel({ object, oldObject, request: { userInfo: user, operation: 'UPDATE' } }) as Record<string, unknown>;
  const isTrue = (expression: string, extra: Record<string, unknown> = {}): boolean => {
    const result = evaluate(expression, { ...vars, ...extra });
    if (typeof result !== 'boolean') throw new Error(`not a bool: ${expression}`);
    return result;
  };
  if (!policy.spec.matchConditions.every((c: any) => isTrue(c.expression))) return { admitted: true, matched: false };
  const variables: Record<string, unknown> = {};
  for (const v of policy.spec.variables) variables[v.name] = evaluate(v.expression, { ...vars, variables });
  for (const v of policy.spec.validations) if (!isTrue(v.expression, { variables })) return { admitted: false, message: v.message };
  return { admitted: true, matched: true };
}

const NS = 'kmods-system';
const cluster = testFleet({ modules: [GIT_MODULE, PREBUILT_MODULE] })
  .addCluster('c', { release: '4.18.12', pools: { gpu: { modules: ['simple-kmod'] }, storage: { modules: ['gpfs'] } } });
const manifests: Manifest[] = renderClusterManifests(cluster);
const policy = manifests.find((m) => m.kind === 'ValidatingAdmissionPolicy') as any;
const binding = manifests.find((m) => m.kind === 'ValidatingAdmissionPolicyBinding') as any;

const SIMPLE = nodeReadyLabelKey(NS, 'simple-kmod');
const GPFS = nodeReadyLabelKey(NS, 'gpfs');
const loader = (module: string, node = 'worker-1') => ({ username: serviceAccountUser(NS, `${module}-loader`), extra: { [NODE_NAME_EXTRA]: [node] } });
const node = (labels: Record<string, string> = {}, spec: Record<string, unknown> = {}, annotations?: Record<string, string>): Node => ({
  metadata: { name: 'worker-1', labels: { 'kubernetes.io/hostname': 'worker-1', 'node-role.kubernetes.io/gpu': '', ...labels }, ...(annotations ? { annotations } : {}) },
  spec: { podCIDR: '10.128.2.0/23', ...spec },
});

describe('node-label admission policy', () => {
  test('is bound cluster-wide with Deny, fails closed, and only watches node updates', () => {
    expect(binding.spec).toEqual({ policyName: policy.metadata.name, validationActions: ['Deny'] });
    expect(policy.spec.failurePolicy).toBe('Fail');
    expect(policy.spec.matchConstraints.resourceRules).toEqual([{ apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['nodes'] }]);
  });

  test.skipIf(!sharedAvailable())('validates against the Kubernetes schema', () => {
    expect(validateManifest(policy)).toEqual([]);
    expect(validateManifest(binding)).toEqual([]);
  });

  test('a loader may set and remove its own module label on the node its pod runs on', () => {
    expect(admit(policy, loader('simple-kmod'), node(), node({ [SIMPLE]: '1.0.0' }))).toEqual({ admitted: true, matched: true });
    expect(admit(policy, loader('simple-kmod'), node({ [SIMPLE]: '1.0.0' }), node())).toEqual({ admitted: true, matched: true });
    expect(admit(policy, loader('gpfs'), node({ [SIMPLE]: '1.0.0' }), node({ [SIMPLE]: '1.0.0', [GPFS]: '' }))).toEqual({ admitted: true, matched: true });
  });

  const refused: Array<[string, ReturnType<typeof loader> | { username: string }, Node, Node, RegExp]> = [
    ['another module\'s label', loader('simple-kmod'), node(), node({ [GPFS]: '' }), /only its own module label/],
    ['removing another module\'s label', loader('gpfs'), node({ [SIMPLE]: '1.0.0' }), node(), /only its own module label/],
    ['any other label', loader('simple-kmod'), node(), node({ [SIMPLE]: '1.0.0', 'node-role.kubernetes.io/infra': '' }), /only its own module label/],
    ['changing a label value it does not own', loader('simple-kmod'), node(), node({ 'kubernetes.io/hostname': 'other' }), /only its own module label/],
    ['its own label on another node', loader('simple-kmod', 'worker-2'), node(), node({ [SIMPLE]: '1.0.0' }), /only the node its pod runs on/],
    ['a token without a bound node', { username: serviceAccountUser(NS, 'simple-kmod-loader') }, node(), node({ [SIMPLE]: '1.0.0' }), /only the node its pod runs on/],
    ['a cordon', loader('simple-kmod'), node(), node({}, { unschedulable: true }), /spec/],
    ['a taint', loader('simple-kmod'), node(), node({}, { taints: [{ key: 'x', effect: 'NoSchedule' }] }), /spec/],
    ['an annotation', loader('simple-kmod'), node(), node({}, {}, { note: 'x' }), /annotations/],
  ];
  test.each(refused)('refuses %s', (_what, user, before, after, message) => {
    const verdict = admit(policy, user as any, before, after);
    expect(verdict.admitted).toBe(false);
    expect((verdict as { message: string }).message).toMatch(message);
  });

  test('does not apply to anyone else (the kubelet, an admin, a loader of another namespace)', () => {
    for (const username of ['system:node:worker-1', 'kube:admin', serviceAccountUser('other-ns', 'simple-kmod-loader'), serviceAccountUser(NS, 'default')]) {
      expect(admit(policy, { username }, node(), node({ 'node-role.kubernetes.io/infra': '' }))).toEqual({ admitted: true, matched: false });
    }
  });
});
