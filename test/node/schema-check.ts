/**
 * Minimal schema checks for the node tests (until the shared harness test/support/validate.ts
 * is merged): Ignition configs against the upstream Ignition JSON schema of their version, and
 * objects against the openAPIV3Schema of the saved CRDs. Both read ../shared; when it is missing
 * the checks are skipped locally and fail in CI.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import { parse } from 'yaml';

export const SHARED_DIR = resolve(__dirname, '../../../shared');

/** True when ../shared is there; throws in CI when it is not (tests must not silently skip there). */
export function sharedAvailable(): boolean {
  const found = existsSync(resolve(SHARED_DIR, 'schemas/ignition')) && existsSync(resolve(SHARED_DIR, 'crds/openshift'));
  if (!found && process.env.CI === 'true') throw new Error(`${SHARED_DIR} is missing; the schema tests need it in CI`);
  return found;
}

const ignitionValidators = new Map<string, ReturnType<AjvDraft04['compile']>>();

/** Errors of `config` against `ignition-v<config.ignition.version>.schema.json` (empty when valid). */
export function nodeTestIgnitionSchemaErrors(config: any): string[] {
  const version = config?.ignition?.version;
  let validate = ignitionValidators.get(version);
  if (!validate) {
    const file = resolve(SHARED_DIR, `schemas/ignition/ignition-v${version}.schema.json`);
    if (!existsSync(file)) return [`no Ignition schema for version ${JSON.stringify(version)}`];
    const ajv = new AjvDraft04({ allErrors: true, strict: false });
    validate = ajv.compile(JSON.parse(readFileSync(file, 'utf8')));
    ignitionValidators.set(version, validate);
  }
  return validate(config) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const CRD_FILES: Record<string, string> = {
  MachineConfig: 'crds/openshift/machineconfigs.machineconfiguration.openshift.io.yaml',
  MachineConfigPool: 'crds/openshift/machineconfigpools.machineconfiguration.openshift.io.yaml',
  MachineConfiguration: 'crds/openshift/machineconfigurations.operator.openshift.io.yaml',
};
const crdValidators = new Map<string, ReturnType<Ajv['compile']>>();

/** Errors of `obj` against the openAPIV3Schema of its CRD (CEL rules are not evaluated). */
export function nodeTestCrdSchemaErrors(obj: any): string[] {
  let validate = crdValidators.get(obj.kind);
  if (!validate) {
    const file = CRD_FILES[obj.kind];
    if (!file) return [`no CRD for kind ${obj.kind}`];
    const crd = parse(readFileSync(resolve(SHARED_DIR, file), 'utf8'));
    const version = crd.spec.versions.find((v: any) => `${crd.spec.group}/${v.name}` === obj.apiVersion);
    if (!version) return [`apiVersion ${obj.apiVersion} is not served by the CRD`];
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    validate = ajv.compile(closeObjects(version.schema.openAPIV3Schema));
    crdValidators.set(obj.kind, validate);
  }
  return validate(obj) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/**
 * The API server prunes fields a structural schema does not know instead of rejecting them; a
 * typo would silently vanish. Closing every object that lists its properties turns that into an error.
 */
function closeObjects(schema: any): any {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: any = {};
  for (const [key, value] of Object.entries(schema)) out[key] = key === 'properties' ? mapValues(value as any, closeObjects) : closeObjects(value);
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}

function mapValues(obj: Record<string, any>, fn: (v: any) => any): Record<string, any> {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, fn(v)]));
}
