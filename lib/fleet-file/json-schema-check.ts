import { Problem } from '../errors';
import { allowedWithSuggestion, closestMatch } from '../validation/suggest';

/** The subset of JSON Schema (draft-07) that the fleet file schema uses. */
export interface JsonSchema {
  readonly $ref?: string;
  readonly type?: string | ReadonlyArray<string>;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly patternProperties?: Readonly<Record<string, JsonSchema>>;
  readonly additionalProperties?: boolean | JsonSchema;
  readonly propertyNames?: JsonSchema;
  readonly required?: ReadonlyArray<string>;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly uniqueItems?: boolean;
  readonly enum?: ReadonlyArray<unknown>;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly oneOf?: ReadonlyArray<JsonSchema>;
  readonly default?: unknown;
  readonly examples?: ReadonlyArray<unknown>;
  readonly definitions?: Readonly<Record<string, JsonSchema>>;
  readonly [key: string]: unknown;
}

/**
 * The keywords this checker implements (validation) or knows to carry no rule (annotations).
 * Any other keyword in a schema makes `checkAgainstSchema` throw instead of silently ignoring
 * it; test/fleet-file/json-schema-check-ajv.test.ts proves the checker agrees with ajv on each.
 */
export const IMPLEMENTED_KEYWORDS: ReadonlySet<string> = new Set([
  '$ref', 'type', 'properties', 'patternProperties', 'additionalProperties', 'propertyNames', 'required',
  'minProperties', 'maxProperties', 'items', 'minItems', 'uniqueItems', 'enum', 'pattern', 'minLength',
  'maxLength', 'minimum', 'oneOf', 'definitions',
]);
export const ANNOTATION_KEYWORDS: ReadonlySet<string> = new Set(['$schema', '$id', 'title', 'description', 'default', 'examples']);

const verified = new WeakSet<object>();

/** Compiled schema patterns (the same few patterns are applied to thousands of values). */
const patterns = new Map<string, RegExp>();
function patternOf(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) {
    re = new RegExp(source, 'u');
    patterns.set(source, re);
  }
  return re;
}

/** Throws when the schema uses a keyword the checker does not implement. */
export function assertSupportedSchema(schema: JsonSchema): void {
  if (verified.has(schema)) return;
  const unknown = new Set<string>();
  const visit = (node: JsonSchema, at: string): void => {
    for (const [key, child] of Object.entries(node)) {
      if (!IMPLEMENTED_KEYWORDS.has(key) && !ANNOTATION_KEYWORDS.has(key)) unknown.add(`${at}/${key}`);
      if (key === 'properties' || key === 'patternProperties' || key === 'definitions') {
        for (const [name, sub] of Object.entries(child as Record<string, JsonSchema>)) visit(sub, `${at}/${key}/${name}`);
      } else if (key === 'oneOf') {
        (child as JsonSchema[]).forEach((sub, i) => visit(sub, `${at}/oneOf/${i}`));
      } else if ((key === 'items' || key === 'propertyNames' || key === 'additionalProperties') && typeof child === 'object') {
        visit(child as JsonSchema, `${at}/${key}`);
      }
    }
  };
  visit(schema, '#');
  if (unknown.size > 0) throw new Error(`the schema uses keywords this checker does not implement: ${[...unknown].join(', ')}`);
  verified.add(schema);
}

/**
 * Checks a value against a schema and returns one Problem per violation, each with the path
 * in the document, the value given and what is allowed. Small on purpose: the messages are
 * the product here, and they read better than a general validator's. Lengths are checked
 * before patterns, so no pattern ever runs on a value longer than the field allows.
 */
export function checkAgainstSchema(value: unknown, schema: JsonSchema, root: JsonSchema = schema): Problem[] {
  assertSupportedSchema(root);
  if (schema !== root) assertSupportedSchema(schema);
  const problems: Problem[] = [];
  check(value, schema, root, [], problems);
  return problems;
}

function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace(/^#\/definitions\//, '');
  const target = root.definitions?.[name];
  if (!target) throw new Error(`schema reference ${schema.$ref} not found`);
  return resolve(target, root);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return !Number.isFinite(value) ? 'non-finite number' : Number.isInteger(value) ? 'integer' : 'number';
  if (value instanceof Uint8Array) return 'binary data';
  if (value instanceof Date) return 'date';
  return typeof value;
}

function typeMatches(actual: string, expected: string): boolean {
  return actual === expected || (expected === 'number' && actual === 'integer');
}

/** A short text of what a schema accepts, for "allowed:" in messages. */
export function describeSchema(schema: JsonSchema, root: JsonSchema): string {
  const s = resolve(schema, root);
  if (s.enum) return s.enum.map((e) => JSON.stringify(e)).join(', ');
  if (s.oneOf) return s.oneOf.map((o) => describeSchema(o, root)).join(' or ');
  if (typeof s.description === 'string' && s.description.length < 100) return s.description;
  const types = Array.isArray(s.type) ? s.type.join(' or ') : (s.type as string | undefined) ?? 'any value';
  return s.pattern ? `${types} matching ${s.pattern}` : types;
}

