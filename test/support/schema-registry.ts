import { join } from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import { CrdCatalog, CrdVersion } from './crd-catalog';
import { crdSchemaToJsonSchema } from './crd-schema';
import { GroupVersionKind, ResourceScope, gvkKey, parseApiVersion } from './group-version-kind';
import { REPO_ROOT, requireShared } from './shared-dir';
import { SwaggerCatalog, SwaggerKind, loadKubernetesCatalog, loadOpenShiftCatalog } from './swagger-catalog';
import { swaggerToJsonSchema } from './swagger-schema';

/** Where a kind's schema comes from. */
export enum SchemaSource {
  /** A CustomResourceDefinition under ../shared/crds, or under data/crds (vendored CRDs ../shared lacks). */
  CRD = 'crd',
  /** ../shared/schemas/kubernetes/kubernetes-v1.36-swagger.json.gz */
  KUBERNETES = 'kubernetes',
  /** ../shared/crds/openshift/openshift-api.openapi.json (aggregated OpenShift APIs). */
  OPENSHIFT = 'openshift',
}

/** A kind the harness can validate. */
export interface KindSchema {
  /** Group, version and kind. */
  readonly gvk: GroupVersionKind;
  /** Namespaced or cluster-scoped. */
  readonly scope: ResourceScope;
  /** Which schema family describes it. */
  readonly source: SchemaSource;
  /** The schema's location (CRD file or definition name), for messages. */
  readonly origin: string;
  /** The compiled, strict validator. */
  readonly validate: ValidateFunction;
}

const KUBERNETES_ID = 'https://kmods.invalid/schemas/kubernetes.json';
const OPENSHIFT_ID = 'https://kmods.invalid/schemas/openshift.json';
const OBJECT_META_REF = `${KUBERNETES_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;

/** The loaded schema sources and compiled validators (one per process; compiled lazily, cached per kind). */
class SchemaRegistry {
  private readonly ajv = new Ajv({ allErrors: true, strict: false, verbose: true, validateFormats: false });
  private readonly crds: CrdCatalog;
  /** data/crds: upstream CRDs this repository vendors for kinds users add (KubeletConfig, …). */
  private readonly vendoredCrds = new CrdCatalog(join(REPO_ROOT, 'data', 'crds'));
  private readonly kubernetes: SwaggerCatalog;
  private readonly openshift: ReturnType<typeof loadOpenShiftCatalog>;
  private readonly cache = new Map<string, KindSchema | undefined>();

  constructor(shared: string) {
    this.crds = new CrdCatalog(join(shared, 'crds'));
    this.kubernetes = loadKubernetesCatalog(join(shared, 'schemas', 'kubernetes', 'kubernetes-v1.36-swagger.json.gz'));
    this.openshift = loadOpenShiftCatalog(join(shared, 'crds', 'openshift', 'openshift-api.openapi.json'));
    this.ajv.addSchema(swaggerToJsonSchema(KUBERNETES_ID, this.kubernetes.definitions));
    this.ajv.addSchema(swaggerToJsonSchema(OPENSHIFT_ID, this.openshift.definitions));
  }

  /** The schema for an apiVersion and kind: a CRD first, then the OpenShift document, then Kubernetes. */
  lookup(apiVersion: string, kind: string): KindSchema | undefined {
    const key = `${apiVersion}/${kind}`;
    if (this.cache.has(key)) return this.cache.get(key);
    const found = this.resolve(apiVersion, kind);
    this.cache.set(key, found);
    return found;
  }

  private resolve(apiVersion: string, kind: string): KindSchema | undefined {
    const gvk = { ...parseApiVersion(apiVersion), kind };
    const shared = this.crds.get(gvk);
    const crd = shared ?? this.vendoredCrds.get(gvk);
    if (crd) {
      return {
        gvk,
        scope: crd.scope,
        source: SchemaSource.CRD,
        origin: `${shared ? 'crds' : 'data/crds'}/${crd.file}`,
        validate: this.ajv.compile(crdSchemaToJsonSchema(crd.openApiV3Schema, OBJECT_META_REF)),
      };
    }
    const os = this.openshift.lookup(apiVersion, kind);
    if (os) return this.fromSwagger(os, SchemaSource.OPENSHIFT, OPENSHIFT_ID);
    const k8s = this.kubernetes.kinds.get(gvkKey(gvk));
    if (k8s) return this.fromSwagger(k8s, SchemaSource.KUBERNETES, KUBERNETES_ID);
    return undefined;
  }

  /** Every CRD version in ../shared/crds (parses them all). */
  allCrds(): CrdVersion[] {
    return this.crds.all();
  }

  private fromSwagger(kind: SwaggerKind, source: SchemaSource, id: string): KindSchema {
    const validate = this.ajv.getSchema(`${id}#/definitions/${kind.definition}`);
    if (!validate) throw new Error(`schema ${kind.definition} did not compile`);
    return { gvk: kind.gvk, scope: kind.scope, source, origin: kind.definition, validate };
  }
}

let registry: SchemaRegistry | undefined;

/** The process-wide registry; loads ../shared on first use (throws when it is missing). */
export function schemaRegistry(): SchemaRegistry {
  registry ??= new SchemaRegistry(requireShared());
  return registry;
}

/** The schema for an apiVersion and kind, or undefined when no source defines it. */
export function lookupKind(apiVersion: string, kind: string): KindSchema | undefined {
  return schemaRegistry().lookup(apiVersion, kind);
}
