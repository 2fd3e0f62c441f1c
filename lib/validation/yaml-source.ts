import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Node, parseDocument, Scalar } from 'yaml';
import { Problem } from '../errors';
import { FORBIDDEN_KEYS } from './value-checks';

/**
 * fleet.yaml read as plain YAML 1.2 (the core schema): strings, numbers, booleans, null, lists
 * and maps. Anything else is refused here, where its position is known: tags outside the core
 * schema (`!!js/function`, `!!binary`, local `!tags`), merge keys (`<<`), complex keys, keys
 * naming JavaScript internals, and keys YAML would convert (`4.20:` is the number 4.2).
 * Problems carry the position and the path in the document; YAML syntax errors too.
 */

/** Explicit tags that mean what plain YAML means anyway. */
const CORE_TAGS: ReadonlySet<string> = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

type Path = Array<string | number>;

export interface ParsedFleetYaml {
  /** The document as plain data; undefined when `problems` is not empty. */
  readonly data: unknown;
  /** Problems found while reading, each with its location. */
  readonly problems: ReadonlyArray<Problem>;
  /** Attaches `file:line:col` to a problem (the deepest existing node of its path) and explains converted scalars. */
  locate(problem: Problem): Problem;
}

export function parseFleetYaml(text: string, source: string): ParsedFleetYaml {
  const lineCounter = new LineCounter();
  const at = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${source}:${line}:${col}`;
  };
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, schema: 'core', merge: false, strict: true });
  } catch (e) {
    return failed([{ path: [], message: `YAML: the document cannot be read (${e instanceof RangeError ? 'nested too deeply' : 'parser error'})`, location: source }]);
  }
  const problems: Problem[] = doc.errors.map((e) => ({
    path: pathAt(doc.contents, e.pos[0]), message: `YAML: ${e.message.split('\n')[0]}`, location: at(e.pos[0]),
  }));
  if (problems.length > 0) return failed(problems);
  checkNodes(doc.contents, [], text, at, problems);
  if (problems.length > 0) return failed(problems);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return failed([{ path: [], message: `YAML: ${(e as Error).message.split('\n')[0]}`, location: source }]);
  }

  const locate = (problem: Problem): Problem => {
    let node: unknown;
    let location = problem.location;
    for (let n = problem.path.length; n >= 0 && location === undefined; n--) {
      const found = doc.getIn(problem.path.slice(0, n), true) as Node | undefined;
      if (found && found.range) {
        location = at(found.range[0]);
        if (n === problem.path.length) node = found;
      }
    }
    return { ...problem, location: location ?? source, message: problem.message + conversionHint(node, problem, text) };
  };
  return { data, problems: [], locate };
}

function failed(problems: Problem[]): ParsedFleetYaml {
  return { data: undefined, problems, locate: (p) => p };
}

/** ` (YAML read 4.20 as the number 4.2; quote it, "4.20", to keep it as text)` when a plain scalar was converted. */
function conversionHint(node: unknown, problem: Problem, text: string): string {
  if (!isScalar(node) || typeof node.value === 'string' || node.type !== Scalar.PLAIN || !node.range) return '';
  if (problem.given === undefined || typeof problem.given === 'string') return '';
  const written = text.slice(node.range[0], node.range[1]).trim();
  if (written.length === 0 || written.length > 64) return '';
  const kind = typeof node.value === 'number' ? 'the number' : typeof node.value === 'boolean' ? 'the boolean' : 'null, i.e.';
  return ` (YAML read ${written} as ${kind} ${String(node.value)}; quote it, "${written}", to keep it as text)`;
}

/** Tags, keys and merge keys, everywhere in the document. */
function checkNodes(node: unknown, path: Path, text: string, at: (offset: number) => string, out: Problem[]): void {
  if (node === null || node === undefined || isAlias(node)) return;
  const n = node as Node;
  const offset = n.range?.[0] ?? 0;
  if (n.tag !== undefined && !CORE_TAGS.has(n.tag)) {
    out.push({ path, message: `YAML tag ${n.tag.replace(/^tag:yaml\.org,2002:/, '!!')} is not supported; a fleet file holds plain strings, numbers, booleans, lists and maps`,
      location: at(offset), allowed: 'no tag (or !!str to force text)' });
    return;
  }
  if (isSeq(n)) {
    n.items.forEach((item, i) => checkNodes(item, [...path, i], text, at, out));
  } else if (isMap(n)) {
    for (const pair of n.items) {
      if (!isPair(pair)) continue;
      const key = pair.key;
      const keyOffset = (key as Node | null)?.range?.[0] ?? offset;
      if (!isScalar(key)) {
        out.push({ path, message: 'complex keys (? [list] or ? {map}) are not supported; keys are plain names', location: at(keyOffset) });
        continue;
      }
      const name = String(key.value);
      if (key.tag !== undefined && !CORE_TAGS.has(key.tag)) {
        out.push({ path: [...path, name], message: `YAML tag ${key.tag} is not supported on a key`, location: at(keyOffset) });
        continue;
      }
      if (name === '<<' && key.type === Scalar.PLAIN) {
        out.push({ path: [...path, name], message: 'merge keys (<<) are not supported; write the fields out in full', location: at(keyOffset), allowed: 'plain keys' });
        continue;
      }
      if (FORBIDDEN_KEYS.has(name)) {
        out.push({ path: [...path, name], message: 'this key is not allowed (it names JavaScript object internals)', given: name, location: at(keyOffset), allowed: 'any other name' });
        continue;
      }
      if (typeof key.value !== 'string' && key.range) {
        const written = text.slice(key.range[0], key.range[1]).trim();
        if (written !== name) {
          out.push({ path: [...path, name], message: `YAML reads the key ${written} as ${String(key.value)}; quote it, "${written}", to keep it as written`, location: at(keyOffset) });
          continue;
        }
      }
      checkNodes(pair.value, [...path, name], text, at, out);
    }
  }
}

/** The path of the deepest node whose source range holds `offset` (for syntax errors deep in a file). */
export function pathAt(root: unknown, offset: number): Path {
  const path: Path = [];
  let node = root as Node | null;
  const holds = (n: unknown): boolean => {
    const r = (n as Node | null)?.range;
    return !!r && offset >= r[0] && offset <= r[2];
  };
  for (let depth = 0; node && depth < 64; depth++) {
    let next: Node | null = null;
    if (isMap(node)) {
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const valueNode = pair.value as Node | null;
        if (holds(keyNode) || holds(valueNode) || (keyNode?.range && valueNode?.range && offset >= keyNode.range[0] && offset <= valueNode.range[2])) {
          path.push(isScalar(keyNode) ? String(keyNode.value) : '?');
          next = holds(valueNode) ? valueNode : null;
          break;
        }
      }
    } else if (isSeq(node)) {
      const i = node.items.findIndex((item) => holds(item));
      if (i >= 0) {
        path.push(i);
        next = node.items[i] as Node;
      }
    }
    node = next;
  }
  return path;
}
