/** The part of a rendered object the size check reads. */
interface SizedObject {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}

/**
 * Object sizes the cluster accepts. The API server refuses a ConfigMap or Secret whose data is
 * over 1 MiB (`MaxSecretSize`, k8s.io/kubernetes pkg/apis/core/validation), and etcd refuses a
 * request over about 1.5 MiB (`--max-request-bytes`, 1.5 MiB by default); every object must stay
 * well under that. A long Dockerfile or many module parameters are how input gets there.
 */
export const MAX_CONFIG_DATA_BYTES = 1024 * 1024;
/** Largest object written, in bytes of JSON: well under etcd's request limit. */
export const MAX_OBJECT_BYTES = 1024 * 1024;

/** One error per object over a limit, naming `where` (the cluster) and the object; `jsonOf` gives an object's JSON (computed once by the caller). */
export function checkObjectSizes(where: string, manifests: ReadonlyArray<SizedObject>, jsonOf: (m: SizedObject) => string = (m) => JSON.stringify(m)): string[] {
  const errors: string[] = [];
  for (const m of manifests) {
    const id = `${m.kind ?? '?'} ${m.metadata?.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata?.name ?? '?'}`;
    const json = jsonOf(m);
    // UTF-8 takes at most 3 bytes per UTF-16 unit: most objects need no exact count.
    const size = json.length * 3 <= MAX_OBJECT_BYTES ? json.length : Buffer.byteLength(json, 'utf8');
    if (m.kind === 'ConfigMap' || m.kind === 'Secret') {
      const data = { ...(m as { data?: Record<string, string> }).data, ...(m as { binaryData?: Record<string, string> }).binaryData };
      const dataBytes = Object.entries(data).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
      if (dataBytes > MAX_CONFIG_DATA_BYTES) {
        errors.push(`${where}: ${id} holds ${dataBytes} bytes of data; the API server accepts at most ${MAX_CONFIG_DATA_BYTES} (shorten the Dockerfile or the module parameters it carries)`);
        continue;
      }
    }
    if (size > MAX_OBJECT_BYTES) {
      errors.push(`${where}: ${id} is ${size} bytes; objects must stay well under etcd's 1.5 MiB request limit (at most ${MAX_OBJECT_BYTES} bytes here)`);
    }
  }
  return errors;
}
