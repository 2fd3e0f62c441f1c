import { isDnsSubdomain, isLabelKey } from '../names';
import { Manifest } from './manifest';
import { kindInfo, unknownKindMessage } from '../kinds/kind-registry';

/**
 * Structural checks on every rendered object before anything is written: these catch
 * generator bugs (a missing name, a namespace on a cluster-scoped kind, two objects that
 * would share one file) that the API server would otherwise reject at sync time.
 */
export function checkManifests(where: string, manifests: ReadonlyArray<Manifest>): string[] {
  const errors: string[] = [];
  const seen = new Map<string, string>();
  for (const m of manifests) {
    const id = `${m.kind ?? '?'} ${m.metadata?.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata?.name ?? '?'}`;
    if (typeof m.apiVersion !== 'string' || typeof m.kind !== 'string') errors.push(`${where}: ${id}: apiVersion and kind are required`);
    const name = m.metadata?.name;
    if (typeof name !== 'string' || !isDnsSubdomain(name)) errors.push(`${where}: ${id}: metadata.name ${JSON.stringify(name)} is not a DNS subdomain`);
    const info = typeof m.apiVersion === 'string' && typeof m.kind === 'string' ? kindInfo(m.apiVersion, m.kind) : undefined;
    if (!info) errors.push(`${where}: ${id}: ${unknownKindMessage(String(m.apiVersion), String(m.kind))}`);
    if (info && !info.namespaced && m.metadata?.namespace !== undefined) errors.push(`${where}: ${id}: ${m.kind} is cluster-scoped but has a namespace`);
    if (info?.namespaced && !m.metadata?.namespace) errors.push(`${where}: ${id}: ${m.kind} is namespaced but has no metadata.namespace`);
    for (const key of [...Object.keys(m.metadata?.labels ?? {}), ...Object.keys(m.metadata?.annotations ?? {})]) {
      if (!isLabelKey(key)) errors.push(`${where}: ${id}: invalid label/annotation key ${JSON.stringify(key)}`);
    }
    const key = `${m.apiVersion} ${id}`;
    const kindKey = `${String(m.kind).toLowerCase()} ${m.metadata?.namespace ?? ''}/${name}`;
    const previous = seen.get(kindKey);
    if (previous !== undefined) errors.push(`${where}: ${key} collides with ${previous}`);
    seen.set(kindKey, key);
  }
  return errors;
}
