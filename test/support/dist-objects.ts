import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** One object read from a YAML file. */
export interface DistObject {
  /** The file, relative to the folder that was read. */
  readonly file: string;
  /** The parsed object. */
  readonly obj: any;
}

/**
 * Parses every document of a YAML stream, skipping empty documents; a syntax error throws with `source` in the message.
 */
export function parseYamlObjects(text: string, source = '<yaml>'): any[] {
  const objects: any[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) objects.push(value);
  }
  return objects;
}

/**
 * Every Kubernetes object under `distDir`: each `*.yaml`/`*.yml` file, every document in it (multi-doc safe),
 * recursively, in sorted path order. `kustomization.yaml` files are not objects and are left out.
 */
export function loadDistObjects(distDir: string): DistObject[] {
  const out: DistObject[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        walk(path);
      } else if (/\.ya?ml$/.test(entry) && !/^kustomization\.ya?ml$/.test(entry)) {
        const file = relative(distDir, path);
        for (const obj of parseYamlObjects(readFileSync(path, 'utf8'), file)) out.push({ file, obj });
      }
    }
  };
  walk(distDir);
  return out;
}
