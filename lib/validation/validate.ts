import { FleetValidationError, Problem } from '../errors';
import { FLEET_SCHEMA } from '../fleet-file/fleet-schema';
import { checkAgainstSchema, JsonSchema } from '../fleet-file/json-schema-check';
import { FleetFacts, gitopsNamespaces, ModuleFacts, ReleaseFacts } from './fleet-facts';
import { ClusterInput, clusterProblems, GitOpsInput, gitopsProblems, ModuleInput, moduleProblems, releaseProblems } from './fleet-rules';
import { allowedWithSuggestion } from './suggest';
import { checkValues } from './value-checks';

/**
 * The one validation layer for what users give us. fleet.yaml (after parsing) and the
 * TypeScript API (`new Fleet(props)`, `fleet.addCluster(name, props)`, `new KernelModule(props)`)
 * both come here, in the same plain form — the fleet document, keyed by name — and meet the
 * same checks in the same order:
 *
 * 1. value checks (value-checks.ts): plain data only, no prototype keys, bounded nesting and
 *    lengths, no control or invisible characters;
 * 2. the fleet JSON Schema (lib/fleet-file/fleet-schema.ts), the one editors use;
 * 3. the rules a schema cannot say (fleet-rules.ts).
 *
 * Each stage runs only on what passed the one before, so no pattern ever sees an unbounded
 * value. Problems carry the path in the fleet document (`clusters.lab.pools.gpu.modules[0]`).
 */

type Path = ReadonlyArray<string | number>;

const definitions = FLEET_SCHEMA.definitions as Readonly<Record<string, JsonSchema>>;
const topLevel = FLEET_SCHEMA.properties as Readonly<Record<string, JsonSchema>>;
/** The fleet schema without its required keys: a TypeScript fleet gets clusters one by one. */
const FLEET_PROPS_SCHEMA: JsonSchema = { ...FLEET_SCHEMA, required: [] };

const prefixed = (at: Path, problems: ReadonlyArray<Problem>): Problem[] => problems.map((p) => ({ ...p, path: [...at, ...p.path] }));

/** Checks `value` against the schema node `schema` (resolved against the fleet schema) at `at`. */
function schemaProblems(value: unknown, schema: JsonSchema, at: Path): Problem[] {
  return prefixed(at, checkAgainstSchema(value, schema, FLEET_SCHEMA));
}

/** A whole fleet document (parsed fleet.yaml): every problem, in the order above. */
export function validateFleetDocument(data: unknown): Problem[] {
  const values = checkValues(data);
  if (values.length > 0) return values;
  const schema = checkAgainstSchema(data, FLEET_SCHEMA);
  const doc = data as FleetDocumentShape;
  // The catalog rules check their own types, so they add what the schema cannot say at once.
  const out = [...schema, ...catalogRuleProblems(doc)];
  // Cluster rules read the catalogs: they run when the catalogs and the top level passed the
  // schema, on every cluster that passed it too, so one round reports every cluster's problems.
  const cataloguesClean = !schema.some((p) => p.path.length < 2 || p.path[0] !== 'clusters');
  if (!cataloguesClean) return out;
  const badClusters = new Set(schema.map((p) => p.path[1]));
  const facts = factsOfDocument(doc);
  for (const [name, cluster] of Object.entries(doc.clusters ?? {})) {
    if (!badClusters.has(name)) out.push(...clusterProblems(name, cluster, facts));
  }
  return out;
}

/** The fleet document, once the schema has accepted it. */
interface FleetDocumentShape {
  readonly gitops?: GitOpsInput & { readonly engine?: string; readonly argocdNamespace?: string; readonly fluxNamespace?: string };
  readonly releases?: Readonly<Record<string, ReleaseFacts>>;
  readonly modules?: Readonly<Record<string, ModuleInput & { readonly loadOrder: ReadonlyArray<{ readonly name: string }> }>>;
  readonly clusters?: Readonly<Record<string, ClusterInput>>;
}

/** Rules on the catalogs and GitOps settings; each checks the types it reads, so it may run beside the schema. */
function catalogRuleProblems(doc: FleetDocumentShape): Problem[] {
  const out: Problem[] = [];
  const isObject = (v: unknown): boolean => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(doc)) return out;
  if (isObject(doc.gitops)) out.push(...gitopsProblems(doc.gitops!));
  if (isObject(doc.releases)) {
    for (const [version, release] of Object.entries(doc.releases!)) if (isObject(release)) out.push(...releaseProblems(version, release));
  }
  if (isObject(doc.modules)) {
    for (const [name, module] of Object.entries(doc.modules!)) if (isObject(module)) out.push(...moduleProblems(name, module));
  }
  return out;
}

