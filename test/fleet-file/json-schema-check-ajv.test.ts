/**
 * Issue 15, item 6: fleet.yaml is checked by our own small JSON Schema checker (its messages
 * are the product), so this test proves it agrees with ajv — a well-kept validator — on every
 * keyword the fleet schema uses, and that it refuses to run on a schema using any keyword it
 * does not implement (it used to ignore such keywords silently).
 */
import Ajv from 'ajv';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { KmmKernelMapping } from '../../lib/delivery/kmm/kmm-kernel-mapping';
import { formatPath } from '../../lib/errors';
import { GitOpsEngine } from '../../lib/gitops/gitops-props';
import { LoaderKind, LoaderRollout } from '../../lib/module/loader-kind';
import { IgnitionVersion } from '../../lib/node/ignition-version';
import { KernelType } from '../../lib/node/kernel-type';
import { FLEET_SCHEMA } from '../../lib/fleet-file/fleet-schema';
import { ANNOTATION_KEYWORDS, assertSupportedSchema, checkAgainstSchema, IMPLEMENTED_KEYWORDS, JsonSchema } from '../../lib/fleet-file/json-schema-check';
import { mutateData, mutation } from '../validation/fleet-mutations';
import { exampleData } from '../validation/support';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validateFleet = ajv.compile(FLEET_SCHEMA as object);

/** Every keyword used anywhere in a schema (keys of schema objects, not of `properties`/`definitions` maps). */
function keywordsOf(schema: JsonSchema, out = new Set<string>()): Set<string> {
  for (const [key, child] of Object.entries(schema)) {
    out.add(key);
    if (key === 'properties' || key === 'patternProperties' || key === 'definitions') Object.values(child as Record<string, JsonSchema>).forEach((s) => keywordsOf(s, out));
    else if (key === 'oneOf') (child as JsonSchema[]).forEach((s) => keywordsOf(s, out));
    else if (['items', 'propertyNames', 'additionalProperties'].includes(key) && typeof child === 'object') keywordsOf(child as JsonSchema, out);
  }
  return out;
}

/** ajv's instancePath (`/clusters/lab/pools`) as our path text. */
function ajvPath(instancePath: string, data?: unknown): string {
  // A segment is an array index only where the data there is an array (a map key may be "0").
  let at: unknown = data;
  const segments = instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')).map((p) => {
    const index = Array.isArray(at) && /^\d+$/.test(p);
    at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[p] : undefined;
    return index || (data === undefined && /^\d+$/.test(p)) ? Number(p) : p;
  });
  return formatPath(segments);
}

