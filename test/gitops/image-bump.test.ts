import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Fleet } from '../../lib/fleet/fleet';
import { GitOpsEngine } from '../../lib/gitops/gitops-props';
import { KernelModuleProps } from '../../lib/module/kernel-module';
import { ModuleSource } from '../../lib/module/module-source';
import { renderFleet } from '../../lib/synth/render-fleet';
import { GIT_MODULE, PREBUILT_MODULE, TEST_RELEASES } from '../support/test-fleet';
import {
  AppliedObject, argoCdSync, editApplied, imageTriggerWrites, ManagedObject, serverSideApply, update,
} from './apply-models';

const FLUX = 'kustomize-controller';
const DIGEST = 'image-registry.openshift-image-registry.svc:5000/kmods-system/simple-kmod@sha256:' + 'a'.repeat(64);

/** The test fleet's one cluster with a built and a prebuilt module, both loaded by DaemonSets, at the given versions. */
function render(builtVersion: string, prebuiltVersion: string) {
  const prebuilt: KernelModuleProps = {
    ...PREBUILT_MODULE,
    version: prebuiltVersion,
    source: ModuleSource.prebuilt({ image: `registry.example.com/gpfs/kmods:${prebuiltVersion}-\${KERNEL_FULL_VERSION}` }),
  };
  const fleet = new Fleet({
    releases: TEST_RELEASES,
    modules: [{ ...GIT_MODULE, version: builtVersion }, prebuilt],
    gitops: { engines: [GitOpsEngine.ARGOCD, GitOpsEngine.FLUX], repoURL: 'https://git.example.com/fleet.git' },
  });
  fleet.addCluster('c', { release: '4.18.12', pools: { p: { modules: ['simple-kmod', 'gpfs'] } } });
  const files = new Map([...renderFleet(fleet).files].map(([p, text]) => [p, parse(text)]));
  const objects = [...files].filter(([p]) => p.startsWith('clusters/c/') && !p.endsWith('kustomization.yaml')).map(([, o]) => o);
  const daemonSets = new Map(objects.filter((o) => o.kind === 'DaemonSet').map((o) => [o.metadata.name, o]));
  const pools = objects.filter((o) => o.kind === 'MachineConfigPool');
  const application = files.get('bootstrap/c/argocd/openshift-gitops_application_kmods-c.yaml');
  return { daemonSets, pools, application };
}

/** The module images of a loader: its init containers copy each kernel's build (the loader container runs the Driver Toolkit). */
const image = (ds: any) => ds.spec.template.spec.initContainers.filter((c: any) => c.name.startsWith('modules-')).map((c: any) => c.image).join(',');
/** The name of a loader's (first) module-copy init container. */
const copyContainer = (ds: any) => ds.spec.template.spec.initContainers.find((c: any) => c.name.startsWith('modules-')).name;
/** What the trigger controller would resolve an ImageStreamTag to (a pushed build's digest). */
const resolve = () => DIGEST;

