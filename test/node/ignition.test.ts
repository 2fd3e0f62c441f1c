import { describe, expect, test } from 'vitest';
import { FleetValidationError, ProblemCollector } from '../../lib/errors';
import { fromDataUrl, IgnitionConfig, toDataUrl } from '../../lib/node/ignition';
import { IgnitionVersion } from '../../lib/node/ignition-version';
import { nodeTestIgnitionSchemaErrors, sharedAvailable } from './schema-check';

/** Schema checks need ../shared: skipped visibly without it (failing under CI=true), never passed with zero assertions. */
const shared = sharedAvailable();

function problemsOf(config: IgnitionConfig): string[] {
  const problems = new ProblemCollector();
  config.check(problems);
  return problems.problems.map((p) => `${p.path.join('.')}: ${p.message}`);
}

function sample(): IgnitionConfig {
  return new IgnitionConfig()
    .addFile({ path: '/etc/modprobe.d/nouveau.conf', contents: 'blacklist nouveau\n# 100% "quoted" & ünïcode\n' })
    .addFile({ path: '/usr/local/bin/load-kmod.sh', contents: '#!/bin/bash\nexit 0\n', mode: 0o755 })
    .addFile({ path: '/etc/kmods/blob.bin', contents: new Uint8Array([0, 1, 2, 255]), mode: 0o600 })
    .addUnit({ name: 'load-kmod.service', enabled: true, contents: '[Unit]\nDescription=x\n[Service]\nExecStart=/usr/local/bin/load-kmod.sh\n[Install]\nWantedBy=multi-user.target\n' })
    .addDropin('kubelet.service', { name: '10-kmods.conf', contents: '[Unit]\nAfter=load-kmod.service\n' })
    .addUnit({ name: 'unwanted.service', mask: true });
}

describe('data URLs', () => {
  test('text round-trips and only unreserved characters stay unescaped', () => {
    const text = 'blacklist nouveau\n# 100% "quoted" & ünïcode, a=b;c/d?\n';
    const url = toDataUrl(text);
    expect(url).toMatch(/^data:,[A-Za-z0-9\-._~%]*$/);
    expect(url.startsWith('data:,blacklist%20nouveau%0A')).toBe(true);
    expect(Buffer.from(fromDataUrl(url)!).toString('utf8')).toBe(text);
  });

  test('bytes are base64 and round-trip', () => {
    const bytes = new Uint8Array([0, 1, 2, 254, 255]);
    const url = toDataUrl(bytes);
    expect(url).toBe('data:;base64,AAEC/v8=');
    expect([...fromDataUrl(url)!]).toEqual([...bytes]);
  });
});

describe('IgnitionConfig.render', () => {
  test('modes are decimal, files are overwritten, contents are data URLs', () => {
    const rendered: any = sample().render(IgnitionVersion.V3_2_0);
    expect(rendered.ignition).toEqual({ version: '3.2.0' });
    expect(rendered.storage.files.map((f: any) => f.mode)).toEqual([420, 493, 384]);
    for (const f of rendered.storage.files) {
      expect(f.overwrite).toBe(true);
      expect(f.contents.source).toMatch(/^data:/);
      expect(f).not.toHaveProperty('append');
    }
    expect(rendered.systemd.units).toEqual([
      expect.objectContaining({ name: 'load-kmod.service', enabled: true }),
      { name: 'kubelet.service', dropins: [{ name: '10-kmods.conf', contents: '[Unit]\nAfter=load-kmod.service\n' }] },
      { name: 'unwanted.service', mask: true },
    ]);
  });

  test('never emits directories, links, kernelArguments or passwd; empty sections are left out', () => {
    const full: any = sample().render(IgnitionVersion.V3_5_0);
    expect(Object.keys(full).sort()).toEqual(['ignition', 'storage', 'systemd']);
    expect(Object.keys(full.storage)).toEqual(['files']);
    expect(Object.keys(full.systemd)).toEqual(['units']);
    expect(new IgnitionConfig().render(IgnitionVersion.V3_4_0)).toEqual({ ignition: { version: '3.4.0' } });
  });

  test('the builder has no way to add directories, links or append', () => {
    const methods = Object.getOwnPropertyNames(IgnitionConfig.prototype);
    expect(methods.filter((m) => /director|link|append|karg|kernel/i.test(m))).toEqual([]);
  });

  test.skipIf(!shared).each(IgnitionVersion.ALL.map((v) => [v.text, v]))('the rendered config validates against the Ignition %s schema', (_text, version) => {
    expect(nodeTestIgnitionSchemaErrors(sample().render(version as IgnitionVersion))).toEqual([]);
    expect(nodeTestIgnitionSchemaErrors(new IgnitionConfig().render(version as IgnitionVersion))).toEqual([]);
  });

  test.skipIf(!shared)('the schema check itself rejects a bad config (the check can fail)', () => {
    expect(nodeTestIgnitionSchemaErrors({ ignition: { version: '3.2.0' }, storage: { files: [{ mode: '0644' }] } }).length).toBeGreaterThan(0);
  });
});

