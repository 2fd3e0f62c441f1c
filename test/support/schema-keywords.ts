/** A JSON Schema node as ajv takes it. */
export type JsonSchema = Record<string, any>;

/** Value keywords copied unchanged from OpenAPI / Swagger schemas to JSON Schema. */
const VALUE_KEYWORDS = [
  'enum',
  'minimum',
  'maximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'required',
] as const;

const INT32 = { minimum: -2147483648, maximum: 2147483647 };
// Standard base64 (Secret data, `format: byte`); cheap and catches unencoded values.
const BASE64 = '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$';

/**
 * Copies the value keywords of an OpenAPI schema node into `out`, translating what differs:
 * OpenAPI 3.0 boolean `exclusiveMinimum/Maximum`, Go (RE2) patterns JavaScript cannot compile
 * (dropped), and the cheap formats (`int32` range, `byte` = base64); other formats are ignored.
 */
export function copyValueKeywords(src: JsonSchema, out: JsonSchema, nullable = false): void {
  for (const k of VALUE_KEYWORDS) {
    if (src[k] !== undefined) out[k] = src[k];
  }
  if (out.enum && nullable && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (src.exclusiveMinimum === true && typeof src.minimum === 'number') {
    out.exclusiveMinimum = src.minimum;
    delete out.minimum;
  }
  if (src.exclusiveMaximum === true && typeof src.maximum === 'number') {
    out.exclusiveMaximum = src.maximum;
    delete out.maximum;
  }
  if (typeof src.pattern === 'string' && isJsRegExp(src.pattern)) out.pattern = src.pattern;
  if (src.format === 'int32') {
    out.minimum ??= INT32.minimum;
    out.maximum ??= INT32.maximum;
  } else if (src.format === 'byte' && out.pattern === undefined) {
    out.pattern = BASE64;
  }
}

/** Whether a pattern compiles as a JavaScript unicode RegExp (ajv uses the `u` flag). */
function isJsRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

/** `type` plus `null` when nullable. */
export function withNull(type: string | string[], nullable: boolean): string | string[] {
  if (!nullable) return type;
  const types = Array.isArray(type) ? type : [type];
  return types.includes('null') ? types : [...types, 'null'];
}