/** The facts the cluster rules read, from a fleet document. */
export function factsOfDocument(doc: FleetDocumentShape): FleetFacts {
  const releases = new Map<string, ReleaseFacts>(Object.entries(doc.releases ?? {}));
  const modules = new Map<string, ModuleFacts>(Object.entries(doc.modules ?? {}).map(([n, m]) => [n, { koNames: (m.loadOrder ?? []).map((k) => k.name) }]));
  return { releases, modules, gitopsNamespaces: gitopsNamespaces(doc.gitops) };
}

/** The props of `new Fleet(props)`, as far as the validator reads them. */
const FLEET_PROPS_KEYS = ['releases', 'modules', 'gitops', 'appPerCluster'];

/**
 * Validates `new Fleet(props)` at the API boundary and throws a FleetValidationError listing
 * every problem. `isBuiltModule` tells constructed KernelModules (validated when they were
 * built) from module props.
 */
export function validateFleetProps(props: unknown, isBuiltModule: (m: unknown) => boolean): void {
  const problems = fleetPropsProblems(props, isBuiltModule);
  if (problems.length > 0) throw new FleetValidationError(problems);
}

function fleetPropsProblems(props: unknown, isBuiltModule: (m: unknown) => boolean): Problem[] {
  if (props === undefined) return [];
  const shape = checkValues(props, []).filter((p) => p.path.length === 0);
  if (shape.length > 0 || props === null || typeof props !== 'object' || Array.isArray(props)) {
    return shape.length > 0 ? shape : [{ path: [], message: 'fleet props must be an object', given: props }];
  }
  const input = props as Record<string, unknown>;
  const out: Problem[] = [];
  for (const key of Object.keys(input)) {
    if (!FLEET_PROPS_KEYS.includes(key)) out.push({ path: [key], message: 'unknown prop', given: key, allowed: allowedWithSuggestion(key, FLEET_PROPS_KEYS) });
  }
  for (const key of ['appPerCluster']) {
    if (input[key] !== undefined && typeof input[key] !== 'boolean') out.push({ path: [key], message: `expected boolean, found ${typeof input[key]}`, given: input[key], allowed: 'true or false' });
  }
  const doc: Record<string, unknown> = {};
  if (input.gitops !== undefined) doc.gitops = withoutUndefined(input.gitops);
  const releases = keyedList(input.releases, 'releases', 'version', out);
  if (releases) doc.releases = releases;
  const modules: Record<string, unknown> = {};
  const builtNames = new Set<string>();
  if (input.modules !== undefined) {
    if (!Array.isArray(input.modules)) {
      out.push({ path: ['modules'], message: 'expected a list of modules', given: input.modules });
    } else {
      input.modules.forEach((m, i) => {
        if (isBuiltModule(m)) {
          const name = (m as { name: string }).name;
          if (builtNames.has(name) || name in modules) out.push({ path: ['modules', name], message: 'a module of this name is already in the fleet', given: name });
          builtNames.add(name);
          return;
        }
        const entry = moduleEntry(m, ['modules', i], out);
        if (!entry) return;
        if (builtNames.has(entry.name) || Object.prototype.hasOwnProperty.call(modules, entry.name)) {
          out.push({ path: ['modules', entry.name], message: 'a module of this name is already in the fleet', given: entry.name });
        } else {
          setOwn(modules, entry.name, entry.doc);
        }
      });
    }
  }
  if (Object.keys(modules).length > 0) doc.modules = modules;
  if (out.length > 0) return out;
  const values = checkValues(doc);
  if (values.length > 0) return values;
  return [...checkAgainstSchema(doc, FLEET_PROPS_SCHEMA), ...catalogRuleProblems(doc as FleetDocumentShape)];
}

/** A list of objects keyed by `keyField` (releases by version) as the document's map; duplicates are problems. */
function keyedList(list: unknown, field: string, keyField: string, out: Problem[]): Record<string, unknown> | undefined {
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) {
    out.push({ path: [field], message: `expected a list of ${field}`, given: list });
    return undefined;
  }
  const map: Record<string, unknown> = {};
  list.forEach((item, i) => {
    const shape = checkValues(item, [field, i]).filter((p) => p.path.length === 2);
    if (shape.length > 0 || item === null || typeof item !== 'object' || Array.isArray(item)) {
      out.push(...(shape.length > 0 ? shape : [{ path: [field, i], message: 'expected an object', given: item }]));
      return;
    }
    const { [keyField]: key, ...rest } = item as Record<string, unknown>;
    if (typeof key !== 'string') {
      out.push({ path: [field, i, keyField], message: `expected string, found ${key === undefined ? 'nothing' : typeof key}`, given: key });
    } else if (Object.prototype.hasOwnProperty.call(map, key)) {
      out.push({ path: [field, key], message: `${keyField} ${key} is listed twice`, given: key });
    } else {
      const nameProblems = schemaProblems(key, topLevel[field].propertyNames as JsonSchema, [field, key]);
      if (nameProblems.length > 0) out.push(...nameProblems.map((p) => ({ ...p, message: `invalid ${keyField}: ${p.message}` })));
      else setOwn(map, key, withoutUndefined(rest));
    }
  });
  return map;
}