describe('IgnitionConfig.check', () => {
  test('a good config has no problems', () => {
    expect(problemsOf(sample())).toEqual([]);
  });

  test.each([0o4755, 0o2755, 0o1777, 0o1000, -1, 1.5])('mode %o is refused (setuid/setgid/sticky or not permission bits)', (mode) => {
    expect(problemsOf(new IgnitionConfig().addFile({ path: '/etc/a', contents: '', mode }))).toEqual([
      'storage.files.0.mode: file mode must be permission bits only (the MCO rejects setuid, setgid and sticky bits)',
    ]);
  });

  test('0o777 is the largest accepted mode', () => {
    expect(problemsOf(new IgnitionConfig().addFile({ path: '/etc/a', contents: '', mode: 0o777 }))).toEqual([]);
  });

  test.each([
    ['etc/relative', 'not an absolute file path'],
    ['/etc/with space', 'not an absolute file path'],
    ['/etc/new\nline', 'not an absolute file path'],
    ['/etc/', 'not an absolute file path'],
    ['/etc/../root/x', '"." or ".." segments'],
    ['/usr/lib/modules/x.ko', 'read-only OS tree'],
    ['/run/machine-config-daemon-force', 'force file'],
  ])('path %j is refused', (path, message) => {
    const found = problemsOf(new IgnitionConfig().addFile({ path, contents: '' }));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(message);
  });

  test('duplicate files, bad unit and drop-in names, enabled units without [Install] are refused', () => {
    const config = new IgnitionConfig()
      .addFile({ path: '/etc/a', contents: '' })
      .addFile({ path: '/etc/a', contents: 'x' })
      .addUnit({ name: 'no-suffix', contents: '[Unit]\n' })
      .addUnit({ name: 'x.service', enabled: true, contents: '[Service]\nExecStart=/bin/true\n' })
      .addUnit({ name: 'y.service', enabled: true, mask: true })
      .addDropin('z.service', { name: 'no-conf-suffix', contents: '' })
      .addUnit({ name: 'empty.service' });
    expect(problemsOf(config)).toEqual([
      'storage.files.1.path: file listed twice',
      'systemd.units.0.name: not a systemd unit name',
      'systemd.units.1.contents: an enabled unit needs an [Install] section',
      'systemd.units.2: a unit cannot be both enabled and masked',
      'systemd.units.3.dropins.0.name: not a drop-in file name',
      'systemd.units.4: the unit entry has no contents, drop-ins, enabled or mask',
    ]);
  });
});

describe('IgnitionConfig.fromObject', () => {
  test('reads files with data URLs and units', () => {
    const config = IgnitionConfig.fromObject({
      ignition: { version: '3.2.0' },
      storage: { files: [{ path: '/etc/modules-load.d/a.conf', mode: 420, overwrite: true, contents: { source: 'data:,a%0A' } }] },
      systemd: { units: [{ name: 'a.service', dropins: [{ name: '10-a.conf', contents: '[Unit]\n' }] }] },
    });
    const rendered: any = config.render(IgnitionVersion.V3_2_0);
    expect(rendered.storage.files).toEqual([{ path: '/etc/modules-load.d/a.conf', mode: 420, overwrite: true, contents: { source: 'data:,a%0A' } }]);
    expect(rendered.systemd.units).toEqual([{ name: 'a.service', dropins: [{ name: '10-a.conf', contents: '[Unit]\n' }] }]);
  });

  test.each([
    [{ ignition: { version: '3.4.0' }, kernelArguments: { shouldExist: ['a=b'] } }, 'kernelArguments', 'use the machine config\'s kernelArguments (spec.kernelArguments)'],
    [{ storage: { directories: [{ path: '/etc/x' }] } }, 'storage.directories', 'parent directories of files are created automatically'],
    [{ storage: { links: [{ path: '/etc/x', target: '/etc/y' }] } }, 'storage.links', 'refuses adding storage.links'],
    [{ storage: { disks: [] } }, 'storage.disks', 'refuses storage.disks'],
    [{ passwd: { users: [] } }, 'passwd', 'does not manage users'],
    [{ storage: { files: [{ path: '/etc/x', append: [{ source: 'data:,x' }] }] } }, 'storage.files.0.append', 'refuses files with append'],
    [{ storage: { files: [{ path: '/etc/x', contents: { source: 'https://example.com/x' } }] } }, 'storage.files.0.contents.source', 'inline data: URL'],
    [{ storage: { files: [{ path: '/etc/x', mode: 2541, contents: { source: 'data:,x' } }] } }, 'storage.files.0.mode', 'permission bits only'],
    [{ ignition: { version: '3.2.0', config: { merge: [] } } }, 'ignition.config', 'remote configs are not supported'],
  ])('refuses %j', (raw, path, message) => {
    let error: unknown;
    try {
      IgnitionConfig.fromObject(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FleetValidationError);
    const problem = (error as FleetValidationError).problems[0];
    expect(problem.path.join('.')).toBe(`config.${path}`);
    expect(problem.message).toContain(message);
  });
});
