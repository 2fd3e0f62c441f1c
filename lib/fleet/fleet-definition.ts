import type { GitOpsProps } from '../gitops/gitops-props';
import { KernelModule, kernelModuleProps, KernelModuleProps } from '../module/kernel-module';
import { moduleSourceFromData, ModuleSourceData } from '../module/module-source';
import type { OpenShiftReleaseProps } from '../release/release-catalog';

/** A kernel module's props as plain data: the source in its data form (see `ModuleSource.toData`). */
export interface KernelModuleData extends Omit<KernelModuleProps, 'source'> {
  readonly source: ModuleSourceData;
}

/**
 * What a Fleet is made from (its catalogs and GitOps props) as plain data, safe to pass to a
 * worker thread (structured clone): `new Fleet(fleetPropsOfDefinition(definition))` there has
 * the same catalogs and GitOps settings, so it renders every cluster plan as the original does.
 */
export interface FleetDefinition {
  readonly releases: ReadonlyArray<OpenShiftReleaseProps>;
  readonly modules: ReadonlyArray<KernelModuleData>;
  /** @default - no GitOps wiring */
  readonly gitops?: GitOpsProps;
}

/** The parts of FleetProps a definition holds. */
export interface FleetDefinitionInput {
  readonly releases?: ReadonlyArray<OpenShiftReleaseProps>;
  readonly modules?: ReadonlyArray<KernelModule | KernelModuleProps>;
  readonly gitops?: GitOpsProps;
}

/**
 * The definition of a fleet made from `props`, as a copy (later changes to `props` do not show),
 * or undefined when part of it is not plain data: a subclass of ModuleSource or KernelModule, a
 * function, a class instance, a getter, a cycle. Such a fleet is rendered in-process only.
 */
export function fleetDefinitionOf(props: FleetDefinitionInput): FleetDefinition | undefined {
  const modules: KernelModuleData[] = [];
  for (const m of props.modules ?? []) {
    const moduleProps = m instanceof KernelModule ? kernelModuleProps(m) : m;
    if (moduleProps === undefined || typeof moduleProps.source?.toData !== 'function') return undefined;
    const source = moduleProps.source.toData();
    if (source === undefined) return undefined;
    modules.push({ ...moduleProps, source });
  }
  const definition: FleetDefinition = {
    releases: props.releases ?? [],
    modules,
    ...(props.gitops !== undefined ? { gitops: props.gitops } : {}),
  };
  return isPlainData(definition) ? structuredClone(definition) : undefined;
}

/** The props of `new Fleet(...)` for a definition (sources revived from their data form). */
export function fleetPropsOfDefinition(definition: FleetDefinition): Required<Pick<FleetDefinitionInput, 'releases' | 'modules'>> & Pick<FleetDefinitionInput, 'gitops'> {
  return {
    releases: definition.releases,
    modules: definition.modules.map((m): KernelModuleProps => ({ ...m, source: moduleSourceFromData(m.source) })),
    ...(definition.gitops !== undefined ? { gitops: definition.gitops } : {}),
  };
}

/**
 * True when `value` is made of primitives (no symbols, no functions, no bigints), arrays and
 * objects whose prototype is Object.prototype or null, with plain data properties only (no
 * getters, no symbol keys) and no cycles: what a structured clone copies exactly.
 */
export function isPlainData(value: unknown, stack: object[] = []): boolean {
  if (value === null || value === undefined) return true;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return true;
  if (type !== 'object') return false;
  const object = value as object;
  if (stack.includes(object)) return false;
  const proto = Object.getPrototypeOf(object);
  const isArray = Array.isArray(object);
  if (isArray ? proto !== Array.prototype : proto !== Object.prototype && proto !== null) return false;
  if (Object.getOwnPropertySymbols(object).length > 0) return false;
  const inner = [...stack, object];
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(object))) {
    if (isArray && key === 'length') continue;
    if (!('value' in descriptor) || !descriptor.enumerable) return false;
    if (!isPlainData(descriptor.value, inner)) return false;
  }
  return true;
}
