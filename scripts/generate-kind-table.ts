/**
 * Regenerates lib/kinds/kind-table.ts: the scope (namespaced or cluster-scoped) and resource name
 * of every kind the Kubernetes, OpenShift and operator APIs we know define. Sources:
 *
 *  - the Kubernetes 1.36 OpenAPI document in ../shared/schemas/kubernetes: each kind's `post`
 *    operation, on a collection path with or without `{namespace}` (its last segment is the resource);
 *  - every CRD under ../shared/crds and data/crds (`spec.scope`, `spec.names.plural`);
 *  - an openshift/api checkout (--openshift-api DIR): the CRDs of the release payload
 *    (payload-manifests/crds), and, for kinds served by OpenShift's aggregated API servers
 *    (build, image, route, project, …: no CRD), the Go types marked `+genclient`, cluster-scoped
 *    when marked `+genclient:nonNamespaced`, resource = the lower-cased plural of the kind.
 *
 *   npx tsx scripts/generate-kind-table.ts --openshift-api ../api   (or: npm run kinds -- --openshift-api ../api)
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { parseAllDocuments } from 'yaml';

const root = resolve(__dirname, '..');
const { values } = parseArgs({ options: { 'openshift-api': { type: 'string' }, 'openshift-api-commit': { type: 'string' }, 'shared': { type: 'string' } } });
const shared = resolve(values.shared ?? join(root, '..', 'shared'));
if (!values['openshift-api']) {
  console.error('usage: generate-kind-table.ts --openshift-api <openshift/api checkout> [--shared ../shared]');
  process.exit(2);
}
const openshiftApi = resolve(values['openshift-api']);

interface Entry { group: string; kind: string; resource: string; namespaced: boolean; builtin: boolean }
const entries = new Map<string, Entry>();
const conflicts: string[] = [];
function add(e: Entry, source: string): void {
  const key = `${e.group}/${e.kind}`;
  const old = entries.get(key);
  if (old && (old.namespaced !== e.namespaced || old.resource !== e.resource)) conflicts.push(`${key}: ${source} disagrees with an earlier source`);
  if (!old) entries.set(key, e);
}

// 1. Kubernetes OpenAPI.
const k8s = JSON.parse(gunzipSync(readFileSync(join(shared, 'schemas', 'kubernetes', 'kubernetes-v1.36-swagger.json.gz'))).toString('utf8'));
for (const [path, item] of Object.entries<any>(k8s.paths)) {
  const gvk = item.post?.['x-kubernetes-group-version-kind'];
  if (!gvk || /\{name\}/.test(path) || path.includes('/watch/')) continue;
  const resource = path.split('/').pop()!;
  add({ group: gvk.group, kind: gvk.kind, resource, namespaced: path.includes('{namespace}'), builtin: true }, `kubernetes ${path}`);
}

// 2. CRDs: the OpenShift payload, ../shared, data/crds (a kind found twice must agree).
function yamlFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(f) ? [p] : [];
  });
}
function addCrds(dir: string, builtin: (group: string) => boolean): void {
  for (const file of yamlFiles(dir)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      const { group, names, scope } = crd.spec;
      add({ group, kind: names.kind, resource: names.plural, namespaced: scope !== 'Cluster', builtin: builtin(group) }, relative(root, file));
    }
  }
}
// The payload's CRDs come with OpenShift; the others (NFD, KMM, OLM, Argo CD, Flux, NVIDIA) with an operator.
addCrds(join(openshiftApi, 'payload-manifests', 'crds'), () => true);
addCrds(join(shared, 'crds'), () => false);
addCrds(join(root, 'data', 'crds'), () => false);

// 3. OpenShift aggregated APIs: Go types with +genclient whose kind no CRD defines.
function plural(kind: string): string {
  const k = kind.toLowerCase();
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(k)) return `${k}es`;
  return `${k}s`;
}
for (const apiDir of readdirSync(openshiftApi).sort()) {
  const dir = join(openshiftApi, apiDir);
  if (!statSync(dir).isDirectory()) continue;
  for (const version of readdirSync(dir).sort().filter((v) => /^v\d+(alpha\d+|beta\d+)?$/.test(v))) {
    let register: string;
    try { register = readFileSync(join(dir, version, 'register.go'), 'utf8'); } catch { continue; }
    const group = /GroupName\s*=\s*"([^"]+)"/.exec(register)?.[1];
    if (!group || !group.endsWith('.openshift.io')) continue;
    for (const file of readdirSync(join(dir, version)).filter((f) => /^types.*\.go$/.test(f)).sort()) {
      let comments: string[] = [];
      for (const line of readFileSync(join(dir, version, file), 'utf8').split('\n')) {
        const type = /^type (\w+) struct/.exec(line);
        if (type && comments.includes('// +genclient') && !entries.has(`${group}/${type[1]}`)) {
          add({ group, kind: type[1], resource: plural(type[1]), namespaced: !comments.includes('// +genclient:nonNamespaced'), builtin: true }, `openshift/api ${apiDir}/${version}/${file}`);
        }
        if (line.startsWith('//')) comments.push(line.trim());
        else if (line.trim() !== '') comments = [];
      }
    }
  }
}
if (conflicts.length > 0) {
  console.error(`sources disagree:\n  ${conflicts.join('\n  ')}`);
  process.exit(1);
}

// Compact output: one line per group, "Kind:resource" entries, flags N (namespaced) / C (cluster), B (built into OpenShift).
const commit = values['openshift-api-commit'] ?? execFileSync('git', ['-C', openshiftApi, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
const groups = new Map<string, Entry[]>();
for (const e of [...entries.values()].sort((a, b) => (a.group + '/' + a.kind < b.group + '/' + b.kind ? -1 : 1))) {
  groups.set(e.group, [...(groups.get(e.group) ?? []), e]);
}
const lines = [...groups].map(([group, es]) => `  ${JSON.stringify(group)}: '${es.map((e) => `${e.kind}:${e.resource}:${e.namespaced ? 'N' : 'C'}${e.builtin ? 'B' : ''}`).join(' ')}',`);
writeFileSync(join(root, 'lib', 'kinds', 'kind-table.ts'), `// GENERATED by scripts/generate-kind-table.ts (npm run kinds); do not edit.
// Sources: ../shared/schemas/kubernetes/kubernetes-v1.36-swagger.json.gz, ../shared/crds, data/crds,
// openshift/api ${commit} (payload-manifests/crds and +genclient Go types).

/**
 * Kinds by API group ('' = core): space-separated \`Kind:resource:flags\`, flags \`N\` namespaced or
 * \`C\` cluster-scoped, then \`B\` when Kubernetes or OpenShift serves the kind itself (no operator
 * has to install its CRD first). Read through \`lookupKindTable\`.
 */
export const KIND_TABLE: Readonly<Record<string, string>> = {
${lines.join('\n')}
};
`);
console.log(`kind table: ${entries.size} kinds in ${groups.size} groups`);
