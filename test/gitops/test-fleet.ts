import { parse } from 'yaml';
import { Fleet } from '../../lib/fleet/fleet';
import { ClusterProps } from '../../lib/fleet/cluster';
import { GitOpsProps } from '../../lib/gitops/gitops-props';
import { renderFleet } from '../../lib/synth/render-fleet';
import { gitopsTestFleet } from '../support/test-fleet';

export { gitopsTestFleet };

/** What the synthesis pipeline writes for a fleet: every file parsed, by path under dist/. */
export interface RenderedTestFleet {
  readonly fleet: Fleet;
  /** Every output file, parsed, by path (`clusters/…`, `bootstrap/…`, `hub/…`). */
  readonly files: Map<string, any>;
  /** Each cluster's objects (main and setup folders). */
  readonly clusters: ReadonlyMap<string, ReadonlyArray<any>>;
}

/** Renders the test fleet through the real pipeline (`renderFleet`), exactly as synth writes it. */
export function renderTestFleet(gitops: Partial<GitOpsProps> = {}, clusters: Record<string, Partial<ClusterProps>> = {}): RenderedTestFleet {
  const fleet = gitopsTestFleet(gitops, clusters);
  const rendered = renderFleet(fleet);
  const files = new Map<string, any>();
  for (const [path, text] of rendered.files) files.set(path, parse(text));
  return { fleet, files, clusters: rendered.clusters };
}

/** The objects of one kind among the files under `prefix`. */
export function ofKind(files: ReadonlyMap<string, any>, kind: string, prefix = ''): any[] {
  return [...files].filter(([p, o]) => p.startsWith(prefix) && o?.kind === kind && !p.endsWith('kustomization.yaml')).map(([, o]) => o);
}
