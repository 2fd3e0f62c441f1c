import { Problem } from '../errors';
import { escapeCharacter, firstUnsafeCharacter } from './display';

/**
 * Checks that hold for every value a user gives, wherever it sits, before the schema and the
 * rules look at it: no keys that reach into JavaScript objects' prototypes, only plain data,
 * bounded nesting, bounded string lengths (so no pattern ever runs on a huge value), and no
 * control or invisible characters in values that end up in files, scripts, names or messages.
 */

/** Keys that name JavaScript object machinery; refused at every level. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Longest string value accepted, except Dockerfiles. */
export const MAX_STRING_LENGTH = 4096;
/** Longest inline Dockerfile accepted (it is stored in a BuildConfig or ConfigMap; see object-size.ts). */
export const MAX_DOCKERFILE_LENGTH = 128 * 1024;
/** Longest key accepted (label keys are at most 317 characters). */
export const MAX_KEY_LENGTH = 512;
/** Deepest nesting accepted; the fleet's own structure is 7 levels deep. */
export const MAX_DEPTH = 16;

/** True when the value at `path` is a Dockerfile (multi-line text, tabs allowed). */
function isDockerfile(path: ReadonlyArray<string | number>): boolean {
  return path.length >= 2 && path[path.length - 1] === 'dockerfile' && path[path.length - 2] === 'source';
}

const PRINTABLE = 'printable characters (no control, invisible or direction-changing characters)';

function describeCharacter(ch: string, index: number): string {
  return `contains the control or invisible character ${escapeCharacter(ch)} at character ${index + 1}; remove it`;
}

/** One problem per offending key or value under `value`, with its path (prefixed by `at`). */
export function checkValues(value: unknown, at: ReadonlyArray<string | number> = []): Problem[] {
  const out: Problem[] = [];
  walk(value, [...at], 0, out);
  return out;
}

function walk(value: unknown, path: Array<string | number>, depth: number, out: Problem[]): void {
  if (depth > MAX_DEPTH) {
    out.push({ path, message: `nested more than ${MAX_DEPTH} levels deep`, allowed: 'the fleet\'s own structure' });
    return;
  }
  if (typeof value === 'string') {
    checkString(value, path, out);
    return;
  }
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
      out.push({ path, message: `expected data, found a ${typeof value}`, allowed: 'strings, numbers, booleans, lists and objects' });
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, [...path, i], depth + 1, out));
    return;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    out.push({ path, message: `expected plain data (an object literal), found ${/^[A-Za-z0-9_$]{1,40}$/.test(name) ? `a ${name}` : 'another object'}`, allowed: 'strings, numbers, booleans, lists and object literals' });
    return;
  }
  for (const key of Object.keys(value)) {
    const child = [...path, key];
    if (FORBIDDEN_KEYS.has(key)) {
      out.push({ path: child, message: 'this key is not allowed (it names JavaScript object internals)', given: key, allowed: 'any other name' });
      continue;
    }
    if (key.length > MAX_KEY_LENGTH) {
      out.push({ path: [...path], message: `a key is longer than ${MAX_KEY_LENGTH} characters`, given: key, allowed: `keys of at most ${MAX_KEY_LENGTH} characters` });
      continue;
    }
    const bad = firstUnsafeCharacter(key);
    if (bad) {
      out.push({ path: child, message: `the key ${describeCharacter(bad.character, bad.index)}`, given: key, allowed: PRINTABLE });
      continue;
    }
    walk((value as Record<string, unknown>)[key], child, depth + 1, out);
  }
}

function checkString(value: string, path: ReadonlyArray<string | number>, out: Problem[]): void {
  const dockerfile = isDockerfile(path);
  const max = dockerfile ? MAX_DOCKERFILE_LENGTH : MAX_STRING_LENGTH;
  if (value.length > max) {
    out.push({ path, message: `is ${value.length} characters long; at most ${max} are accepted`, given: value, allowed: `at most ${max} characters` });
    return;
  }
  // A Dockerfile is multi-line text: tabs and line breaks are fine there, and only there.
  const text = dockerfile ? value.replace(/[\t\n\r]/g, ' ') : value;
  const bad = firstUnsafeCharacter(text);
  if (bad) out.push({ path, message: describeCharacter(bad.character, bad.index), given: value, allowed: dockerfile ? `${PRINTABLE}, tabs and line breaks` : PRINTABLE });
}
