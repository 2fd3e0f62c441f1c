import { evaluate } from '@marcbachmann/cel-js';
import { describe, expect, it } from 'vitest';
import { FluxHealthExpr, HEALTH_CHECKS } from '../../lib/gitops/health-checks/health-checks';
import { FluxHealth, HEALTH_FIXTURES } from './health-fixtures';
import { crdSchema, kubernetesDefinition, loadCrds, openShiftDefinition, sharedAvailable } from './shared-crds';

/** Kubernetes integers reach Flux's CEL as int64: mirror that with BigInt. */
function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  return value;
}

/**
 * Flux kustomize-controller's reading of healthCheckExprs: the object's top-level fields are the
 * variables; inProgress is evaluated first, then failed, then current; none true means still in
 * progress; an evaluation error (e.g. no `status` yet) means Unknown.
 */
function fluxVerdict(expr: FluxHealthExpr, obj: any): FluxHealth {
  const vars = toCel(obj) as Record<string, unknown>;
  const isTrue = (e: string): boolean => {
    const result = evaluate(e, vars);
    if (typeof result !== 'boolean') throw new Error(`expression did not yield a bool: ${e}`);
    return result;
  };
  try {
    if (isTrue(expr.inProgress)) return 'InProgress';
    if (expr.failed !== undefined && isTrue(expr.failed)) return 'Failed';
    if (isTrue(expr.current)) return 'Current';
    return 'InProgress';
  } catch (e) {
    if (/Unknown variable/.test((e as Error).message)) return 'Unknown';
    throw e;
  }
}

describe('Flux healthCheckExprs, evaluated with a CEL interpreter', () => {
  for (const fixture of HEALTH_FIXTURES.filter((f) => f.flux !== undefined)) {
    it(`${fixture.kind}: ${fixture.name} → ${fixture.flux}`, () => {
      const check = HEALTH_CHECKS.find((c) => c.group === fixture.group && c.kind === fixture.kind)!;
      expect(check.flux, `${fixture.kind} has Flux expressions`).toBeDefined();
      expect(fluxVerdict(check.flux!, fixture.obj)).toBe(fixture.flux);
    });
  }

  it('agrees with the Argo CD verdict on every fixture whose status Flux can read', () => {
    const same: Record<string, FluxHealth> = { Healthy: 'Current', Progressing: 'InProgress', Degraded: 'Failed', Suspended: 'InProgress' };
    for (const f of HEALTH_FIXTURES) {
      if (f.flux === undefined || f.flux === 'Unknown' || f.name.includes('device plugin')) continue;
      expect(f.flux, f.name).toBe(same[f.argo]);
    }
  });
});

/** Every `status.a.b` / `spec.a` path the expressions read. */
function fieldPaths(expr: FluxHealthExpr): string[] {
  const text = [expr.inProgress, expr.failed ?? '', expr.current].join(' ');
  return [...new Set([...text.matchAll(/\b(?:status|spec|metadata)(?:\.[A-Za-z]+\b(?!\())+/g)].map((m) => m[0]))];
}

function hasPath(schema: any, path: string[], resolve?: (ref: string) => any): boolean {
  let node = schema;
  for (const part of path) {
    while (node?.$ref && resolve) node = resolve(node.$ref);
    if (node?.allOf?.length === 1 && resolve) node = node.allOf[0].$ref ? resolve(node.allOf[0].$ref) : node.allOf[0];
    if (node?.type === 'array' || node?.items) node = node.items;
    while (node?.$ref && resolve) node = resolve(node.$ref);
    if (!node?.properties?.[part]) return false;
    node = node.properties[part];
  }
  return true;
}

describe.skipIf(!sharedAvailable)('Flux healthCheckExprs read real status fields', () => {
  const crds = sharedAvailable ? loadCrds() : [];

  for (const check of HEALTH_CHECKS.filter((c) => c.flux)) {
    it(`${check.kind}: every field the expressions read is in its schema`, () => {
      const paths = fieldPaths(check.flux!).filter((p) => !p.startsWith('metadata.'));
      expect(paths.length).toBeGreaterThan(0);
      let schema = crdSchema(crds, check.group, check.kind);
      let resolve: ((ref: string) => any) | undefined;
      if (!schema && check.group === 'apps') {
        const doc = kubernetesDefinition(`io.k8s.api.apps.v1.${check.kind}`);
        schema = doc.definition;
        resolve = doc.resolve;
      } else if (!schema) {
        const doc = openShiftDefinition(`com.github.openshift.api.${check.group.split('.')[0]}.v1.${check.kind}`);
        schema = doc.definition;
        resolve = doc.resolve;
      }
      expect(schema, `schema of ${check.kind}`).toBeDefined();
      for (const p of paths) {
        expect(hasPath(schema, p.split('.'), resolve), `${check.kind} ${p}`).toBe(true);
      }
    });
  }

  it('MachineConfigPool expressions use the condition types the MCO sets', () => {
    const mcp = HEALTH_CHECKS.find((c) => c.kind === 'MachineConfigPool')!.flux!;
    const types = [...`${mcp.inProgress} ${mcp.failed} ${mcp.current}`.matchAll(/c\.type == '([A-Za-z]+)'/g)].map((m) => m[1]);
    expect(new Set(types)).toEqual(new Set(['Updated', 'Updating', 'Degraded', 'NodeDegraded', 'RenderDegraded']));
  });
});
