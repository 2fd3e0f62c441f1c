import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { GroupVersionKind, ResourceScope, gvkKey } from './group-version-kind';
import { JsonSchema } from './schema-keywords';

/** One served version of a CustomResourceDefinition. */
export interface CrdVersion {
  /** Group, version and kind it serves. */
  readonly gvk: GroupVersionKind;
  /** Namespaced or cluster-scoped, from `spec.scope`. */
  readonly scope: ResourceScope;
  /** The structural `openAPIV3Schema` as written in the CRD. */
  readonly openApiV3Schema: JsonSchema;
  /** The CRD file, relative to the crds folder. */
  readonly file: string;
}

/** Every served version of every CustomResourceDefinition in the `*.yaml` files under `crdsDir`, by GVK key. */
export function loadCrdCatalog(crdsDir: string): Map<string, CrdVersion> {
  const catalog = new Map<string, CrdVersion>();
  for (const path of yamlFilesUnder(crdsDir)) {
    for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      const { group, names, scope } = crd.spec;
      for (const v of crd.spec.versions ?? []) {
        if (v.served === false || !v.schema?.openAPIV3Schema) continue;
        const gvk = { group, version: v.name, kind: names.kind };
        catalog.set(gvkKey(gvk), {
          gvk,
          scope: scope === 'Cluster' ? ResourceScope.CLUSTER : ResourceScope.NAMESPACED,
          openApiV3Schema: v.schema.openAPIV3Schema,
          file: relative(crdsDir, path),
        });
      }
    }
  }
  return catalog;
}

function yamlFilesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files.push(...yamlFilesUnder(path));
    else if (/\.ya?ml$/.test(entry)) files.push(path);
  }
  return files;
}
