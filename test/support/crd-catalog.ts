import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
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
  /** The file name does not follow `<plural>.<group>.yaml`. */
  readonly misnamed: boolean;
}

/**
 * The CustomResourceDefinitions in the `*.yaml` files under a folder (recursively). Files are named
 * `<plural>.<group>.yaml` (see the SOURCES.md files), so a lookup parses only the files of the group it asks
 * for; parsing all of them (1.4 MB ApplicationSet included) would cost every test process about a second.
 */
export class CrdCatalog {
  private readonly files: string[];
  private readonly loaded = new Set<string>();
  private readonly versions = new Map<string, CrdVersion>();

  constructor(private readonly crdsDir: string) {
    this.files = yamlFilesUnder(crdsDir);
  }

  /** The served version of a group/version/kind, or undefined. */
  get(gvk: GroupVersionKind): CrdVersion | undefined {
    if (gvk.group !== '') {
      for (const f of this.files) if (basename(f).replace(/\.ya?ml$/, '').endsWith(`.${gvk.group}`)) this.load(f);
    }
    return this.versions.get(gvkKey(gvk));
  }

  /** Every served version of every CRD (parses all files). */
  all(): CrdVersion[] {
    this.files.forEach((f) => this.load(f));
    return [...this.versions.values()];
  }

  private load(path: string): void {
    if (this.loaded.has(path)) return;
    this.loaded.add(path);
    for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      const { group, names, scope } = crd.spec;
      const misnamed = basename(path).replace(/\.ya?ml$/, '') !== `${names.plural}.${group}`;
      for (const v of crd.spec.versions ?? []) {
        if (v.served === false || !v.schema?.openAPIV3Schema) continue;
        const gvk = { group, version: v.name, kind: names.kind };
        this.versions.set(gvkKey(gvk), {
          gvk,
          scope: scope === 'Cluster' ? ResourceScope.CLUSTER : ResourceScope.NAMESPACED,
          openApiV3Schema: v.schema.openAPIV3Schema,
          file: relative(this.crdsDir, path),
          misnamed,
        });
      }
    }
  }
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
