import { JsonSchema, copyValueKeywords } from './schema-keywords';

/** Swagger definitions that take more than their declared type. */
const LOOSE_DEFINITIONS: Readonly<Record<string, JsonSchema>> = {
  // resource.Quantity marshals as a string but the API server also accepts a JSON number.
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: ['string', 'number'] },
};

/**
 * Converts the `definitions` of a Swagger 2.0 document (Kubernetes, openshift/api) into a JSON Schema
 * document with the given `$id`, strict like `kubeconform -strict`: every schema with `properties`
 * and no `additionalProperties` rejects unknown fields; definitions without `properties`
 * (RawExtension, FieldsV1, JSON) stay free-form. `format: int-or-string` accepts integer or string.
 */
export function swaggerToJsonSchema(id: string, definitions: Record<string, JsonSchema>): JsonSchema {
  const out: Record<string, JsonSchema> = {};
  for (const [name, def] of Object.entries(definitions)) {
    out[name] = LOOSE_DEFINITIONS[name] ?? convertNode(def);
  }
  return { $id: id, definitions: out };
}

function convertNode(s: JsonSchema | undefined): JsonSchema {
  if (!s || typeof s !== 'object') return {};
  // Swagger 2.0 ignores the siblings of $ref (openshift/api puts `default: {}` next to it).
  if (typeof s.$ref === 'string') return { $ref: s.$ref };
  if (s.format === 'int-or-string') return { type: ['integer', 'string'] };
  const out: JsonSchema = {};
  if (s.type !== undefined) out.type = s.type;
  copyValueKeywords(s, out);
  if (s.properties) {
    out.properties = {};
    for (const [k, v] of Object.entries<JsonSchema>(s.properties)) out.properties[k] = convertNode(v);
  }
  if (s.additionalProperties !== undefined) {
    out.additionalProperties =
      typeof s.additionalProperties === 'boolean' ? s.additionalProperties : convertNode(s.additionalProperties);
  } else if (s.properties) {
    out.additionalProperties = false;
  }
  if (s.items) out.items = convertNode(s.items);
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(s[k])) out[k] = s[k].map((x: JsonSchema) => convertNode(x));
  }
  return out;
}
