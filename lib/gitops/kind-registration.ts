import { addKindRegistration, KindRegistration, RegisteredKind } from '../kinds/kind-registry';
import { KIND_POLICIES } from './sync-policy';

/**
 * Declares a kind users add to cluster charts: its scope (required for kinds the generated table in
 * lib/kinds/kind-table.ts does not know) and, optionally, its GitOps sync policy (otherwise the
 * default for kinds the library does not generate: wave `SyncWave.OTHER`, `SkipDryRunOnMissingResource`
 * unless Kubernetes or OpenShift serves the kind, no prune protection). The registry is process-wide:
 * register before synthesizing. Registering the same kind again with the same settings is a no-op;
 * a registration that contradicts an earlier one, the API's scope or resource name, or a kind the
 * library generates (whose policy it owns) throws.
 */
export function registerKind(registration: KindRegistration): RegisteredKind {
  if (KIND_POLICIES.some((p) => p.group === registration.group && p.kind === registration.kind)) {
    throw new Error(`registerKind(${JSON.stringify(registration.group)}, ${JSON.stringify(registration.kind)}): the library generates this kind and owns its GitOps policy`);
  }
  return addKindRegistration(registration);
}
