import * as fs from 'fs';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import { parse } from 'yaml';
import { sharedAvailable as sharedFolderAvailable, sharedDir } from '../support/shared-dir';

/** The upstream CRDs and schemas, beside the repository (never copied into it; `KMODS_SHARED_DIR` overrides). */
export const SHARED_DIR = sharedDir();
/** False (with the reason printed) outside CI when ../shared is missing; under CI a missing folder throws. */
export const sharedAvailable = sharedFolderAvailable();

/** The CRD files under ../shared/crds, parsed. */
export function loadCrds(): any[] {
  const root = path.join(SHARED_DIR, 'crds');
  const out: any[] = [];
  for (const dir of fs.readdirSync(root)) {
    if (!fs.statSync(path.join(root, dir)).isDirectory()) continue;
    for (const file of fs.readdirSync(path.join(root, dir))) {
      if (file.endsWith('.yaml')) out.push(parse(fs.readFileSync(path.join(root, dir, file), 'utf8')));
    }
  }
  return out;
}

/** The OpenAPI v3 schema of the newest served version of a CRD'd kind. */
export function crdSchema(crds: any[], group: string, kind: string): any | undefined {
  const crd = crds.find((c) => c?.spec?.group === group && c?.spec?.names?.kind === kind);
  if (!crd) return undefined;
  const versions = crd.spec.versions.filter((v: any) => v.served);
  return versions[versions.length - 1].schema.openAPIV3Schema;
}

/** A definition of the OpenShift API OpenAPI document (Swagger 2), with `$ref`s left as they are. */
export function openShiftDefinition(name: string): { definition: any; resolve: (ref: string) => any } {
  const doc = JSON.parse(fs.readFileSync(path.join(SHARED_DIR, 'crds', 'openshift', 'openshift-api.openapi.json'), 'utf8'));
  const defs = doc.definitions ?? doc.components?.schemas;
  const resolve = (ref: string) => defs[ref.replace(/^#\/(definitions|components\/schemas)\//, '')];
  return { definition: defs[name], resolve };
}

/** A definition of the Kubernetes OpenAPI document (Swagger 2, ../shared/schemas/kubernetes), with `$ref`s left as they are. */
export function kubernetesDefinition(name: string): { definition: any; resolve: (ref: string) => any } {
  const dir = path.join(SHARED_DIR, 'schemas', 'kubernetes');
  const file = fs.readdirSync(dir).find((f) => /swagger\.json\.gz$/.test(f))!;
  const doc = JSON.parse(gunzipSync(fs.readFileSync(path.join(dir, file))).toString('utf8'));
  const resolve = (ref: string) => doc.definitions[ref.replace(/^#\/definitions\//, '')];
  return { definition: doc.definitions[name], resolve };
}