/** One module's props as its document entry: name apart, source as `{git|dockerfile|prebuilt: …}`. */
function moduleEntry(m: unknown, at: Path, out: Problem[]): { name: string; doc: Record<string, unknown> } | undefined {
  if (m === null || typeof m !== 'object' || Array.isArray(m)) {
    out.push({ path: at, message: 'expected a KernelModule or module props', given: m });
    return undefined;
  }
  const { name, source, ...rest } = m as Record<string, unknown>;
  if (typeof name !== 'string') {
    out.push({ path: [...at, 'name'], message: `expected string, found ${name === undefined ? 'nothing' : typeof name}`, given: name });
    return undefined;
  }
  const doc: Record<string, unknown> = withoutUndefined(rest) as Record<string, unknown>;
  if (source !== undefined) doc.source = sourceDocument(source);
  return { name, doc };
}

/** A ModuleSource as the document writes it; anything else is left for the schema to describe. */
function sourceDocument(source: unknown): unknown {
  const s = source as { kind?: unknown; props?: unknown; text?: unknown };
  if (s !== null && typeof s === 'object' && Object.getPrototypeOf(s) !== Object.prototype) {
    if (s.kind === 'git') return { git: withoutUndefined(s.props) };
    if (s.kind === 'prebuilt') return { prebuilt: withoutUndefined(s.props) };
    if (s.kind === 'dockerfile') return { dockerfile: s.text };
  }
  return source;
}

/** Validates `new KernelModule(props)`; throws a FleetValidationError naming `modules.<name>.<field>`. */
export function validateModuleProps(props: unknown): void {
  const out: Problem[] = [];
  const shape = checkValues(props).filter((p) => p.path.length === 0);
  if (shape.length > 0) throw new FleetValidationError(prefixed(['modules'], shape));
  const entry = moduleEntry(props, ['modules'], out);
  if (!entry) throw new FleetValidationError(out);
  const at: Path = ['modules', entry.name];
  const nameProblems = schemaProblems(entry.name, topLevel.modules.propertyNames as JsonSchema, at);
  if (nameProblems.length > 0) throw new FleetValidationError(nameProblems.map((p) => ({ ...p, message: `invalid module name: ${p.message}` })));
  const problems = firstFailingStage([
    () => checkValues(entry.doc, at),
    () => schemaProblems(entry.doc, definitions.module, at),
    () => moduleProblems(entry.name, entry.doc as ModuleInput),
  ]);
  if (problems.length > 0) throw new FleetValidationError(problems);
}

/** Validates `fleet.addCluster(name, props)` against the fleet's catalogs; throws a FleetValidationError. */
export function validateClusterProps(name: unknown, props: unknown, facts: FleetFacts): void {
  const at: Path = ['clusters', String(name)];
  if (typeof name !== 'string') throw new FleetValidationError([{ path: ['clusters'], message: 'a cluster name must be a string', given: name }]);
  const nameProblems = firstFailingStage([
    () => checkValues(name, at),
    () => schemaProblems(name, topLevel.clusters.propertyNames as JsonSchema, at),
  ]);
  if (nameProblems.length > 0) throw new FleetValidationError(nameProblems.map((p) => ({ ...p, message: `invalid cluster name: ${p.message}` })));
  const doc = withoutUndefined(props);
  const problems = firstFailingStage([
    () => checkValues(doc, at),
    () => schemaProblems(doc, definitions.cluster, at),
    () => clusterProblems(name, doc as ClusterInput, facts),
  ]);
  if (problems.length > 0) throw new FleetValidationError(problems);
}

/** The problems of the first stage that finds any. */
function firstFailingStage(stages: ReadonlyArray<() => Problem[]>): Problem[] {
  for (const stage of stages) {
    const problems = stage();
    if (problems.length > 0) return problems;
  }
  return [];
}

/**
 * Plain objects without their `undefined` members (a TypeScript `{ upgradeTo: undefined }`
 * means "not set"), recursively; anything else as it is.
 */
function withoutUndefined(value: unknown, depth = 0): unknown {
  if (depth > 20 || value === null || typeof value !== 'object' || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) setOwn(out, k, withoutUndefined(v, depth + 1));
  return out;
}

/** `target[key] = value` as an own property, even for `__proto__` (which assignment would turn into a prototype). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
