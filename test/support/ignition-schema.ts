import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv04 from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';
import { formatAjvErrors } from './ajv-errors';
import { JsonSchema } from './schema-keywords';
import { requireShared } from './shared-dir';

const validators = new Map<string, ValidateFunction>();
let ajv: Ajv04 | undefined;

/** The folder with `ignition-v3.X.0.schema.json`. */
function ignitionDir(): string {
  return join(requireShared(), 'schemas', 'ignition');
}

/** Ignition spec versions with a schema in the shared folder, e.g. ['3.0.0', …, '3.5.0']. */
export function knownIgnitionVersions(): string[] {
  return readdirSync(ignitionDir())
    .map((f) => /^ignition-v(\d+\.\d+\.\d+)\.schema\.json$/.exec(f)?.[1])
    .filter((v): v is string => v !== undefined)
    .sort();
}

/**
 * Validates an Ignition config against the JSON schema of its `ignition.version` (draft-04, via ajv-draft-04).
 * Strict: objects reject keys the spec does not define (the upstream schemas leave that open; Ignition
 * reports unknown keys). A missing or unknown version is an error. Returns readable errors, empty when valid.
 */
export function validateIgnition(config: unknown): string[] {
  const version = (config as any)?.ignition?.version;
  if (typeof version !== 'string') return ['/ignition/version: missing; an Ignition config must say its spec version'];
  const validate = ignitionValidator(version);
  if (!validate) {
    return [`/ignition/version: unknown Ignition spec version "${version}"; known: ${knownIgnitionVersions().join(', ')}`];
  }
  return validate(config) ? [] : formatAjvErrors(validate.errors);
}

function ignitionValidator(version: string): ValidateFunction | undefined {
  const cached = validators.get(version);
  if (cached) return cached;
  const file = join(ignitionDir(), `ignition-v${version}.schema.json`);
  if (!/^\d+\.\d+\.\d+$/.test(version) || !existsSync(file)) return undefined;
  ajv ??= new Ajv04({ allErrors: true, strict: false, verbose: true });
  const validate = ajv.compile(strictIgnitionSchema(JSON.parse(readFileSync(file, 'utf8'))));
  validators.set(version, validate);
  return validate;
}

/**
 * Closes every object schema of an Ignition schema. `allOf` of object schemas (file/directory/link = node +
 * own fields) is first merged into one object so closing it does not reject the other branch's fields.
 */
export function strictIgnitionSchema(schema: JsonSchema): JsonSchema {
  const root = structuredClone(schema);
  const original = structuredClone(schema);
  const deref = (s: JsonSchema): JsonSchema => {
    if (typeof s.$ref !== 'string' || !s.$ref.startsWith('#/')) return s;
    let node: any = original;
    for (const part of s.$ref.slice(2).split('/')) node = node?.[decodeURIComponent(part.replace(/~1/g, '/').replace(/~0/g, '~'))];
    if (!node) throw new Error(`ignition schema: cannot resolve ${s.$ref}`);
    return deref(node);
  };
  const walk = (s: any): void => {
    if (!s || typeof s !== 'object') return;
    if (Array.isArray(s)) return s.forEach(walk);
    if (Array.isArray(s.allOf)) {
      const parts = s.allOf.map(deref);
      if (parts.every((p: JsonSchema) => p.type === 'object' && p.properties)) {
        s.type = 'object';
        s.properties = Object.assign({}, ...parts.map((p: JsonSchema) => structuredClone(p.properties)));
        const required = [...new Set(parts.flatMap((p: JsonSchema) => p.required ?? []))];
        if (required.length) s.required = required;
        delete s.allOf;
      }
    }
    for (const v of Object.values(s)) walk(v);
    const isObject = s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object'));
    if (isObject && s.properties && s.additionalProperties === undefined) s.additionalProperties = false;
  };
  walk(root);
  return root;
}