describe('the fleet schema checker', () => {
  test('implements every keyword the fleet schema uses', () => {
    const used = keywordsOf(FLEET_SCHEMA);
    expect(used.size).toBeGreaterThan(10);
    for (const keyword of used) expect(IMPLEMENTED_KEYWORDS.has(keyword) || ANNOTATION_KEYWORDS.has(keyword), keyword).toBe(true);
    expect(() => assertSupportedSchema(FLEET_SCHEMA)).not.toThrow();
  });

  test.each(['format', 'const', 'allOf', 'anyOf', 'not', 'if', 'maximum', 'exclusiveMinimum', 'multipleOf', 'maxItems', 'contains', 'dependencies', '$comment'])(
    'refuses to check against a schema using %s', (keyword) => {
      const schema: JsonSchema = { type: 'object', properties: { a: { type: 'string', [keyword]: keyword === 'format' ? 'uri' : 1 } } };
      expect(() => checkAgainstSchema({ a: 'x' }, schema)).toThrow(`does not implement: #/properties/a/${keyword}`);
    });

  // One small schema per implemented keyword, against arbitrary JSON-like values.
  const keywordSchemas: Array<[string, JsonSchema]> = [
    ['type', { type: 'integer' }], ['type (list)', { type: ['string', 'boolean'] }], ['type number', { type: 'number' }],
    ['enum', { enum: ['a', 'b', 1] }], ['pattern', { type: 'string', pattern: '^[a-z]+(-[a-z]+)*$' }],
    ['minLength/maxLength', { type: 'string', minLength: 2, maxLength: 4 }], ['minimum', { type: 'integer', minimum: 1 }],
    ['properties/required/additionalProperties', { type: 'object', required: ['a'], additionalProperties: false, properties: { a: { type: 'string' }, b: { type: 'boolean' } } }],
    ['additionalProperties schema', { type: 'object', additionalProperties: { type: 'string' } }],
    ['patternProperties', { type: 'object', patternProperties: { '^x-': { type: 'integer' } }, additionalProperties: false }],
    ['propertyNames', { type: 'object', propertyNames: { type: 'string', pattern: '^[a-z]+$', maxLength: 3 } }],
    ['minProperties/maxProperties', { type: 'object', minProperties: 1, maxProperties: 2 }],
    ['items/minItems/uniqueItems', { type: 'array', minItems: 1, uniqueItems: true, items: { type: ['string', 'object', 'integer'] } }],
    ['oneOf', { oneOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: '^(100|[1-9][0-9]?)%$' }, { type: 'number' }] }],
    ['$ref/definitions', { definitions: { d: { type: 'string', minLength: 1 } }, type: 'object', additionalProperties: { $ref: '#/definitions/d' } }],
  ];
  const jsonish = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom('', 'a', 'ab', 'abcde', 'a-b', 'x-1', '50%', '0%', '100%', '101%', 1, 0, -1, 1.5, 2, true, null, [], {}, [1, 1], [{ a: 1, b: 2 }, { b: 2, a: 1 }], { 'x-a': 1 }, { a: 'x', b: true }, { '😀': 1 }, '😀😀', { abcd: 'x' }),
  );
  test.each(keywordSchemas)('%s: valid for the checker exactly when valid for ajv', (_name, schema) => {
    const check = ajv.compile(schema as object);
    let runs = 0;
    fc.assert(fc.property(jsonish, (value) => {
      runs++;
      expect(checkAgainstSchema(value, schema).length === 0, JSON.stringify(value)).toBe(check(value));
    }), { seed: 15, numRuns: 400 });
    expect(runs).toBe(400);
  });

  test('agrees with ajv on mutated example fleets: same verdict, and the same places', () => {
    const base = exampleData();
    let invalid = 0;
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
      const data = mutateData(base, mutations);
      const ours = checkAgainstSchema(data, FLEET_SCHEMA).map((p) => formatPath(p.path));
      const valid = validateFleet(data);
      expect(ours.length === 0, JSON.stringify(ours)).toBe(valid);
      if (valid) return;
      invalid++;
      const theirs = (validateFleet.errors ?? []).map((e) => ajvPath(e.instancePath, data));
      const within = (a: string, b: string): boolean => a === b || b === '(top level)' || a.startsWith(`${b}.`) || a.startsWith(`${b}[`);
      // Each of our problems lies at or under a place ajv reports, and each ajv error at or above one of ours.
      for (const p of ours) expect(theirs.some((t) => within(p, t)), `${p} vs ${JSON.stringify(theirs)}`).toBe(true);
      for (const t of theirs) expect(ours.some((p) => within(p, t)), `${t} vs ${JSON.stringify(ours)}`).toBe(true);
    }), { seed: 1506, numRuns: 500 });
    expect(invalid).toBeGreaterThan(100);
  });
});

describe('schema enums', () => {
  test('come from the TypeScript enums (and Ignition versions from IgnitionVersion.ALL)', () => {
    const defs = FLEET_SCHEMA.definitions as Record<string, any>;
    expect((FLEET_SCHEMA.properties as any).gitops.properties.engine.enum).toEqual(Object.values(GitOpsEngine));
    expect(defs.module.properties.loader.enum).toEqual(Object.values(LoaderKind));
    expect(defs.module.properties.rollout.enum).toEqual(Object.values(LoaderRollout));
    expect(defs.module.properties.kmmKernelMapping.enum).toEqual(Object.values(KmmKernelMapping));
    expect(defs.pool.properties.kernelType.enum).toEqual(Object.values(KernelType));
    expect(defs.cluster.properties.defaultLoader.enum).toEqual(Object.values(LoaderKind));
    expect(defs.cluster.properties.ignitionVersion.enum).toEqual(IgnitionVersion.ALL.map((v) => v.text));
  });
});