function check(value: unknown, schemaIn: JsonSchema, root: JsonSchema, path: Array<string | number>, out: Problem[]): void {
  const schema = resolve(schemaIn, root);
  if (schema.oneOf) {
    const matching = schema.oneOf.filter((alt) => checkAgainstSchema(value, alt, root).length === 0);
    if (matching.length !== 1) out.push({ path, message: 'value does not have an allowed form', given: value, allowed: describeSchema(schema, root) });
    return;
  }
  const actual = typeOf(value);
  if (schema.type !== undefined) {
    const expected = Array.isArray(schema.type) ? schema.type : [schema.type as string];
    if (!expected.some((t) => typeMatches(actual, t))) {
      out.push({ path, message: `expected ${expected.join(' or ')}, found ${actual}`, given: value, allowed: describeSchema(schema, root) });
      return;
    }
  }
  if (schema.enum && !schema.enum.some((e) => e === value)) {
    const suggestion = typeof value === 'string' ? closestMatch(value, schema.enum.filter((e): e is string => typeof e === 'string')) : undefined;
    out.push({ path, message: 'value is not one of the allowed values', given: value,
      allowed: schema.enum.map((e) => JSON.stringify(e)).join(', ') + (suggestion !== undefined ? ` (did you mean "${suggestion}"?)` : '') });
  }
  if (typeof value === 'string') {
    // JSON Schema counts code points, not UTF-16 units.
    const length = value.length > 2 * (schema.maxLength ?? Infinity) ? value.length : [...value].length;
    const tooLong = schema.maxLength !== undefined && length > schema.maxLength;
    if (schema.minLength !== undefined && length < schema.minLength) out.push({ path, message: `must be at least ${schema.minLength} characters`, given: value, allowed: describeSchema(schema, root) });
    if (tooLong) out.push({ path, message: `must be at most ${schema.maxLength} characters`, given: value, allowed: describeSchema(schema, root) });
    if (!tooLong && schema.pattern && !patternOf(schema.pattern).test(value)) {
      out.push({ path, message: 'value has the wrong form', given: value, allowed: describeSchema(schema, root) });
    }
  }
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) {
    out.push({ path, message: `must be at least ${schema.minimum}`, given: value, allowed: describeSchema(schema, root) });
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) out.push({ path, message: `needs at least ${schema.minItems} item(s)`, given: value, allowed: describeSchema(schema, root) });
    if (schema.uniqueItems) {
      const seen = new Set<string>();
      value.forEach((item, i) => {
        const key = canonicalJson(item);
        if (seen.has(key)) out.push({ path: [...path, i], message: 'duplicate item', given: item, allowed: 'each item once' });
        seen.add(key);
      });
    }
    if (schema.items) value.forEach((item, i) => check(item, schema.items!, root, [...path, i], out));
  }
  if (actual === 'object') checkObject(value as Record<string, unknown>, schema, root, path, out);
}

function checkObject(value: Record<string, unknown>, schema: JsonSchema, root: JsonSchema, path: Array<string | number>, out: Problem[]): void {
  const keys = Object.keys(value);
  for (const required of schema.required ?? []) {
    if (!Object.prototype.hasOwnProperty.call(value, required)) {
      const field = schema.properties?.[required];
      out.push({ path: [...path, required], message: 'required field is missing', allowed: field ? describeSchema(field, root) : undefined });
    }
  }
  if (schema.minProperties !== undefined && keys.length < schema.minProperties) {
    out.push({ path, message: `needs at least ${schema.minProperties} field(s)`, allowed: Object.keys(schema.properties ?? {}).join(', ') || undefined });
  }
  if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
    out.push({ path, message: `allows at most ${schema.maxProperties} field(s)`, given: keys, allowed: `one of ${Object.keys(schema.properties ?? {}).join(', ')}` });
  }
  for (const key of keys) {
    const child = [...path, key];
    if (schema.propertyNames) {
      const nameProblems = checkAgainstSchema(key, schema.propertyNames, root);
      if (nameProblems.length > 0) out.push({ path: child, message: 'invalid name', given: key, allowed: describeSchema(schema.propertyNames, root) });
    }
    const declared = schema.properties && Object.prototype.hasOwnProperty.call(schema.properties, key) ? schema.properties[key] : undefined;
    if (declared) {
      check(value[key], declared, root, child, out);
      continue;
    }
    const patterned = Object.entries(schema.patternProperties ?? {}).find(([p]) => patternOf(p).test(key));
    if (patterned) {
      check(value[key], patterned[1], root, child, out);
      continue;
    }
    if (schema.additionalProperties === false) {
      out.push({ path: child, message: key === '<<' ? 'merge keys (<<) are not supported: write the fields out' : 'unknown field', given: key,
        allowed: allowedWithSuggestion(key, Object.keys(schema.properties ?? {}), 'no fields') });
    } else if (typeof schema.additionalProperties === 'object') {
      check(value[key], schema.additionalProperties, root, child, out);
    }
  }
}

/** JSON with object keys sorted, so equal values (as JSON Schema's uniqueItems sees them) compare equal. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
