import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtures } from './manifest-fixtures';
import { schemaRegistry } from './schema-registry';
import {
  ResourceScope,
  SchemaSource,
  isCi,
  knownIgnitionVersions,
  loadDistObjects,
  lookupKind,
  sharedAvailable,
  sharedMissingReason,
  validateIgnition,
  validateManifest,
} from './validate';

const shared = sharedAvailable();

/** Errors of `obj` after `mutate` changed it. */
function errorsAfter(make: () => any, mutate: (o: any) => void): string[] {
  const obj = make();
  mutate(obj);
  return validateManifest(obj);
}

describe('shared schemas', () => {
  // Under CI a missing folder already throws in sharedAvailable() at collection; this checks the
  // reason itself, so a broken sharedMissingReason() (or a half-present folder) fails here.
  it.runIf(isCi() || shared)('are present and complete when running under CI or when found', () => {
    expect(sharedMissingReason()).toBeUndefined();
  });

  it('a missing folder is reported with its path (the check can fail)', () => {
    const saved = process.env.KMODS_SHARED_DIR;
    process.env.KMODS_SHARED_DIR = '/nonexistent/kmods-shared';
    try {
      expect(sharedMissingReason()).toMatch(/^schema folder \/nonexistent\/kmods-shared\/crds is missing/);
    } finally {
      if (saved === undefined) delete process.env.KMODS_SHARED_DIR;
      else process.env.KMODS_SHARED_DIR = saved;
    }
  });
});

