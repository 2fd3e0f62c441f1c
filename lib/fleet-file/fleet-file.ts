import * as fs from 'fs';
import { LineCounter, parseDocument } from 'yaml';
import { FleetValidationError, Problem, ProblemCollector } from '../errors';
import { GitOpsProps } from '../gitops/gitops-props';
import { KernelModuleProps, LoaderKind, LoaderRollout } from '../module/kernel-module';
import { ModuleSource } from '../module/module-source';
import { KernelType } from '../node/kernel-type';
import { OpenShiftReleaseProps } from '../release/release-catalog';
import { ClusterProps } from '../plan/cluster-props';
import { Fleet } from '../fleet/fleet';
import { FLEET_SCHEMA } from './fleet-schema';
import { checkAgainstSchema } from './json-schema-check';

/** Reads a fleet file (YAML) and builds the Fleet it describes. */
export function loadFleetFile(file: string): Fleet {
  return parseFleet(fs.readFileSync(file, 'utf8'), file);
}

/**
 * Builds a Fleet from fleet YAML text. Every problem found — YAML syntax, the schema, and the
 * rules the constructs apply — is reported at once, each as `file:line:col: path: …` naming
 * the cluster, pool or module, the value given and what is allowed.
 */
export function parseFleet(text: string, source = 'fleet.yaml'): Fleet {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const locate = (path: ReadonlyArray<string | number>): string => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node && node.range) {
        const { line, col } = lineCounter.linePos(node.range[0]);
        return `${source}:${line}:${col}`;
      }
    }
    return source;
  };
  const fail = (problems: ReadonlyArray<Problem>): never => {
    throw new FleetValidationError(problems.map((p) => ({ ...p, location: p.location ?? locate(p.path) })));
  };

  if (doc.errors.length > 0) {
    fail(doc.errors.map((e) => {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      return { path: [], message: `YAML: ${e.message.split('\n')[0]}`, location: `${source}:${line}:${col}` };
    }));
  }
  const data = doc.toJS() as unknown;
  const schemaProblems = checkAgainstSchema(data ?? {}, FLEET_SCHEMA);
  if (schemaProblems.length > 0) fail(schemaProblems);
  const spec = data as FleetDocument;

  let fleet: Fleet | undefined;
  try {
    fleet = new Fleet({
      releases: Object.entries(spec.releases ?? {}).map(([version, r]) => ({ ...r, version })),
      modules: Object.entries(spec.modules ?? {}).map(([name, m]) => toModuleProps(name, m)),
      gitops: spec.gitops,
    });
  } catch (e) {
    if (e instanceof FleetValidationError) fail(e.problems);
    throw e;
  }
  const problems = new ProblemCollector();
  for (const [name, cluster] of Object.entries(spec.clusters ?? {})) {
    // Plans only: synthesis renders one cluster at a time (see Fleet.defineCluster).
    problems.capture(() => fleet!.defineCluster(name, cluster as ClusterProps));
  }
  if (problems.problems.length > 0) fail(problems.problems);
  return fleet;
}

/** The fleet file, after the schema check. */
interface FleetDocument {
  readonly gitops?: GitOpsProps;
  readonly releases?: Record<string, Omit<OpenShiftReleaseProps, 'version'>>;
  readonly modules?: Record<string, ModuleDocument>;
  readonly clusters?: Record<string, {
    release: string; upgradeTo?: string; namespace?: string; defaultLoader?: LoaderKind;
    pools: Record<string, { kernelType?: KernelType }>;
  }>;
}

type ModuleDocument = Omit<KernelModuleProps, 'name' | 'source' | 'loader' | 'rollout'> & {
  readonly source: { git?: { url: string; ref: string; contextDir?: string; buildCommand?: string }; dockerfile?: string;
    prebuilt?: { image?: string; images?: Record<string, string> } };
  readonly loader?: string;
  readonly rollout?: string;
};

function toModuleProps(name: string, m: ModuleDocument): KernelModuleProps {
  const { source, loader, rollout, ...rest } = m;
  return {
    ...rest,
    name,
    loader: loader as LoaderKind | undefined,
    rollout: rollout as LoaderRollout | undefined,
    source: source.git ? ModuleSource.git(source.git)
      : source.dockerfile !== undefined ? ModuleSource.dockerfile(source.dockerfile)
        : ModuleSource.prebuilt(source.prebuilt ?? {}),
  };
}
