import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';

/** The options cdk8s's `Yaml.stringify` passes to the yaml package (cdk8s/lib/yaml.js). */
export const CDK8S_YAML_OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' } as const;

/** Files to write: path relative to the output folder → the object to serialize. */
export type FloorInput = ReadonlyArray<readonly [string, unknown]>;

/**
 * The floor: serialize each object with the same yaml options cdk8s uses and write it to its
 * file — nothing else (no constructs, no resolving, no checks, no staging). Returns the count
 * of files written.
 */
export function writeFloor(outdir: string, input: FloorInput): number {
  const dirs = new Set<string>();
  for (const [relative, object] of input) {
    const file = path.join(outdir, relative);
    const dir = path.dirname(file);
    if (!dirs.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      dirs.add(dir);
    }
    fs.writeFileSync(file, YAML.stringify(object, CDK8S_YAML_OPTIONS));
  }
  return input.length;
}
