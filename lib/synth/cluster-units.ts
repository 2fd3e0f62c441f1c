/**
 * The layout of a cluster's *unit* in the output: its folder under each of UNIT_FOLDERS
 * (`clusters/<name>/`, and `bootstrap/<name>/` with per-cluster GitOps wiring). Nothing in a unit
 * depends on another cluster, so incremental synthesis swaps units whole and render workers
 * write them whole.
 */
export const UNIT_FOLDERS = ['clusters', 'bootstrap'] as const;

/** The unit paths of cluster `name`, relative to the output folder. */
export function clusterUnitPaths(name: string): string[] {
  return UNIT_FOLDERS.map((folder) => `${folder}/${name}`);
}

/** The unit a path of the output belongs to: `clusters/<name>`, `bootstrap/<name>`, else its top-level entry (`hub`, the state file). */
export function unitOf(relative: string): string {
  const parts = relative.split('/');
  return (UNIT_FOLDERS as ReadonlyArray<string>).includes(parts[0]) && parts.length > 1 ? `${parts[0]}/${parts[1]}` : parts[0];
}

/** The cluster whose unit holds `relative` (a file under `clusters/<name>/` or `bootstrap/<name>/`), else undefined. */
export function clusterOfPath(relative: string): string | undefined {
  const parts = relative.split('/');
  return (UNIT_FOLDERS as ReadonlyArray<string>).includes(parts[0]) && parts.length > 2 ? parts[1] : undefined;
}

/** Paths (relative to the output folder) grouped by the cluster whose unit holds them; other paths are left out. */
export function groupByCluster(paths: Iterable<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const relative of paths) {
    const cluster = clusterOfPath(relative);
    if (cluster === undefined) continue;
    const files = out.get(cluster);
    if (files) files.push(relative);
    else out.set(cluster, [relative]);
  }
  return out;
}
