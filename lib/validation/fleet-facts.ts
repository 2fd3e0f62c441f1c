/**
 * What the cluster rules need to know about the fleet's catalogs, as plain data. Built from a
 * fleet.yaml document or from a constructed Fleet's catalogs, so both paths apply one rule set.
 */
export interface ReleaseFacts {
  readonly kernel: string;
  readonly realtimeKernel?: string;
  readonly kernel64k?: string;
}

export interface ModuleFacts {
  /** The `.ko` names the module loads, in load order. */
  readonly koNames: ReadonlyArray<string>;
}

export interface FleetFacts {
  /** Releases by version. */
  readonly releases: ReadonlyMap<string, ReleaseFacts>;
  /** Modules by catalog name. */
  readonly modules: ReadonlyMap<string, ModuleFacts>;
  /** Namespaces of the GitOps engines, by their field under `gitops`. */
  readonly gitopsNamespaces: ReadonlyMap<string, string>;
}

/** The shape of a release catalog these facts are read from (ReleaseCatalog fits). */
export interface ReleaseSource {
  readonly versions: ReadonlyArray<string>;
  tryGet(version: string): { readonly kernel: { readonly full: string }; readonly realtimeKernel?: { readonly full: string }; readonly kernel64k?: { readonly full: string } } | undefined;
}

/** The shape of a module catalog these facts are read from (ModuleCatalog fits). */
export interface ModuleSourceCatalog {
  readonly names: ReadonlyArray<string>;
  tryGet(name: string): { readonly loadOrder: ReadonlyArray<{ readonly name: string }> } | undefined;
}

/** Facts of a constructed fleet's catalogs. */
export function factsOfCatalogs(releases: ReleaseSource, modules: ModuleSourceCatalog, gitops?: { readonly argocdNamespace?: string; readonly fluxNamespace?: string; readonly engine?: string }): FleetFacts {
  const releaseFacts = new Map<string, ReleaseFacts>();
  for (const version of releases.versions) {
    const r = releases.tryGet(version);
    if (r) releaseFacts.set(version, { kernel: r.kernel.full, realtimeKernel: r.realtimeKernel?.full, kernel64k: r.kernel64k?.full });
  }
  const moduleFacts = new Map<string, ModuleFacts>();
  for (const name of modules.names) {
    const m = modules.tryGet(name);
    if (m) moduleFacts.set(name, { koNames: m.loadOrder.map((k) => k.name) });
  }
  return { releases: releaseFacts, modules: moduleFacts, gitopsNamespaces: gitopsNamespaces(gitops) };
}

/** The namespaces the configured GitOps engines live in. */
export function gitopsNamespaces(gitops?: { readonly argocdNamespace?: string; readonly fluxNamespace?: string; readonly engine?: string }): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  if (!gitops) return out;
  if (gitops.engine !== 'flux') out.set('argocdNamespace', gitops.argocdNamespace ?? 'openshift-gitops');
  if (gitops.engine !== 'argocd') out.set('fluxNamespace', gitops.fluxNamespace ?? 'flux-system');
  return out;
}
