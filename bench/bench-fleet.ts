import { Fleet } from '../lib/fleet/fleet';
import { KernelModuleProps } from '../lib/module/kernel-module';
import { OpenShiftReleaseProps } from '../lib/release/release-catalog';
import { fleetOfSize, FleetOfSizeOptions, fleetOfSizeClusterName, SIZED_FLEET_MODULES, TEST_RELEASES } from '../test/support/test-fleet';

/** Options of `benchFleet`. */
export type BenchFleetOptions = FleetOfSizeOptions;

/** Two releases, so every cluster runs one kernel and upgrades to a second (the tests' example releases). */
export const BENCH_RELEASES: ReadonlyArray<OpenShiftReleaseProps> = TEST_RELEASES;

/** Three modules, one per source kind (the tests' fixture modules). */
export const BENCH_MODULES: ReadonlyArray<KernelModuleProps> = SIZED_FLEET_MODULES;

/** Name of the i-th bench cluster (zero-padded so name order is index order). */
export const benchClusterName = fleetOfSizeClusterName;

/** The bench fleet: the tests' fixture fleet of `size` clusters (see `fleetOfSize`). */
export function benchFleet(size: number, options: BenchFleetOptions = {}): Fleet {
  return fleetOfSize(size, options);
}
