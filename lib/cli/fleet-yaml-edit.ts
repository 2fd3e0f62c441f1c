import { isMap, isScalar, Pair, parseDocument, Scalar, YAMLMap } from 'yaml';
import { OpenShiftVersion } from '../release/openshift-version';
import { CliError } from './cli-io';

/** The fields `release import` writes for one release. */
export interface ReleaseEntry {
  readonly kernel: string;
  readonly realtimeKernel?: string;
  readonly rhcosVersion?: string;
  /** Absent: builds use the cluster's `openshift/driver-toolkit:<rhcosVersion>` ImageStreamTag. */
  readonly driverToolkitImage?: string;
}

/** What changed in the file. */
export interface ReleaseEdit {
  readonly text: string;
  readonly added: boolean;
  /** `field: old → new` for each field that changed (or was removed). */
  readonly changes: ReadonlyArray<string>;
}

/** Keep the user's formatting: `[a, b]` not `[ a, b ]`, long lines not folded. */
const TO_STRING = { flowCollectionPadding: false, lineWidth: 0 } as const;

const FIELDS = ['kernel', 'realtimeKernel', 'rhcosVersion', 'driverToolkitImage'] as const;

/**
 * Adds or updates `releases.<version>` in fleet YAML text through the `yaml` package's Document
 * API, so comments, key order, quoting and the rest of the file stay as they were. A new release
 * goes in version order among the others, with a comment naming where its data came from; an
 * updated one loses `example: true` (its data is now read off the release).
 */
export function upsertRelease(text: string, version: string, entry: ReleaseEntry, provenance: string): ReleaseEdit {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) throw new CliError(`the fleet file is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  if (doc.contents === null) doc.contents = doc.createNode({}) as never;
  if (!isMap(doc.contents)) throw new CliError('the fleet file is not a YAML mapping');
  let releases = doc.get('releases', true);
  if (releases === undefined || releases === null || (isScalar(releases) && releases.value === null)) {
    doc.set('releases', doc.createNode({}));
    releases = doc.get('releases', true);
  }
  if (!isMap(releases)) throw new CliError('releases in the fleet file is not a mapping');
  const map = releases as YAMLMap;
  const existing = map.items.find((p) => keyOf(p) === version);
  const changes: string[] = [];
  if (existing && isMap(existing.value)) {
    const target = existing.value as YAMLMap;
    for (const field of FIELDS) {
      const before = target.get(field);
      const after = entry[field];
      if (after === undefined) {
        if (field === 'driverToolkitImage' && before !== undefined) { target.delete(field); changes.push(`${field}: ${String(before)} → (the cluster's ImageStreamTag)`); }
        continue;
      }
      if (before !== after) {
        target.set(field, after);
        changes.push(`${field}: ${before === undefined ? '(none)' : String(before)} → ${after}`);
      }
    }
    if (target.get('example') !== undefined) { target.delete('example'); changes.push('example: true → (removed: the data is read off the release)'); }
    return { text: doc.toString(TO_STRING), added: false, changes };
  }
  const key = new Scalar(version);
  key.type = Scalar.QUOTE_DOUBLE;
  key.commentBefore = ` ${provenance}`;
  const value = doc.createNode(Object.fromEntries(FIELDS.filter((f) => entry[f] !== undefined).map((f) => [f, entry[f]])));
  const pair = new Pair(key, value);
  const newer = map.items.findIndex((p) => {
    const k = keyOf(p);
    return k !== undefined && OpenShiftVersion.isValid(k) && OpenShiftVersion.parse(k).compare(OpenShiftVersion.parse(version)) > 0;
  });
  if (newer === -1) map.items.push(pair);
  else map.items.splice(newer, 0, pair);
  return { text: doc.toString(TO_STRING), added: true, changes: FIELDS.filter((f) => entry[f] !== undefined).map((f) => `${f}: ${entry[f]}`) };
}

function keyOf(pair: Pair): string | undefined {
  const k = isScalar(pair.key) ? pair.key.value : pair.key;
  return k === undefined || k === null ? undefined : String(k);
}
