import { FleetValidationError, Problem, ProblemCollector } from '../errors';
import { GitOpsProps } from '../gitops/gitops-props';
import { KernelModuleProps, LoaderKind, LoaderRollout } from '../module/kernel-module';
import { ModuleSource } from '../module/module-source';
import { KernelType } from '../node/kernel-type';
import { OpenShiftReleaseProps } from '../release/release-catalog';
import { ClusterProps } from '../plan/cluster-props';
import { Fleet } from '../fleet/fleet';
import { applyIbmStorageScalePreset } from '../presets/ibm-storage-scale';
import { readFleetText } from '../validation/fleet-text';
import { validateFleetDocument } from '../validation/validate';
import { parseFleetYaml } from '../validation/yaml-source';

/**
 * Reads a fleet file (YAML) and builds the Fleet it describes. Only a regular UTF-8 file of
 * at most 8 MiB is read (see lib/validation/fleet-text.ts).
 */
export function loadFleetFile(file: string): Fleet {
  return parseFleet(readFleetText(file), file);
}

/**
 * Builds a Fleet from fleet YAML text. Every problem found — YAML syntax and tags, the schema,
 * and the rules of lib/validation and the constructs — is reported at once, each as
 * `file:line:col: path: …` naming the cluster, pool or module, the value given and what is allowed.
 */
export function parseFleet(text: string, source = 'fleet.yaml'): Fleet {
  const parsed = parseFleetYaml(text.startsWith('\ufeff') ? text.slice(1) : text, source);
  const fail = (problems: ReadonlyArray<Problem>): never => {
    throw new FleetValidationError(problems.map((p) => parsed.locate(p)));
  };
  if (parsed.problems.length > 0) fail(parsed.problems);
  const data = parsed.data ?? {};
  const documentProblems = validateFleetDocument(data);
  if (documentProblems.length > 0) fail(documentProblems);
  const spec = data as FleetDocument;

  const presetProblems = new ProblemCollector();
  const modules = Object.entries(spec.modules ?? {}).map(([name, m]) => toModuleProps(name, withPreset(name, m, presetProblems)));
  if (presetProblems.problems.length > 0) fail(presetProblems.problems);
  let fleet: Fleet | undefined;
  try {
    fleet = new Fleet({
      releases: Object.entries(spec.releases ?? {}).map(([version, r]) => ({ ...r, version })),
      modules,
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

type ModuleDocument = Omit<KernelModuleProps, 'name' | 'source' | 'loader' | 'rollout' | 'loadOrder'> & {
  readonly preset?: 'ibm-storage-scale';
  readonly loadOrder?: KernelModuleProps['loadOrder'];
  readonly source: { git?: { url: string; ref: string; contextDir?: string; buildCommand?: string }; dockerfile?: string;
    prebuilt?: { image?: string; images?: Record<string, string> } };
  readonly loader?: string;
  readonly rollout?: string;
};

/** A module with its preset applied (the schema allows only known presets). */
function withPreset(name: string, m: ModuleDocument, problems: ProblemCollector): ModuleDocument {
  const { preset, ...rest } = m;
  if (preset === 'ibm-storage-scale') return applyIbmStorageScalePreset(rest as any, problems, ['modules', name]) as ModuleDocument;
  return rest;
}

function toModuleProps(name: string, m: ModuleDocument): KernelModuleProps {
  const { source, loader, rollout, loadOrder, ...rest } = m;
  return {
    ...rest,
    name,
    loadOrder: loadOrder ?? [],
    loader: loader as LoaderKind | undefined,
    rollout: rollout as LoaderRollout | undefined,
    source: source.git ? ModuleSource.git(source.git)
      : source.dockerfile !== undefined ? ModuleSource.dockerfile(source.dockerfile)
        : ModuleSource.prebuilt(source.prebuilt ?? {}),
  };
}
