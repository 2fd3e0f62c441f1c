import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { compareVersions } from '../../lib/cli/preconditions';
import { EXAMPLE_FLEET, kmods } from './support/run-cli';

/** `oc get configs.imageregistry.operator.openshift.io cluster -o json`, as on a bare-metal install. */
function registryConfig(state: string): string {
  return JSON.stringify({
    apiVersion: 'imageregistry.operator.openshift.io/v1',
    kind: 'Config',
    metadata: { name: 'cluster', generation: 3, creationTimestamp: '2026-11-20T09:40:00Z' },
    spec: { managementState: state, replicas: 1, rolloutStrategy: 'RollingUpdate', storage: state === 'Removed' ? {} : { pvc: { claim: 'image-registry-storage' } }, logLevel: 'Normal', operatorLogLevel: 'Normal' },
    status: { observedGeneration: 3, readyReplicas: state === 'Removed' ? 0 : 1, storageManaged: false, conditions: [{ type: 'Available', status: state === 'Removed' ? 'True' : 'True', reason: state === 'Removed' ? 'Removed' : 'Ready' }] },
  });
}

describe('check: capability and version preconditions', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmods-pre-'));
  fs.writeFileSync(path.join(dir, 'removed.json'), registryConfig('Removed'));
  fs.writeFileSync(path.join(dir, 'managed.json'), registryConfig('Managed'));

  it('builds pushing to a Removed internal registry fail, naming the modules and offering imageRepository', () => {
    // The example's kmods-demo pushes to quay.io; without imageRepository its builds go to the internal registry.
    const text = fs.readFileSync(EXAMPLE_FLEET, 'utf8').replace('    imageRepository: quay.io/example/kmods-demo\n    imagePullSecret: kmods-registry\n', '');
    expect(text).not.toContain('imageRepository: quay.io/example/kmods-demo');
    fs.writeFileSync(path.join(dir, 'internal.yaml'), text);
    const run = kmods(['check', '--fleet', path.join(dir, 'internal.yaml'), '--cluster', 'lab', '--image-registry', path.join(dir, 'removed.json')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAIL: cluster lab: builds of kmods-demo push to the internal image registry, which is Removed on this cluster: '
      + 'set imageRepository (and imagePullSecret) on module kmods-demo to push to a registry of your own');
    const ok = kmods(['check', '--fleet', path.join(dir, 'internal.yaml'), '--cluster', 'lab', '--image-registry', path.join(dir, 'managed.json')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).not.toContain('registry');
    // Prebuilt images through KMM need no registry: storage-prod has nothing to say.
    expect(kmods(['check', '--cluster', 'storage-prod', '--image-registry', path.join(dir, 'removed.json')]).stdout).toBe('');
  });

  it('with imageRepository set, the Removed registry does not matter', () => {
    // The example fleet as committed: kmods-demo pushes to quay.io/example/kmods-demo.
    const run = kmods(['check', '--cluster', 'lab', '--image-registry', path.join(dir, 'removed.json')]);
    expect(run.stdout).toBe('');
    expect(run.code).toBe(0);
  });

  it('a PreflightValidationOCP with kernelVersion fails below KMM 2.4 and passes from 2.4', () => {
    const old = kmods(['check', '--cluster', 'gpu-staging', '--kmm-version', '2.3.1', '--image-registry', path.join(dir, 'managed.json')]);
    expect(old.code).toBe(1);
    expect(old.stdout).toContain('FAIL: cluster gpu-staging: PreflightValidationOCP with kernelVersion needs KMM 2.4.0 or later; the cluster runs KMM 2.3.1');
    const current = kmods(['check', '--cluster', 'gpu-staging', '--kmm-version', 'v2.4.0', '--image-registry', path.join(dir, 'managed.json')]);
    expect(current.code).toBe(0);
    const unknown = kmods(['check', '--cluster', 'gpu-staging', '--image-registry', path.join(dir, 'managed.json')]);
    expect(unknown.code).toBe(0);
    expect(unknown.stdout).toContain('warning: cluster gpu-staging: PreflightValidationOCP with kernelVersion needs KMM 2.4.0 or later (check: oc get csv -n openshift-kmm; pass --kmm-version)');
  });

  it('builds from the openshift/driver-toolkit ImageStreamTag for the upgradeTo release are flagged: the tag comes with the upgrade', () => {
    const text = fs.readFileSync(EXAMPLE_FLEET, 'utf8')
      .replace(/    driverToolkitImage: quay\.io\/openshift-release-dev\/ocp-v4\.0-art-dev@sha256:411cf7[0-9a-f]+\n/, '');
    fs.writeFileSync(path.join(dir, 'istag.yaml'), text);
    const run = kmods(['check', '--fleet', path.join(dir, 'istag.yaml'), '--cluster', 'gpu-staging', '--kmm-version', '2.4.0', '--image-registry', path.join(dir, 'managed.json')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('warning: cluster gpu-staging: builds for release 4.19.3 take the Driver Toolkit from openshift/driver-toolkit '
      + '(tag of release 4.19.3\'s RHCOS build), which the cluster imports only when it starts that upgrade');
    const removed = kmods(['check', '--fleet', path.join(dir, 'istag.yaml'), '--cluster', 'gpu-staging', '--kmm-version', '2.4.0', '--image-registry', path.join(dir, 'removed.json')]);
    expect(removed.code).toBe(1);
    expect(removed.stdout).toContain('pull the Driver Toolkit from openshift/driver-toolkit (tag of release 4.19.3\'s RHCOS build) through the internal registry, which is Removed');
  });

  it('compares versions numerically', () => {
    expect(compareVersions('2.10.0', '2.4.0')).toBeGreaterThan(0);
    expect(compareVersions('v2.4', '2.4.0')).toBe(0);
    expect(compareVersions('2.3.9-rc1', '2.4.0')).toBeLessThan(0);
  });

  it('refuses a registry file without spec.managementState', () => {
    fs.writeFileSync(path.join(dir, 'other.json'), '{"kind":"List","items":[]}');
    const run = kmods(['check', '--cluster', 'lab', '--image-registry', path.join(dir, 'other.json')]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('no spec.managementState');
  });
});