describe.skipIf(!shared)('validateManifest', () => {
  describe('dispatch', () => {
    it.each([
      ['apps/v1', 'DaemonSet', SchemaSource.KUBERNETES, ResourceScope.NAMESPACED],
      ['v1', 'Namespace', SchemaSource.KUBERNETES, ResourceScope.CLUSTER],
      ['scheduling.k8s.io/v1', 'PriorityClass', SchemaSource.KUBERNETES, ResourceScope.CLUSTER],
      ['machineconfiguration.openshift.io/v1', 'MachineConfigPool', SchemaSource.CRD, ResourceScope.CLUSTER],
      ['kmm.sigs.x-k8s.io/v1beta1', 'Module', SchemaSource.CRD, ResourceScope.NAMESPACED],
      ['security.openshift.io/v1', 'SecurityContextConstraints', SchemaSource.CRD, ResourceScope.CLUSTER],
      ['build.openshift.io/v1', 'BuildConfig', SchemaSource.OPENSHIFT, ResourceScope.NAMESPACED],
      ['image.openshift.io/v1', 'ImageStreamTag', SchemaSource.OPENSHIFT, ResourceScope.NAMESPACED],
    ])('%s %s comes from %s and is %s', (apiVersion, kind, source, scope) => {
      const found = lookupKind(apiVersion, kind);
      expect(found?.source).toBe(source);
      expect(found?.scope).toBe(scope);
    });

    it('finds and compiles every served CRD version under ../shared/crds (files named <plural>.<group>.yaml)', () => {
      const crds = schemaRegistry().allCrds();
      expect(crds.length).toBeGreaterThanOrEqual(29);
      expect(crds.filter((c) => c.misnamed).map((c) => c.file)).toEqual([]);
      for (const c of crds) {
        const apiVersion = `${c.gvk.group}/${c.gvk.version}`;
        expect(lookupKind(apiVersion, c.gvk.kind)?.source, `${apiVersion} ${c.gvk.kind}`).toBe(SchemaSource.CRD);
      }
    });

    it('rejects an unknown kind, an unknown version of a known kind, and non-objects', () => {
      expect(validateManifest({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([
        expect.stringContaining('no schema for example.com/v1 Widget'),
      ]);
      expect(errorsAfter(fixtures.machineConfigPool, (o) => (o.apiVersion = 'machineconfiguration.openshift.io/v2'))[0]).toContain(
        'no schema for',
      );
      expect(validateManifest({ kind: 'ConfigMap', metadata: { name: 'x' } })[0]).toContain('apiVersion and kind');
      expect(validateManifest('kind: ConfigMap')[0]).toContain('not a Kubernetes object');
      expect(validateManifest([])).toHaveLength(1);
    });
  });

  describe('core kinds (Kubernetes swagger)', () => {
    it.each([
      'daemonSet',
      'namespace',
      'serviceAccount',
      'configMap',
      'secret',
      'role',
      'roleBinding',
      'clusterRole',
      'clusterRoleBinding',
      'priorityClass',
    ] as const)('valid %s passes', (name) => {
      expect(validateManifest(fixtures[name]())).toEqual([]);
    });

    it('rejects an unknown field, at any depth', () => {
      expect(errorsAfter(fixtures.daemonSet, (o) => (o.spec.template.spec.containers[0].imagePullPolicyy = 'Always'))).toEqual([
        'DaemonSet kmods-system/kmod-loader-demo: /spec/template/spec/containers/0: unknown field "imagePullPolicyy"',
      ]);
      expect(errorsAfter(fixtures.configMap, (o) => (o.extra = 1))).toEqual([
        expect.stringContaining('/: unknown field "extra"'),
      ]);
      expect(errorsAfter(fixtures.daemonSet, (o) => (o.metadata.lables = {}))).toEqual([
        expect.stringContaining('/metadata: unknown field "lables"'),
      ]);
    });

    it('rejects a wrong type', () => {
      expect(errorsAfter(fixtures.daemonSet, (o) => (o.spec.template.spec.containers[0].ports[0].containerPort = '8080'))).toEqual([
        expect.stringContaining('/spec/template/spec/containers/0/ports/0/containerPort: must be integer, got string "8080"'),
      ]);
      expect(errorsAfter(fixtures.configMap, (o) => (o.data.count = 3))[0]).toContain('/data/count: must be string');
      expect(errorsAfter(fixtures.priorityClass, (o) => (o.value = 3e10))[0]).toContain('/value: must be <= 2147483647');
      expect(errorsAfter(fixtures.secret, (o) => (o.data['key.pem'] = 'not base64!'))[0]).toContain('/data/key.pem: must match');
    });

    it('rejects a missing required field', () => {
      expect(errorsAfter(fixtures.daemonSet, (o) => delete o.spec.template.spec.containers[0].name)).toEqual([
        expect.stringContaining('/spec/template/spec/containers/0: missing required field "name"'),
      ]);
      expect(errorsAfter(fixtures.daemonSet, (o) => delete o.spec.selector)[0]).toContain('/spec: missing required field "selector"');
      expect(errorsAfter(fixtures.roleBinding, (o) => delete o.roleRef)[0]).toContain('missing required field "roleRef"');
    });

    it('accepts integer and string for int-or-string, and nothing else', () => {
      for (const v of [1, '10%']) {
        expect(errorsAfter(fixtures.daemonSet, (o) => (o.spec.updateStrategy.rollingUpdate.maxUnavailable = v))).toEqual([]);
      }
      expect(errorsAfter(fixtures.daemonSet, (o) => (o.spec.updateStrategy.rollingUpdate.maxUnavailable = true))[0]).toContain(
        'must be integer or string',
      );
    });

    it('accepts string or number for a Quantity', () => {
      for (const v of ['500m', 2, 0.5]) {
        expect(errorsAfter(fixtures.daemonSet, (o) => (o.spec.template.spec.containers[0].resources.limits.cpu = v))).toEqual([]);
      }
      expect(errorsAfter(fixtures.daemonSet, (o) => (o.spec.template.spec.containers[0].resources.limits.cpu = {}))).toHaveLength(1);
    });

    it('leaves RawExtension-like free-form objects open', () => {
      const events = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'n', managedFields: [{ fieldsV1: { 'f:data': {} } }] } };
      expect(validateManifest(events)).toEqual([]);
    });
  });

  describe('metadata rules', () => {
    it('requires an explicit name', () => {
      expect(errorsAfter(fixtures.configMap, (o) => delete o.metadata.name)[0]).toContain('/metadata/name: missing');
      expect(errorsAfter(fixtures.configMap, (o) => (o.metadata = undefined))[0]).toContain('/metadata: missing');
    });

    it('requires a namespace exactly on namespaced kinds', () => {
      expect(errorsAfter(fixtures.daemonSet, (o) => delete o.metadata.namespace)[0]).toContain('DaemonSet is namespaced');
      expect(errorsAfter(fixtures.kmmModule, (o) => delete o.metadata.namespace)[0]).toContain('Module is namespaced');
      expect(errorsAfter(fixtures.buildConfig, (o) => delete o.metadata.namespace)[0]).toContain('BuildConfig is namespaced');
      expect(errorsAfter(fixtures.clusterRole, (o) => (o.metadata.namespace = 'kmods-system'))[0]).toContain('cluster-scoped');
      expect(errorsAfter(fixtures.machineConfigPool, (o) => (o.metadata.namespace = 'kmods-system'))[0]).toContain('cluster-scoped');
    });

    it('checks names, label keys and label values like the API server', () => {
      expect(errorsAfter(fixtures.configMap, (o) => (o.metadata.name = 'Demo_Script'))[0]).toContain('DNS subdomain');
      expect(errorsAfter(fixtures.namespace, (o) => (o.metadata.name = 'a.b'))[0]).toContain('DNS label');
      expect(errorsAfter(fixtures.configMap, (o) => (o.metadata.labels = { k: '5.14.0+rt' }))[0]).toContain('/metadata/labels/k: value');
      expect(errorsAfter(fixtures.configMap, (o) => (o.metadata.labels = { 'a/b/c': 'x' }))[0]).toContain('invalid prefix');
      expect(errorsAfter(fixtures.configMap, (o) => (o.metadata.annotations = { 'bad key': 'x' }))[0]).toContain('invalid name part');
      expect(errorsAfter(fixtures.configMap, (o) => (o.metadata.labels = { k: 1 }))[0]).toContain('/metadata/labels/k: must be string');
    });
  });

  describe('CRD kinds (structural schemas, strict)', () => {
    it.each(['machineConfigPool', 'machineConfig', 'argoApplication', 'kmmModule', 'fluxKustomization'] as const)(
      'valid %s passes',
      (name) => {
        expect(validateManifest(fixtures[name]())).toEqual([]);
      },
    );

    it('rejects an unknown field where the schema does not preserve unknown fields', () => {
      expect(errorsAfter(fixtures.machineConfigPool, (o) => (o.spec.maxUnavailabe = 1))).toEqual([
        'MachineConfigPool gpu: /spec: unknown field "maxUnavailabe"',
      ]);
      expect(errorsAfter(fixtures.kmmModule, (o) => (o.spec.moduleLoader.container.modprobe.module = 'x'))[0]).toContain(
        '/spec/moduleLoader/container/modprobe: unknown field "module"',
      );
      expect(errorsAfter(fixtures.argoApplication, (o) => (o.spec.syncPolicy.automated.prunee = true))[0]).toContain(
        'unknown field "prunee"',
      );
      expect(errorsAfter(fixtures.fluxKustomization, (o) => (o.extra = {}))[0]).toContain('/: unknown field "extra"');
    });

    it('validates metadata as ObjectMeta even though the CRD only says type: object', () => {
      expect(errorsAfter(fixtures.kmmModule, (o) => (o.metadata.label = {}))[0]).toContain('/metadata: unknown field "label"');
      expect(errorsAfter(fixtures.kmmModule, (o) => (o.metadata.annotations = { a: true }))[0]).toContain(
        '/metadata/annotations/a: must be string',
      );
    });

    it('rejects a wrong type', () => {
      expect(errorsAfter(fixtures.machineConfigPool, (o) => (o.spec.paused = 'no'))).toEqual([
        'MachineConfigPool gpu: /spec/paused: must be boolean, got string "no"',
      ]);
      expect(errorsAfter(fixtures.machineConfig, (o) => (o.spec.kernelArguments = 'quiet'))[0]).toContain('must be array');
      expect(errorsAfter(fixtures.argoApplication, (o) => (o.spec.syncPolicy.retry.limit = '5'))[0]).toContain('must be integer');
    });

    it('enforces enum and pattern', () => {
      expect(errorsAfter(fixtures.fluxKustomization, (o) => (o.spec.sourceRef.kind = 'HelmRepository'))[0]).toContain(
        '/spec/sourceRef/kind: must be one of',
      );
      expect(errorsAfter(fixtures.fluxKustomization, (o) => (o.spec.interval = '10 minutes'))[0]).toContain(
        '/spec/interval: must match',
      );
    });

    it('rejects a missing required field', () => {
      expect(errorsAfter(fixtures.argoApplication, (o) => delete o.spec.destination)[0]).toContain(
        '/spec: missing required field "destination"',
      );
      expect(errorsAfter(fixtures.fluxKustomization, (o) => delete o.spec.prune)[0]).toContain('missing required field "prune"');
      expect(errorsAfter(fixtures.kmmModule, (o) => delete o.spec.moduleLoader.container.kernelMappings[0].containerImage)[0]).toContain(
        'missing required field "containerImage"',
      );
      expect(errorsAfter(fixtures.machineConfigPool, (o) => delete o.spec)[0]).toContain('/: missing required field "spec"');
    });

    it('accepts integer and string for x-kubernetes-int-or-string', () => {
      for (const v of [0, 2, '25%']) {
        expect(errorsAfter(fixtures.machineConfigPool, (o) => (o.spec.maxUnavailable = v))).toEqual([]);
      }
      expect(errorsAfter(fixtures.machineConfigPool, (o) => (o.spec.maxUnavailable = { percent: 10 }))[0]).toContain(
        '/spec/maxUnavailable: must be integer or string',
      );
    });

    it('accepts anything under x-kubernetes-preserve-unknown-fields', () => {
      const anything = { any: { nested: [1, 'two', { three: null }] }, list: [true] };
      const app = fixtures.argoApplication();
      app.spec.source.helm = { valuesObject: anything };
      expect(validateManifest(app)).toEqual([]);
      app.spec.source.helm.valuesObjectt = anything;
      expect(validateManifest(app)[0]).toContain('unknown field "valuesObjectt"');
    });

    it('accepts null only where the schema is nullable', () => {
      const scc = {
        apiVersion: 'security.openshift.io/v1',
        kind: 'SecurityContextConstraints',
        metadata: { name: 'kmods' },
        allowHostDirVolumePlugin: true,
        allowHostIPC: false,
        allowHostNetwork: false,
        allowHostPID: false,
        allowHostPorts: false,
        allowPrivilegedContainer: false,
        readOnlyRootFilesystem: false,
        allowedCapabilities: ['SYS_MODULE'],
        groups: null,
        defaultAddCapabilities: null,
        priority: null,
        requiredDropCapabilities: ['KILL', 'MKNOD'],
        volumes: ['configMap', 'hostPath', 'secret'],
        runAsUser: { type: 'RunAsAny' },
        seLinuxContext: { type: 'RunAsAny' },
      };
      expect(validateManifest(scc)).toEqual([]);
      expect(validateManifest({ ...scc, allowHostPID: null })).toEqual([
        'SecurityContextConstraints kmods: /allowHostPID: must be boolean, got null',
      ]);
      expect(validateManifest({ ...scc, volumes: null, users: null })).toEqual([]);
      expect(validateManifest({ ...scc, userNamespaceLevel: null })[0]).toContain('/userNamespaceLevel: must be string, got null');
    });
  });

  describe('OpenShift aggregated kinds (openshift/api swagger)', () => {
    it.each(['buildConfig', 'imageStream'] as const)('valid %s passes', (name) => {
      expect(validateManifest(fixtures[name]())).toEqual([]);
    });

    it('rejects an unknown field', () => {
      expect(errorsAfter(fixtures.buildConfig, (o) => (o.spec.strategy.dockerStrategy.buildArg = []))).toEqual([
        'BuildConfig kmods-system/demo-5.14.0-427: /spec/strategy/dockerStrategy: unknown field "buildArg"',
      ]);
      expect(errorsAfter(fixtures.imageStream, (o) => (o.spec.lookupPolicy.locall = true))[0]).toContain('unknown field "locall"');
    });

    it('rejects a wrong type', () => {
      expect(errorsAfter(fixtures.buildConfig, (o) => (o.spec.strategy.dockerStrategy.buildArgs = { KERNEL: 'x' }))[0]).toContain(
        '/spec/strategy/dockerStrategy/buildArgs: must be array',
      );
      expect(errorsAfter(fixtures.imageStream, (o) => (o.spec.lookupPolicy.local = 'true'))[0]).toContain('must be boolean');
    });

    it('rejects a missing required field', () => {
      expect(errorsAfter(fixtures.buildConfig, (o) => delete o.spec.strategy)[0]).toContain('/spec: missing required field "strategy"');
      expect(errorsAfter(fixtures.buildConfig, (o) => delete o.spec.triggers[0].type)[0]).toContain('missing required field "type"');
    });

    it('validates the Kubernetes types it references (Quantity, ObjectMeta)', () => {
      for (const v of ['2', 2]) expect(errorsAfter(fixtures.buildConfig, (o) => (o.spec.resources.limits.cpu = v))).toEqual([]);
      expect(errorsAfter(fixtures.buildConfig, (o) => (o.spec.resources.limitz = {}))[0]).toContain('unknown field "limitz"');
      expect(errorsAfter(fixtures.buildConfig, (o) => (o.metadata.labels = { a: 1 }))[0]).toContain('/metadata/labels/a: must be string');
    });
  });

  describe('Ignition (MachineConfig spec.config)', () => {
    const ign = (files: any[], version = '3.2.0'): any => ({ ignition: { version }, storage: { files } });

    it('knows the shared spec versions', () => {
      expect(knownIgnitionVersions()).toEqual(['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0', '3.5.0']);
    });

    it.each(['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0', '3.5.0'])('decimal mode 420 passes in %s, string "0644" fails', (v) => {
      expect(validateIgnition(ign([{ path: '/etc/a', mode: 420, contents: { source: 'data:,' } }], v))).toEqual([]);
      expect(validateIgnition(ign([{ path: '/etc/a', mode: '0644', contents: { source: 'data:,' } }], v))).toEqual([
        '/storage/files/0/mode: must be integer or null, got string "0644"',
      ]);
    });

    it('merges node and file fields (allOf) and still rejects unknown ones', () => {
      expect(validateIgnition(ign([{ path: '/etc/a', overwrite: true, user: { name: 'root' }, mode: 384 }]))).toEqual([]);
      expect(validateIgnition(ign([{ path: '/etc/a', permissions: 420 }]))).toEqual([
        '/storage/files/0: unknown field "permissions"',
      ]);
      expect(validateIgnition({ ignition: { version: '3.2.0' }, storge: {} })).toEqual(['/: unknown field "storge"']);
    });

    it('rejects a wrong type and a missing required field', () => {
      expect(validateIgnition({ ignition: { version: '3.2.0' }, systemd: { units: [{ name: 'a.service', enabled: 'yes' }] } })[0]).toContain(
        '/systemd/units/0/enabled: must be boolean',
      );
      expect(validateIgnition(ign([{ mode: 420 }]))).toEqual(['/storage/files/0: missing required field "path"']);
    });

    it('rejects a missing or unknown spec version', () => {
      expect(validateIgnition({ storage: {} })[0]).toContain('/ignition/version: missing');
      expect(validateIgnition({ ignition: { version: '3.6.0' } })[0]).toContain('unknown Ignition spec version "3.6.0"');
      expect(validateIgnition({ ignition: { version: '2.2.0' } })[0]).toContain('unknown Ignition spec version "2.2.0"');
    });

    it('is applied by validateManifest to a MachineConfig', () => {
      expect(errorsAfter(fixtures.machineConfig, (o) => (o.spec.config.storage.files[0].mode = '0644'))).toEqual([
        'MachineConfig 50-gpu-kmods: /spec/config/storage/files/0/mode: must be integer or null, got string "0644"',
      ]);
      expect(errorsAfter(fixtures.machineConfig, (o) => (o.spec.config.ignition.version = '3.9.0'))[0]).toContain(
        '/spec/config/ignition/version: unknown Ignition spec version',
      );
      expect(errorsAfter(fixtures.machineConfig, (o) => (o.spec.config = {}))).toEqual([]);
    });
  });
});

describe.skipIf(!shared)('loadDistObjects', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kmods-dist-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every document of every YAML file, recursively, without kustomization.yaml', () => {
    mkdirSync(join(dir, 'clusters', 'a'), { recursive: true });
    writeFileSync(join(dir, 'clusters', 'a', 'kustomization.yaml'), 'resources:\n- ns.yaml\n');
    writeFileSync(join(dir, 'clusters', 'a', 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n');
    writeFileSync(
      join(dir, 'clusters', 'a', 'multi.yaml'),
      '---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: s\n  namespace: a\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: a\n',
    );
    const objects = loadDistObjects(dir);
    expect(objects.map((o) => `${o.file}:${o.obj.kind}`)).toEqual([
      'clusters/a/multi.yaml:ServiceAccount',
      'clusters/a/multi.yaml:ConfigMap',
      'clusters/a/ns.yaml:Namespace',
    ]);
    expect(objects.flatMap((o) => validateManifest(o.obj))).toEqual([]);
  });

  it('throws on a YAML syntax error, naming the file', () => {
    const bad = mkdtempSync(join(dir, 'bad-'));
    writeFileSync(join(bad, 'x.yaml'), 'a: [1,\n');
    expect(() => loadDistObjects(bad)).toThrow(/x\.yaml/);
  });
});
