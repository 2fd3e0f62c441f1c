/**
 * The README's mirror list ("Registry and disconnected clusters") names every image repository and
 * every OLM package a cluster of the example fleet pulls, read from the objects in dist/: pod
 * templates (DaemonSets, CronJobs), BuildConfigs (Driver Toolkit build arg, Dockerfile FROM lines,
 * push target), KMM Modules, NVIDIADrivers and Subscriptions. Images in the cluster's own internal
 * registry need no mirror and are left out.
 */
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import { loadDistObjects, REPO_ROOT } from '../support/validate';

const README = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const SECTION = /### Registry and disconnected clusters\n([\s\S]*?)\n### /.exec(README)?.[1] ?? '';
const INTERNAL = 'image-registry.openshift-image-registry.svc:5000/';

/** `registry/path` of an image reference, without tag or digest. */
function repository(ref: string): string {
  const noDigest = ref.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

function imagesOf(obj: any): string[] {
  const out: string[] = [];
  const podSpecs = [obj.spec?.template?.spec, obj.spec?.jobTemplate?.spec?.template?.spec].filter(Boolean);
  for (const pod of podSpecs) for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) out.push(c.image);
  if (obj.kind === 'BuildConfig') {
    for (const arg of obj.spec.strategy.dockerStrategy.buildArgs ?? []) if (/[@:]/.test(arg.value) && arg.value.includes('/')) out.push(arg.value);
    for (const line of (obj.spec.source.dockerfile as string).split('\n')) {
      const from = /^FROM\s+(\S+)/.exec(line);
      if (from && !from[1].startsWith('$')) out.push(from[1]);
    }
    if (obj.spec.output?.to?.kind === 'DockerImage') out.push(obj.spec.output.to.name);
  }
  if (obj.kind === 'Module') {
    const container = obj.spec.moduleLoader?.container ?? {};
    if (container.containerImage) out.push(container.containerImage);
    for (const m of container.kernelMappings ?? []) if (m.containerImage) out.push(m.containerImage);
  }
  if (obj.kind === 'NVIDIADriver') out.push(`${obj.spec.repository}/${obj.spec.image}:${obj.spec.version}`);
  return out.filter((i) => typeof i === 'string' && !i.startsWith(INTERNAL));
}

describe('README mirror list', () => {
  const objects = loadDistObjects(path.join(REPO_ROOT, 'dist')).filter((o) => o.file.startsWith('clusters/')).map((o) => o.obj as any);
  const repositories = [...new Set(objects.flatMap(imagesOf).map(repository))].sort();
  const packages = [...new Set(objects.filter((o) => o.kind === 'Subscription').map((o) => `${o.spec.source}\` package \`${o.spec.name}`))];

  test('the README has the section', () => {
    expect(SECTION.length).toBeGreaterThan(0);
  });

  test('every image repository a cluster pulls from outside the cluster is listed', () => {
    expect(repositories.length).toBeGreaterThan(3);
    expect(repositories.filter((r) => !SECTION.includes(`\`${r}\``))).toEqual([]);
  });

  test('every operator package a cluster subscribes to is listed with its catalog', () => {
    expect(packages.length).toBeGreaterThan(0);
    const mentioned = (p: string): boolean => {
      const [source, name] = p.split('` package `');
      return new RegExp(`\`${source}\`[^|]*\`${name}\``).test(SECTION);
    };
    expect(packages.filter((p) => !mentioned(p))).toEqual([]);
  });
});
