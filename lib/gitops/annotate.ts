import { engineDrivers } from './engines';
import { GitOpsEngine } from './gitops-props';
import { policyFor } from './sync-policy';

const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

/**
 * Returns a copy of one rendered cluster object with the annotations each engine gives its kind
 * (`GitOpsEngineDriver.objectAnnotations`): Argo CD sync wave and sync options, Flux prune and
 * apply options. Pure: the input is not changed; existing annotations are kept (comma-separated
 * Argo CD sync options are merged).
 */
export function applyGitOpsPolicy(manifest: any, engines: ReadonlyArray<GitOpsEngine>): any {
  if (!manifest || typeof manifest.apiVersion !== 'string' || typeof manifest.kind !== 'string') {
    throw new Error(`not a Kubernetes object: ${JSON.stringify(manifest)?.slice(0, 120)}`);
  }
  const policy = policyFor(manifest.apiVersion, manifest.kind);
  // Only metadata.annotations changes: copy the path to it, share everything else (no deep clone).
  const annotations: Record<string, string> = { ...(manifest.metadata?.annotations ?? {}) };
  for (const driver of engineDrivers(engines)) {
    for (const [key, value] of Object.entries(driver.objectAnnotations(policy))) {
      if (key === SYNC_OPTIONS && annotations[key] !== undefined) {
        const existing = annotations[key].split(',').map((o) => o.trim()).filter((o) => o);
        annotations[key] = [...new Set([...existing, ...value.split(',')])].join(',');
      } else {
        annotations[key] = value;
      }
    }
  }
  return { ...manifest, metadata: { ...(manifest.metadata ?? {}), annotations } };
}
