import { KernelModule } from '../module/kernel-module';
import { ModuleCatalog } from '../module/module-catalog';
import { KernelVersion } from '../release/kernel-version';
import { OpenShiftRelease, ReleaseCatalog } from '../release/release-catalog';
import { ClusterPlan } from './cluster-plan';

/** The fleet's catalogs a plan refers into by name; renderers look definitions up here. */
export interface FleetCatalogs {
  readonly releases: ReleaseCatalog;
  readonly modules: ModuleCatalog;
}

/** The catalog module a plan names (it was checked when the plan was made). */
export function planModule(catalogs: FleetCatalogs, name: string): KernelModule {
  const module = catalogs.modules.tryGet(name);
  if (!module) throw new Error(`module "${name}" is not in the fleet's catalog`);
  return module;
}

/** The catalog release a plan names. */
export function planRelease(catalogs: FleetCatalogs, version: string): OpenShiftRelease {
  const release = catalogs.releases.tryGet(version);
  if (!release) throw new Error(`release ${version} is not in the fleet's catalog`);
  return release;
}

/** The releases a cluster runs: its release, then `upgradeTo` during an upgrade. */
export function planReleases(plan: ClusterPlan, catalogs: FleetCatalogs): OpenShiftRelease[] {
  return plan.releases.map((v) => planRelease(catalogs, v));
}

/** The release of the cluster that ships `kernel` (its Driver Toolkit builds for it). */
export function planReleaseOf(plan: ClusterPlan, catalogs: FleetCatalogs, kernel: string): OpenShiftRelease {
  const entry = plan.kernels.find((k) => k.full === kernel);
  if (!entry) throw new Error(`no release of cluster ${plan.name} ships kernel ${kernel}`);
  return planRelease(catalogs, entry.release);
}

/** The catalog's kernel of the cluster with this `uname -r`. */
export function planKernel(plan: ClusterPlan, catalogs: FleetCatalogs, full: string): KernelVersion {
  const release = planReleaseOf(plan, catalogs, full);
  const kernel = [release.kernel, release.realtimeKernel, release.kernel64k].find((k) => k?.full === full);
  if (!kernel) throw new Error(`release ${release.version} does not ship kernel ${full}`);
  return kernel;
}

/** The catalog's kernels of the cluster, in the order given. */
export function planKernels(plan: ClusterPlan, catalogs: FleetCatalogs, kernels: ReadonlyArray<string>): KernelVersion[] {
  return kernels.map((k) => planKernel(plan, catalogs, k));
}
