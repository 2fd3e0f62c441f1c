import { Yaml } from 'cdk8s';

/**
 * Stands for the cluster's name in the key and text of a shared serialization. Lower-case letters
 * only: JSON and YAML write it as is, in any scalar style, and it never occurs in our output.
 */
const PLACEHOLDER = 'zqkmodsclusternameqz';

/** A serialization many objects share, by the JSON of the object with the cluster's name replaced by PLACEHOLDER. */
interface SharedText {
  /** How often the key was seen; the text is made at the second sighting. */
  seen: number;
  /** `Yaml.stringify` of the object with PLACEHOLDER for the cluster's name. @default - not made yet */
  text?: string;
  /** The distinct strings of that object that hold PLACEHOLDER (each is checked for every name it is used with). */
  strings?: ReadonlyArray<string>;
  /** False when PLACEHOLDER sits in a mapping key or the object does not come back from its JSON: never shared. */
  usable?: boolean;
  /** The last name every string of `strings` was found to fit (clusters come one at a time). */
  fits?: string;
}

/** Shared texts by key; cleared when it grows past MAX_ENTRIES (memory stays bounded at any fleet size). */
const shared = new Map<string, SharedText>();
const MAX_ENTRIES = 4096;

/**
 * For the name being checked: per string with PLACEHOLDER, whether putting the name in changes
 * nothing but the name in its YAML. Clusters are rendered one at a time, so one name at a time is kept.
 */
let checkedName: string | undefined;
let checked = new Map<string, boolean>();

/**
 * `Yaml.stringify(object)` — byte for byte — serialized once for all objects that differ only in
 * the cluster's name `name` (every cluster object carries it as a label; most objects are the
 * same in every cluster of a fleet but for it): the object's JSON with the name replaced by a
 * placeholder is the key, and the text made for the key has the placeholder replaced back by
 * each cluster's name. This is where synthesis can cost less than serializing every object
 * (bench/: the floor).
 *
 * Sharing is used only where it is exact; everything else is serialized as usual:
 * - the object must be plain data (a key must describe it: no undefined, class instances,
 *   numbers JSON cannot write exactly), and its JSON must hold no `\u` escape (a name could
 *   match inside one);
 * - the name must stand only inside strings (else the JSON no longer parses) and never in a
 *   mapping key;
 * - for each string that holds the name, its YAML with the name put in must equal its YAML with
 *   the placeholder, the name put in afterwards (the name cannot change a scalar's style or
 *   quoting — `yes`, `null` or `1e5` would); checked once per string and name.
 * A key is turned into a shared text when it is seen a second time, so objects that occur once
 * cost only their key. Without `name`, objects with the same JSON share their text. `knownJson` is
 * `plainJson(object)` when the caller has it already.
 */
export function sharedYaml(object: unknown, name?: string, knownJson?: string): string {
  const json = knownJson ?? plainJson(object);
  if (json === undefined) return Yaml.stringify(object);
  const templated = name !== undefined && name.length > 0 && !json.includes('\\u') && !json.includes(PLACEHOLDER);
  const key = templated ? json.split(`${name}`).join(PLACEHOLDER) : json;
  let entry = shared.get(key);
  if (entry === undefined) {
    if (shared.size >= MAX_ENTRIES) shared.clear();
    entry = { seen: 0 };
    shared.set(key, entry);
  }
  entry.seen += 1;
  if (entry.seen < 2) return Yaml.stringify(object);
  if (entry.usable === undefined) makeShared(entry, key);
  if (!entry.usable) return Yaml.stringify(object);
  if (!templated || key === json) return entry.text!;
  if (entry.fits !== name) {
    for (const s of entry.strings!) if (!nameFits(s, name!)) return Yaml.stringify(object);
    entry.fits = name;
  }
  return entry.text!.split(PLACEHOLDER).join(name!);
}

/** Makes the shared text of `key` (the JSON with PLACEHOLDER), or marks it unusable. */
function makeShared(entry: SharedText, key: string): void {
  let value: unknown;
  try {
    value = JSON.parse(key);
  } catch {
    entry.usable = false; // the name stood outside a string (in a number or a literal)
    return;
  }
  const strings = new Set<string>();
  let inKey = false;
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (v.includes(PLACEHOLDER)) strings.add(v);
    } else if (Array.isArray(v)) {
      for (const item of v) walk(item);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        if (k.includes(PLACEHOLDER)) inKey = true;
        walk(item);
      }
    }
  };
  walk(value);
  entry.usable = !inKey;
  if (!entry.usable) return;
  entry.strings = [...strings];
  entry.text = Yaml.stringify(value);
}

/** True when putting `name` for PLACEHOLDER in string `s` changes its YAML only by that replacement. */
function nameFits(s: string, name: string): boolean {
  if (checkedName !== name) {
    checkedName = name;
    checked = new Map();
  }
  let fits = checked.get(s);
  if (fits === undefined) {
    fits = Yaml.stringify(s.split(PLACEHOLDER).join(name)) === Yaml.stringify(s).split(PLACEHOLDER).join(name);
    checked.set(s, fits);
  }
  return fits;
}

/** The JSON of `object` when it is plain data that JSON describes exactly, else undefined. */
export function plainJson(object: unknown): string | undefined {
  return isPlainData(object) ? JSON.stringify(object) : undefined;
}

/**
 * True for null, booleans, strings, finite numbers other than -0, arrays and plain objects (no
 * prototype but Object's, no toJSON) of those: values JSON writes and reads back unchanged.
 */
function isPlainData(value: unknown): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (Array.isArray(value)) {
        for (const item of value) if (!isPlainData(item)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if ((proto !== Object.prototype && proto !== null) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
      for (const key of Object.keys(value as object)) if (!isPlainData((value as Record<string, unknown>)[key])) return false;
      return true;
    }
    default:
      return false;
  }
}