describe('a version bump reaches the applied loader spec, and no controller fights the engines', () => {
  const before = render('1.0.0', '5.2.3.1');
  const after = render('1.1.0', '5.2.4.0');

  it('the bump changes every loader\'s image in Git (same DaemonSets, new images)', () => {
    expect([...after.daemonSets.keys()]).toEqual([...before.daemonSets.keys()]);
    expect(before.daemonSets.size).toBe(2);
    for (const [name, ds] of after.daemonSets) {
      expect(image(ds), name).not.toBe(image(before.daemonSets.get(name)));
      expect(image(ds)).toMatch(name.startsWith('gpfs') ? /kmods:5\.2\.4\.0-/ : /simple-kmod:1\.1\.0-/);
      expect(ds.metadata.annotations?.['image.openshift.io/triggers']).toBeUndefined();
    }
  });

  it('Argo CD (ignoreDifferences with RespectIgnoreDifferences, kubectl apply) applies the new image', () => {
    expect(after.application.spec.ignoreDifferences ?? []).toEqual([]);
    for (const [name, desiredBefore] of before.daemonSets) {
      let live: AppliedObject = argoCdSync(before.application, desiredBefore, undefined);
      live = editApplied(live, imageTriggerWrites(live.object, resolve));
      live = argoCdSync(after.application, after.daemonSets.get(name), live);
      expect(image(live.object), name).toBe(image(after.daemonSets.get(name)));
    }
  });

  it('…where the former loader-image ignoreDifferences would have kept the old image (the model sees the difference)', () => {
    const former = structuredClone(after.application);
    former.spec.syncPolicy.syncOptions = ['PruneLast=true', 'RespectIgnoreDifferences=true'];
    const [name, desiredBefore] = [...before.daemonSets].find(([n]) => n.startsWith('gpfs'))!;
    former.spec.ignoreDifferences = [{ group: 'apps', kind: 'DaemonSet', jqPathExpressions: [`.spec.template.spec.initContainers[] | select(.name == "${copyContainer(desiredBefore)}") | .image`] }];
    const live = argoCdSync(former, after.daemonSets.get(name), argoCdSync(former, desiredBefore, undefined));
    expect(image(live.object)).toBe(image(desiredBefore));
  });

  it('Flux (server-side apply with force) applies the new image, and later reconciliations change nothing', () => {
    for (const [name, desiredBefore] of before.daemonSets) {
      let live: ManagedObject = serverSideApply(undefined, desiredBefore, FLUX);
      live = serverSideApply(live, after.daemonSets.get(name), FLUX);
      expect(image(live.object), name).toBe(image(after.daemonSets.get(name)));
      // Ten reconciliation intervals, with OpenShift's image trigger controller running between them.
      let writesByOthers = 0;
      for (let i = 0; i < 10; i++) {
        const writes = imageTriggerWrites(live.object, resolve);
        writesByOthers += Object.keys(writes).length;
        live = update(live, 'openshift-controller-manager', writes);
        live = serverSideApply(live, after.daemonSets.get(name), FLUX);
      }
      expect(writesByOthers, name).toBe(0);
      expect(image(live.object)).toBe(image(after.daemonSets.get(name)));
    }
  });

  it('…where a trigger annotation would make Flux and the trigger controller rewrite the image every interval', () => {
    const ds = structuredClone([...after.daemonSets.values()].find((d) => d.metadata.name.startsWith('simple-kmod')));
    ds.metadata.annotations = { ...ds.metadata.annotations, 'image.openshift.io/triggers': JSON.stringify([{
      from: { kind: 'ImageStreamTag', name: 'simple-kmod:1.1.0' }, fieldPath: `spec.template.spec.initContainers[?(@.name=="${copyContainer(ds)}")].image`,
    }]) };
    let live = serverSideApply(undefined, ds, FLUX);
    let flips = 0;
    for (let i = 0; i < 10; i++) {
      const writes = imageTriggerWrites(live.object, resolve);
      flips += Object.keys(writes).length;
      live = serverSideApply(update(live, 'openshift-controller-manager', writes), ds, FLUX);
    }
    expect(flips).toBe(10);
  });

  it('an administrator\'s pause of a pool survives both engines\' reconciliations (no paused field in Git)', () => {
    expect(after.pools.length).toBe(1);
    const pool = after.pools[0];
    expect(pool.spec).not.toHaveProperty('paused');
    let flux = serverSideApply(undefined, pool, FLUX);
    flux = update(flux, 'oc', { '/spec/paused': true });
    flux = serverSideApply(flux, pool, FLUX);
    expect(flux.object.spec.paused).toBe(true);
    let argo = argoCdSync(after.application, pool, undefined);
    argo = editApplied(argo, { '/spec/paused': true });
    argo = argoCdSync(after.application, pool, argo);
    expect(argo.object.spec.paused).toBe(true);
    // With `paused: false` in Git, as before, Flux would take the field back and unpause the pool.
    const former = { ...pool, spec: { ...pool.spec, paused: false } };
    expect(serverSideApply(update(serverSideApply(undefined, former, FLUX), 'oc', { '/spec/paused': true }), former, FLUX).object.spec.paused).toBe(false);
  });
});
