import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT, sharedDir } from '../support/validate';

/** Scope and resource name of a kind, as one upstream document states them. */
export interface ApiFact {
  readonly group: string;
  readonly kind: string;
  readonly resource: string;
  readonly namespaced: boolean;
  /** The document it was read from. */
  readonly source: string;
}

/**
 * Kinds of the Kubernetes 1.36 OpenAPI document, read independently of the library: a kind is
 * created by a `post` on its collection path (`x-kubernetes-group-version-kind`), which contains
 * `{namespace}` exactly when the kind is namespaced and ends in the resource name
 * (Kubernetes API conventions, "Resources" / REST paths).
 */
export function kubernetesFacts(): ApiFact[] {
  const file = join(sharedDir(), 'schemas', 'kubernetes', 'kubernetes-v1.36-swagger.json.gz');
  const doc = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8'));
  const facts: ApiFact[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    const gvk = item.post?.['x-kubernetes-group-version-kind'];
    if (!gvk || path.includes('{name}')) continue;
    facts.push({ group: gvk.group, kind: gvk.kind, resource: path.split('/').pop()!, namespaced: path.includes('{namespace}'), source: `kubernetes ${path}` });
  }
  return facts;
}

/** Kinds of every CRD under a folder: `spec.scope` and `spec.names.plural`. */
export function crdFacts(dir: string): ApiFact[] {
  const facts: ApiFact[] = [];
  const walk = (d: string): void => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(f)) {
        for (const doc of parseAllDocuments(readFileSync(p, 'utf8'))) {
          const crd = doc.toJS();
          if (crd?.kind !== 'CustomResourceDefinition') continue;
          facts.push({ group: crd.spec.group, kind: crd.spec.names.kind, resource: crd.spec.names.plural, namespaced: crd.spec.scope === 'Namespaced', source: p });
        }
      }
    }
  };
  walk(dir);
  return facts;
}

/** ../shared's CRDs and the CRDs vendored in data/crds. */
export function allCrdFacts(): ApiFact[] {
  return [...crdFacts(join(sharedDir(), 'crds')), ...crdFacts(join(REPO_ROOT, 'data', 'crds'))];
}

/**
 * Whether openshift/api's OpenAPI document (../shared/crds/openshift/openshift-api.openapi.json)
 * defines a top-level kind of an aggregated OpenShift group: definition
 * `com.github.openshift.api.<group without .openshift.io and dots>.<version>.<Kind>` with `kind` and `metadata`.
 */
export function openShiftOpenApiDefines(group: string, version: string, kind: string): boolean {
  const doc = JSON.parse(readFileSync(join(sharedDir(), 'crds', 'openshift', 'openshift-api.openapi.json'), 'utf8'));
  const def = doc.definitions[`com.github.openshift.api.${group.replace(/\.openshift\.io$/, '').replace(/\./g, '')}.${version}.${kind}`];
  return Boolean(def?.properties?.kind && def?.properties?.metadata);
}
