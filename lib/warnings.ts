import { Construct, IConstruct } from 'constructs';

/** Construct metadata type under which synth-time warnings are recorded. */
export const KMODS_WARNING = 'cdk8s-kmods/warning';

/**
 * Records a warning on `scope`: something that synthesizes but that a reviewer should see
 * (e.g. a prebuilt image referenced by tag instead of digest). cdk8s has no annotation channel
 * of its own, so warnings are construct metadata; `synthWarnings` collects them.
 */
export function addSynthWarning(scope: Construct, message: string): void {
  scope.node.addMetadata(KMODS_WARNING, message);
}

/** Every warning recorded under `scope`, as `<construct path>: <message>`, in tree order. */
export function synthWarnings(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap((c) => c.node.metadata
    .filter((m) => m.type === KMODS_WARNING)
    .map((m) => `${c.node.path || '(root)'}: ${String(m.data)}`));
}
