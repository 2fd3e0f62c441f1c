import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadDistObjects, parseYamlObjects } from './dist-objects';
import { kustomizeBuild } from './kustomize';

/** `Kind namespace/name` of an object, for comparing sets of objects. */
export function objectIdentity(obj: any): string {
  const ns = obj?.metadata?.namespace ? `${obj.metadata.namespace}/` : '';
  return `${obj?.kind} ${ns}${obj?.metadata?.name}`;
}

/** The cluster folders under `<dist>/clusters`, sorted; empty when there is none. */
export function clusterFolders(distDir: string): string[] {
  const root = join(distDir, 'clusters');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((e) => statSync(join(root, e)).isDirectory())
    .sort()
    .map((e) => join(root, e));
}

/**
 * What is wrong with one `dist/clusters/<cluster>` folder as a kustomization: it must have a kustomization.yaml
 * whose `resources` list every YAML file of the folder (no orphans, nothing missing), and `kubectl kustomize`
 * must succeed and yield exactly the objects of the listed files, one per file. Empty when it is fine.
 */
export function clusterFolderProblems(dir: string): string[] {
  const kustomizationFile = join(dir, 'kustomization.yaml');
  if (!existsSync(kustomizationFile)) return [`${dir}: no kustomization.yaml`];
  const resources: unknown = parse(readFileSync(kustomizationFile, 'utf8'))?.resources;
  if (!Array.isArray(resources) || resources.length === 0) return [`${kustomizationFile}: resources must be a non-empty list`];
  const problems: string[] = [];
  const listed = new Set(resources.map(String));
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && !/^kustomization\.ya?ml$/.test(f));
  for (const f of files) if (!listed.has(f)) problems.push(`${dir}/${f}: not listed in kustomization.yaml resources`);
  const expected: string[] = [];
  for (const r of listed) {
    const path = join(dir, r);
    if (!existsSync(path)) {
      problems.push(`${kustomizationFile}: lists ${r}, which does not exist`);
    } else if (statSync(path).isDirectory()) {
      expected.push(...loadDistObjects(path).map((o) => objectIdentity(o.obj)));
    } else {
      const objs = parseYamlObjects(readFileSync(path, 'utf8'), path);
      if (objs.length !== 1) problems.push(`${path}: holds ${objs.length} objects, expected one object per file`);
      expected.push(...objs.map(objectIdentity));
    }
  }
  if (problems.length > 0) return problems;
  let built: string[];
  try {
    built = parseYamlObjects(kustomizeBuild(dir), `kubectl kustomize ${dir}`).map(objectIdentity);
  } catch (e) {
    return [(e as Error).message];
  }
  if (built.length !== expected.length) {
    problems.push(`${dir}: kubectl kustomize yields ${built.length} objects for the ${expected.length} objects of its ${resources.length} listed resources`);
  }
  const missing = expected.filter((id) => !built.includes(id));
  const extra = built.filter((id) => !expected.includes(id));
  if (missing.length) problems.push(`${dir}: kubectl kustomize output lacks ${missing.join(', ')}`);
  if (extra.length) problems.push(`${dir}: kubectl kustomize output has unexpected ${extra.join(', ')}`);
  return problems;
}
