import { displayValue, escapeUnsafe, truncate } from './validation/display';

/**
 * One problem in the user's input: where it is, what was given and what is allowed.
 *
 * `path` is the location in the fleet description, e.g.
 * `['clusters', 'gpu-prod', 'pools', 'gpu', 'maxUnavailable']`; it reads the same for a
 * `fleet.yaml` and for the TypeScript props, so messages name cluster, pool, module and field.
 */
export interface Problem {
  /** Location in the fleet description. */
  readonly path: ReadonlyArray<string | number>;
  /** What is wrong, in lower case, without the location. */
  readonly message: string;
  /** The value that was given. @default - not shown */
  readonly given?: unknown;
  /** What would be accepted. @default - not shown */
  readonly allowed?: string;
  /** Where the value sits in a file, e.g. `apps/fleet.yaml:12:7`. @default - no file position */
  readonly location?: string;
}

/** Renders a path as `clusters.gpu-prod.pools[0]`. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z0-9_-]{1,120}$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${displayValue(part)}]`;
  }
  return out || '(top level)';
}

/** Names the cluster / pool / module a path points into, e.g. `cluster "a", pool "gpu"`. */
export function describeSubject(path: ReadonlyArray<string | number>): string {
  const owners: Record<string, string> = { clusters: 'cluster', pools: 'pool', modules: 'module', releases: 'release' };
  const parts: string[] = [];
  for (let i = 0; i + 1 < path.length; i++) {
    const owner = owners[String(path[i])];
    if (owner && typeof path[i + 1] === 'string') parts.push(`${owner} ${displayValue(path[i + 1])}`);
  }
  return parts.join(', ');
}

/**
 * Renders one problem as a single line. User values are quoted, cut when long, and shown with
 * control and invisible characters escaped (`\u200b`), so a message never carries them raw.
 */
export function formatProblem(problem: Problem, source?: string): string {
  const file = problem.location ?? source;
  const where = file ? `${file}: ${formatPath(problem.path)}` : formatPath(problem.path);
  const subject = describeSubject(problem.path);
  let line = `${where}: ${subject ? `${subject}: ` : ''}${truncate(problem.message, 400)}`;
  if (problem.given !== undefined) line += `; given ${displayValue(problem.given)}`;
  if (problem.allowed !== undefined) line += `; allowed: ${truncate(problem.allowed, 600)}`;
  return escapeUnsafe(line);
}

/**
 * Thrown when the fleet description is invalid. Carries every problem found, so a user fixes
 * them in one round instead of one per run.
 */
export class FleetValidationError extends Error {
  public readonly problems: ReadonlyArray<Problem>;

  constructor(problems: ReadonlyArray<Problem>, source?: string) {
    const lines = problems.map((p) => `  - ${formatProblem(p, source)}`);
    super(`invalid fleet (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    this.name = 'FleetValidationError';
    this.problems = problems;
  }
}

/** Collects problems under a common path prefix and throws them together. */
export class ProblemCollector {
  private readonly found: Problem[] = [];

  constructor(private readonly prefix: ReadonlyArray<string | number> = []) {}

  /** Records a problem at `prefix + path`. */
  public add(path: ReadonlyArray<string | number>, message: string, given?: unknown, allowed?: string): void {
    this.found.push({ path: [...this.prefix, ...path], message, given, allowed });
  }

  /** Records problems that were collected elsewhere (their paths are taken as they are). */
  public addAll(problems: ReadonlyArray<Problem>): void {
    this.found.push(...problems);
  }

  /** Runs `fn`, turning a thrown FleetValidationError into recorded problems. */
  public capture(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (e instanceof FleetValidationError) this.addAll(e.problems);
      else throw e;
    }
  }

  public get problems(): ReadonlyArray<Problem> {
    return this.found;
  }

  /** Throws a FleetValidationError when any problem was recorded. */
  public throwIfAny(source?: string): void {
    if (this.found.length > 0) throw new FleetValidationError(this.found, source);
  }
}
