/**
 * Mutations of the example fleet for the fuzz suite (fuzz.test.ts) and the checker/ajv
 * agreement test (test/fleet-file/json-schema-check-ajv.test.ts): values replaced by hostile,
 * long, control-character or wrongly typed values, keys deleted or added, and text-level
 * edits (tags, merge keys, duplicated lines, anchors).
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { allPaths, DocPath } from './support';

export const HOSTILE_STRINGS = [
  '', ' ', '-oProxyCommand=touch /tmp/pwned', 'ssh://-oProxyCommand=id/x', '$(id)', '`id`', '\'; rm -rf / #', '"', '\\',
  '\u0000', '\u001b[31mred\u001b[0m', 'zero\u200bwidth', '\u202eevil', 'a\nb', '../../etc/passwd', 'kube-system', 'default',
  'openshift-machine-config-operator', '__proto__', 'constructor', '4.20', 'true', 'null', '${KERNEL_FULL_VERSION}', '100%', '0',
  'main..x', 'ref@{1}', 'x.lock', '日本語', 'ÄÖÜ', 'node-role.kubernetes.io/worker', 'quay.io/a/b:tag', 'registry.example.com/x@sha256:' + 'a'.repeat(64),
];

/** Long strings built from the pieces backtracking patterns choke on. */
const longString = fc.tuple(fc.constantFrom('a', 'a.', 'a-', '0', '/a', 'a_', '-', '.', ' ', '\u200b'), fc.integer({ min: 100, max: 200_000 }), fc.constantFrom('', '!', '/', '\u0000'))
  .map(([piece, length, tail]) => piece.repeat(Math.ceil(length / piece.length)) + tail);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: longString },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1.5, 4.2, 1e21, Number.NaN, Infinity), fc.boolean(), fc.constant(null)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom([], {}, [[[]]], { a: { b: { c: {} } } }) },
);

export type Mutation =
  | { readonly kind: 'replace'; readonly pick: number; readonly value: unknown }
  | { readonly kind: 'delete'; readonly pick: number }
  | { readonly kind: 'add'; readonly pick: number; readonly key: string; readonly value: unknown }
  | { readonly kind: 'text'; readonly pick: number; readonly insert: string }
  | { readonly kind: 'copy'; readonly pick: number; readonly from: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('add' as const), pick: fc.nat(), key: fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 12 })), value: hostileValue }) },
  // A value copied from elsewhere in the fleet: plausible input that meets the cross-field rules.
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('copy' as const), pick: fc.nat(), from: fc.nat() }) },
  // Text-level edits: tags, merge keys, a duplicated line (duplicate key or list item), an anchor/alias.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('text' as const), pick: fc.nat(), insert: fc.constantFrom('!!js/function ', '!local ', '!!binary ', '!!str ', '!!int ', '<<: {x: 1}\n', 'DUPLICATE', '&a ', '*a\n', '\t', '? [a]\n: b\n') }) },
);

/** The data after the data-level mutations (text-level ones are skipped). */
export function mutateData(base: unknown, mutations: ReadonlyArray<Mutation>): any {
  return applyDataMutations(base, mutations).data;
}

/** Applies data-level mutations; returns the YAML text (text-level mutations act on that text). */
export function mutate(base: unknown, mutations: ReadonlyArray<Mutation>): string {
  const { data, textEdits } = applyDataMutations(base, mutations);
  let text = stringify(data, { lineWidth: 0 });
  for (const edit of textEdits) {
    const lines = text.split('\n');
    const i = edit.pick % Math.max(1, lines.length - 1);
    if (edit.insert === 'DUPLICATE') lines.splice(i, 0, lines[i]);
    else if (edit.insert.endsWith('\n')) lines.splice(i, 0, lines[i].replace(/\S.*$/, '') + edit.insert.trimEnd());
    else lines[i] = lines[i].replace(/: /, `: ${edit.insert}`);
    text = lines.join('\n');
  }
  return text;
}

function applyDataMutations(base: unknown, mutations: ReadonlyArray<Mutation>): { data: any; textEdits: Array<Extract<Mutation, { kind: 'text' }>> } {
  const data = structuredClone(base) as any;
  const textEdits: Array<Extract<Mutation, { kind: 'text' }>> = [];
  for (const m of mutations) {
    if (m.kind === 'text') {
      textEdits.push(m);
      continue;
    }
    const paths = allPaths(data);
    if (paths.length === 0) continue;
    const target: DocPath = paths[m.pick % paths.length];
    const parent = target.slice(0, -1).reduce((node: any, part) => node[part], data);
    const key = target[target.length - 1];
    if (m.kind === 'replace') parent[key] = m.value;
    else if (m.kind === 'copy') parent[key] = structuredClone(paths[m.from % paths.length].reduce((node: any, part) => node[part], data));
    else if (m.kind === 'delete') Array.isArray(parent) ? parent.splice(Number(key), 1) : delete parent[key];
    else {
      const holder = parent[key];
      if (holder !== null && typeof holder === 'object' && !Array.isArray(holder)) Object.defineProperty(holder, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      else parent[key] = { [m.key]: m.value };
    }
  }
  return { data, textEdits };
}
