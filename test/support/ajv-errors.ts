import type { ErrorObject } from 'ajv';

/** A short description of a JSON value for error messages. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/**
 * Turns ajv errors (compiled with `verbose: true`) into one readable line each: `<json pointer>: <problem>`,
 * e.g. `/spec/template/spec/containers/0: unknown field "imagePullPolicyy"`. Duplicates are dropped.
 */
export function formatAjvErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  const lines = new Set<string>();
  for (const e of errors ?? []) {
    const at = e.instancePath || '/';
    const p = e.params as any;
    switch (e.keyword) {
      case 'additionalProperties':
        lines.add(`${at}: unknown field "${p.additionalProperty}"`);
        break;
      case 'required':
        lines.add(`${at}: missing required field "${p.missingProperty}"`);
        break;
      case 'type':
        lines.add(`${at}: must be ${String(p.type).replace(/,/g, ' or ')}, got ${describe(e.data)}`);
        break;
      case 'enum':
        lines.add(`${at}: must be one of ${JSON.stringify(p.allowedValues)}, got ${describe(e.data)}`);
        break;
      case 'pattern':
        lines.add(`${at}: must match /${p.pattern}/, got ${describe(e.data)}`);
        break;
      case 'anyOf':
      case 'oneOf':
        // The failing branches are reported on their own.
        break;
      default:
        lines.add(`${at}: ${e.message}${e.data === undefined ? '' : `, got ${describe(e.data)}`}`);
    }
  }
  return [...lines];
}
