import { describe, expect, it } from 'vitest';
import { validateManifest } from '../support/validate';
import { upgradingCluster } from '../support/test-fleet';

// BuildConfig and ImageStream are aggregated OpenShift APIs (not CRDs): validateManifest checks them
// against openshift/api's Swagger document in ../shared/crds/openshift/openshift-api.openapi.json.
describe('build objects validate against the OpenShift API schema', () => {
  const objects = (upgradingCluster().toJson() as any[]).filter((o) => o.kind === 'BuildConfig' || o.kind === 'ImageStream');

  it('has every kind of build object to check', () => {
    expect(objects.filter((o) => o.kind === 'BuildConfig').length).toBeGreaterThanOrEqual(8);
    expect(objects.filter((o) => o.kind === 'ImageStream').length).toBeGreaterThanOrEqual(2);
    // Signed, external-registry and user-Dockerfile builds are all among them.
    expect(objects.some((o) => o.spec?.source?.secrets)).toBe(true);
    expect(objects.some((o) => o.spec?.output?.to?.kind === 'DockerImage')).toBe(true);
  });

  it.each(objects.map((o) => [`${o.kind} ${o.metadata.name}`, o]))('%s', (_name, obj) => {
    expect(validateManifest(obj)).toEqual([]);
  });
});
