import { Yaml } from 'cdk8s';

/** Texts by the JSON of their object; cleared when it grows past MAX_ENTRIES. */
const texts = new Map<string, string>();
const MAX_ENTRIES = 256;

/**
 * `Yaml.stringify(object)`, remembered for objects that many clusters share byte for byte (the
 * GitOps wiring's health-check patches, the controller's RBAC, the AppProject, the Git source):
 * a later object with the same JSON reuses the text instead of serializing again. The JSON is a
 * faithful key only for plain data, so an object holding anything else (undefined, a number
 * JSON cannot write exactly, a class instance, a Date) is serialized every time.
 */
export function sharedYaml(object: unknown): string {
  let plain = true;
  const key = JSON.stringify(object, (_key, value: unknown) => {
    if (!plain) return undefined;
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint'
      || (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0)))
      || (typeof value === 'object' && value !== null && !Array.isArray(value)
        && ((Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) || typeof (value as { toJSON?: unknown }).toJSON === 'function'))) {
      plain = false;
      return undefined;
    }
    return value;
  }) as string | undefined;
  if (!plain || key === undefined) return Yaml.stringify(object);
  let text = texts.get(key);
  if (text === undefined) {
    text = Yaml.stringify(object);
    if (texts.size >= MAX_ENTRIES) texts.clear();
    texts.set(key, text);
  }
  return text;
}
