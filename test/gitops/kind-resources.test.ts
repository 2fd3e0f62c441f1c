import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { KIND_POLICIES } from '../../lib/gitops/sync-policy';
import { requireShared, sharedAvailable } from '../support/shared-dir';

/**
 * The resource name and scope of every built-in Kubernetes kind in the GitOps kind table, read
 * off the Kubernetes 1.36 OpenAPI paths (`.../<resource>` collections whose `post` creates the
 * kind), not off our own table: the AppProject whitelist and the controller's ClusterRole use them.
 */
describe.skipIf(!sharedAvailable())('the kind table agrees with the Kubernetes API on resource names and scope', () => {
  const swagger = JSON.parse(gunzipSync(readFileSync(join(requireShared(), 'schemas', 'kubernetes', 'kubernetes-v1.36-swagger.json.gz'))).toString('utf8'));
  const collections = new Map<string, { resource: string; namespaced: boolean }>();
  for (const [path, item] of Object.entries<any>(swagger.paths)) {
    const gvk = item.post?.['x-kubernetes-group-version-kind'];
    if (!gvk || path.includes('{name}')) continue;
    collections.set(`${gvk.group}/${gvk.kind}`, { resource: path.split('/').pop()!, namespaced: path.includes('{namespace}') });
  }
  const builtIn = KIND_POLICIES.filter((p) => collections.has(`${p.group}/${p.kind}`));

  it('covers every built-in kind of the table', () => {
    expect(builtIn.map((p) => p.kind).sort()).toEqual([
      'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'CronJob', 'DaemonSet', 'Namespace', 'Role', 'RoleBinding', 'Secret', 'ServiceAccount',
      'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
    ]);
  });

  for (const policy of builtIn) {
    it(`${policy.kind}: resource ${policy.resource}, ${policy.namespaced ? 'namespaced' : 'cluster-scoped'}`, () => {
      expect(collections.get(`${policy.group}/${policy.kind}`)).toEqual({ resource: policy.resource, namespaced: policy.namespaced });
    });
  }
});
