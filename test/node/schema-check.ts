/**
 * The node tests' schema checks, on the shared validation harness (test/support/validate.ts):
 * Ignition configs against the Ignition schema of their version, objects against their CRD.
 */
import { sharedAvailable, validateIgnition, validateManifest } from '../support/validate';

export { sharedAvailable };

/** Errors of an Ignition config against the schema of its `ignition.version`. */
export function nodeTestIgnitionSchemaErrors(config: any): string[] {
  return validateIgnition(config);
}

/** Errors of a MachineConfig, MachineConfigPool or MachineConfiguration against its CRD (strict). */
export function nodeTestCrdSchemaErrors(obj: any): string[] {
  return validateManifest(obj);
}
