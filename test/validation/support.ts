import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { FleetValidationError } from '../../lib/errors';
import { parseFleet } from '../../lib/fleet-file/fleet-file';

export const EXAMPLE_FILE = path.join(__dirname, '..', '..', 'apps', 'fleet.yaml');
/** The example fleet's text (apps/fleet.yaml). */
export const EXAMPLE_TEXT = fs.readFileSync(EXAMPLE_FILE, 'utf8');
/** The example fleet as plain data. */
export function exampleData(): any {
  return parse(EXAMPLE_TEXT);
}

/** The FleetValidationError `fn` throws; fails the test when it throws nothing or something else. */
export function validationErrorOf(fn: () => unknown): FleetValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FleetValidationError) return e;
    throw new Error(`expected a FleetValidationError, got ${String(e)}`);
  }
  throw new Error('expected a FleetValidationError, nothing was thrown');
}

/** The error parseFleet throws for `text`. */
export function fileErrorOf(text: string, source = 'fleet.yaml'): FleetValidationError {
  return validationErrorOf(() => parseFleet(text, source));
}

export type DocPath = Array<string | number>;

/** Every path to a string value in `value` (map keys excluded). */
export function stringLeafPaths(value: unknown, at: DocPath = []): DocPath[] {
  if (typeof value === 'string') return [at];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeafPaths(v, [...at, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringLeafPaths(v, [...at, k]));
  return [];
}

/** Every path in `value`, containers included. */
export function allPaths(value: unknown, at: DocPath = []): DocPath[] {
  const here = at.length > 0 ? [at] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => allPaths(v, [...at, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => allPaths(v, [...at, k]))];
  return here;
}

/** A deep copy of `data` with the value at `path` replaced. */
export function withValueAt(data: unknown, path: DocPath, value: unknown): any {
  const copy = structuredClone(data) as any;
  let node = copy;
  for (const part of path.slice(0, -1)) node = node[part];
  node[path[path.length - 1]] = value;
  return copy;
}

/** No raw control or invisible character in a message (they must be shown escaped). */
export const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]|\p{Cf}/u;
