import { JsonSchema, copyValueKeywords, withNull } from './schema-keywords';

/** Where a node sits, for the conversion rules that depend on it. */
interface NodeContext {
  /** The property name of the node, if it is a property. */
  readonly name?: string;
  /** The node is the root of an object (CRD root or embedded resource): its `metadata` is ObjectMeta. */
  readonly resourceRoot?: boolean;
  /** Inside allOf/anyOf/oneOf/not: do not close objects, the branch may list only some properties. */
  readonly inJunctor?: boolean;
}

/**
 * Converts a CRD's structural `openAPIV3Schema` into JSON Schema with the API server's pruning turned
 * into errors (like `kubeconform -strict`): an object rejects fields its schema does not list unless it says
 * `x-kubernetes-preserve-unknown-fields: true` or has `additionalProperties`. Handles `nullable`,
 * `x-kubernetes-int-or-string`, `x-kubernetes-embedded-resource`; `metadata` of the root and of embedded
 * resources (and any bare `metadata: {type: object}`) is validated as Kubernetes ObjectMeta via `objectMetaRef`.
 */
export function crdSchemaToJsonSchema(openApiV3Schema: JsonSchema, objectMetaRef: string): JsonSchema {
  return convertNode(openApiV3Schema, { resourceRoot: true }, objectMetaRef);
}

function convertNode(s: JsonSchema | undefined, ctx: NodeContext, metaRef: string): JsonSchema {
  if (!s || typeof s !== 'object') return {};
  const preserveUnknown = s['x-kubernetes-preserve-unknown-fields'] === true;
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  const nullable = s.nullable === true;
  const out: JsonSchema = {};
  if (intOrString) out.type = withNull(['integer', 'string'], nullable);
  else if (s.type !== undefined) out.type = withNull(s.type, nullable);
  copyValueKeywords(s, out, nullable);

  const isObject = s.type === 'object' || embedded;
  const bare = isObject && !s.properties && s.additionalProperties === undefined && !preserveUnknown;
  if (ctx.name === 'metadata' && bare && !ctx.inJunctor) return { $ref: metaRef };

  const childRoot = embedded;
  if (s.properties || embedded) {
    out.properties = {};
    for (const [k, v] of Object.entries<JsonSchema>(s.properties ?? {})) {
      if (k === 'metadata' && ctx.resourceRoot) {
        const own = convertNode(v, { inJunctor: true }, metaRef);
        out.properties[k] = Object.keys(own).length > 1 ? { allOf: [{ $ref: metaRef }, own] } : { $ref: metaRef };
      } else {
        out.properties[k] = convertNode(v, { name: k, resourceRoot: childRoot }, metaRef);
      }
    }
    if (embedded) {
      out.properties.apiVersion ??= { type: 'string' };
      out.properties.kind ??= { type: 'string' };
      out.properties.metadata ??= { $ref: metaRef };
    }
  }
  if (s.additionalProperties !== undefined) {
    out.additionalProperties =
      typeof s.additionalProperties === 'boolean'
        ? s.additionalProperties
        : convertNode(s.additionalProperties, {}, metaRef);
  } else if (isObject && !preserveUnknown && !ctx.inJunctor) {
    // The API server prunes unknown fields here; a generator that emits them has a bug.
    out.additionalProperties = false;
  }
  if (s.items && typeof s.items === 'object') out.items = convertNode(s.items, {}, metaRef);
  // int-or-string nodes carry `anyOf: [{type: integer}, {type: string}]`, already folded into `type`.
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(s[k]) && !(k === 'anyOf' && intOrString)) {
      out[k] = s[k].map((x: JsonSchema) => convertNode(x, { inJunctor: true }, metaRef));
    }
  }
  if (s.not) out.not = convertNode(s.not, { inJunctor: true }, metaRef);
  return out;
}
