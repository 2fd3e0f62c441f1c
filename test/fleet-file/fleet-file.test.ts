import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { FleetValidationError } from '../../lib/errors';
import { loadFleetFile, parseFleet } from '../../lib/fleet-file/fleet-file';
import { FLEET_SCHEMA } from '../../lib/fleet-file/fleet-schema';
import { fleetSchemaText, FLEET_SCHEMA_FILE } from '../../apps/write-schema';

const EXAMPLE = path.join(__dirname, '..', '..', 'apps', 'fleet.yaml');
const base = fs.readFileSync(EXAMPLE, 'utf8');

function errorOf(text: string): FleetValidationError {
  try {
    parseFleet(text, 'fleet.yaml');
  } catch (e) {
    if (e instanceof FleetValidationError) return e;
    throw e;
  }
  throw new Error('expected the fleet to be rejected');
}

describe('fleet.yaml', () => {
  test('the example fleet loads, with the clusters it declares', () => {
    const fleet = loadFleetFile(EXAMPLE);
    const declared = Object.keys(parse(base).clusters).sort();
    expect(fleet.clusters.map((c) => c.name)).toEqual(declared);
    const upgrading = fleet.clusters.filter((c) => c.upgradeTo !== undefined);
    expect(upgrading.length).toBeGreaterThan(0);
  });

  test('schema problems name file, line, path, value and what is allowed — all at once', () => {
    const text = base
      .replace('maxUnavailable: "50%"', 'maxUnavailable: "150%"')
      .replace('rollout: RollingUpdate', 'rollout: Sometimes')
      .replace('    release: "4.19.3"\n', '    release: "4.19.3"\n    paused: true\n');
    const error = errorOf(text);
    expect(error.problems).toHaveLength(3);
    const lines = error.message.split('\n');
    const lineOf = (needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(lines.find((l) => l.includes('maxUnavailable'))).toMatch(
      new RegExp(`fleet\\.yaml:${lineOf('"150%"')}:\\d+: clusters\\.lab\\.pools\\.lab\\.maxUnavailable: cluster "lab", pool "lab": .*given "150%"; allowed: a whole number ≥ 1 or a percentage from 1% to 100%`));
    expect(lines.find((l) => l.includes('rollout'))).toMatch(/modules\.kmods-demo\.rollout: module "kmods-demo": .*given "Sometimes"; allowed: "OnDelete", "RollingUpdate"/);
    expect(lines.find((l) => l.includes('paused'))).toMatch(/clusters\.lab\.paused: cluster "lab": unknown field; given "paused"; allowed: release, upgradeTo/);
  });

  test('rule problems from the constructs carry the file position too', () => {
    const text = base.replace('release: "4.19.3"\n    pools:\n      lab:', 'release: "4.20.1"\n    pools:\n      lab:');
    const error = errorOf(text);
    const line = text.split('\n').findIndex((l) => l.includes('"4.20.1"')) + 1;
    expect(error.message).toContain(`fleet.yaml:${line}:14: clusters.lab.release: cluster "lab": release is not in the fleet's release catalog; given "4.20.1"`);
  });

  test('module problems name the module and field', () => {
    const error = errorOf(base.replace('repeat: "2"', '"x; rm -rf /": "2"'));
    expect(error.message).toMatch(/modules\.kmods-demo\.loadOrder\[0\]\.parameters\["x; rm -rf \/"\]: module "kmods-demo": invalid name; given "x; rm -rf \/"/);
    const prebuilt = errorOf(base.replace('      prebuilt:\n', '      prebuilt:\n        image: registry.example.com/gpfs-kmods:latest\n'));
    expect(prebuilt.message).toMatch(/modules\.gpfs\.source\.prebuilt\.image: module "gpfs": the image template must contain \$\{KERNEL_FULL_VERSION\}/);
  });

  test('YAML syntax errors and duplicate keys are reported with a position', () => {
    expect(errorOf('releases: {\n').message).toMatch(/fleet\.yaml:\d+:\d+: .*YAML:/);
    expect(errorOf('releases: {}\nreleases: {}\nclusters: {}\n').message).toMatch(/fleet\.yaml:2:1: .*YAML: Map keys must be unique/);
  });

  test('the published JSON Schema is up to date and accepts the example (checked with ajv)', () => {
    expect(fs.readFileSync(FLEET_SCHEMA_FILE, 'utf8')).toBe(fleetSchemaText());
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(FLEET_SCHEMA as object);
    expect(validate(parse(base)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(parse(base.replace('kernelType: realtime', 'kernelType: turbo')))).toBe(false);
  });
});
