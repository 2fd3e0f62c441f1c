/**
 * The example fleet's own modules (apps/fleet.yaml), from their source in this repository to a
 * real kernel:
 *
 * 1. every module the example fleet builds must take its source from this repository (the
 *    fleet's `gitops.repoURL` at `gitops.revision`, the repository the clusters sync), in a
 *    folder that exists here; anything else cannot be built here and fails the test;
 * 2. the example fleet is synthesized for a cluster on the Debian kernel whose headers are
 *    installed, and each module's BuildConfig Dockerfile — the same text as in dist/ apart from
 *    the kernel and Driver Toolkit lines — is carried out stage by stage (support/dockerfile-build.ts):
 *    the builder stage fetches the source with git from a repository holding this working
 *    tree's example folders at that revision, and runs kmod-build.sh; the final stage copies the
 *    modules and firmware and runs depmod;
 * 3. the resulting image tree is loaded in qemu by the synthesized loader of that cluster.
 *
 * Needs what test/e2e/loader-qemu.test.ts needs, plus git. Under CI=true a missing tool fails.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { LOADER_PATHS } from '../../lib/delivery/daemonset/loader-script';
import { parseFleet } from '../../lib/fleet-file/fleet-file';
import { Manifest } from '../../lib/synth/manifest';
import { synthesizeFleet } from '../../lib/synth/synthesize-fleet';
import { loadDistObjects } from '../support/validate';
import { REPO_ROOT, tempDir } from '../support/repo';
import { debianKernel, DebianKernel, E2E_PACKAGES, headersRelease, missingHostTools } from './support/debian-kernel';
import { runModuleDockerfile } from './support/dockerfile-build';
import { GuestLoader, GuestReport, runLoadersInGuest } from './support/loader-guest';

const CI = process.env.CI === 'true';
const CACHE = process.env.KMODS_E2E_CACHE ?? path.join(REPO_ROOT, 'node_modules', '.cache', 'kmods-e2e');
const FLEET_FILE = path.join(REPO_ROOT, 'apps', 'fleet.yaml');
const FLEET_TEXT = fs.readFileSync(FLEET_FILE, 'utf8');
const FLEET = parse(FLEET_TEXT) as FleetDoc;
/** The final stage's package install, owned by the module-image contract (loaders); not carried out here. */
const KNOWN_PACKAGE_INSTALLS = ['microdnf install -y kmod && microdnf clean all'];

interface GitSourceDoc { url: string; ref: string; contextDir?: string; buildCommand?: string }
interface ModuleDoc {
  source: { git?: GitSourceDoc; dockerfile?: string; prebuilt?: unknown };
  loadOrder: { name: string; parameters?: Record<string, string> }[];
  firmwarePath?: string;
  version: string;
  [key: string]: unknown;
}
interface FleetDoc {
  gitops: { repoURL: string; revision?: string };
  modules: Record<string, ModuleDoc>;
}

/** The modules the example fleet builds (everything but vendor prebuilt images). */
const BUILT = Object.entries(FLEET.modules).filter(([, m]) => m.source.prebuilt === undefined);

/** Why a built example module cannot be built here, or undefined when it can. */
function notBuildableHere(name: string, m: ModuleDoc): string | undefined {
  const git = m.source.git;
  if (!git) return `module "${name}": only git sources in this repository are built by the tests (it has a ${Object.keys(m.source)[0]} source)`;
  if (git.url !== FLEET.gitops.repoURL) return `module "${name}": source ${git.url} is not this repository (${FLEET.gitops.repoURL})`;
  const revision = FLEET.gitops.revision ?? 'main';
  if (git.ref !== revision) return `module "${name}": ref ${git.ref} is not the revision the clusters sync (${revision})`;
  const dir = path.join(REPO_ROOT, git.contextDir ?? '.');
  if (!fs.existsSync(path.join(dir, 'Makefile')) && !fs.existsSync(path.join(dir, 'Kbuild'))) {
    return `module "${name}": contextDir ${git.contextDir ?? '.'} has no Makefile or Kbuild in this repository`;
  }
  return undefined;
}

/** The built modules that pass the check above; the others fail that test and are not built. */
const BUILDABLE = BUILT.filter(([name, m]) => notBuildableHere(name, m) === undefined);

describe('example modules: every source reference is buildable here', () => {
  test('the example fleet builds at least one module of its own', () => {
    expect(BUILT.map(([name]) => name)).toContain('kmods-demo');
  });

  test('every built module takes its source from this repository, at the synced revision, in a folder that exists', () => {
    expect(BUILT.length).toBeGreaterThan(0);
    expect(BUILT.map(([name, m]) => notBuildableHere(name, m)).filter((p) => p !== undefined)).toEqual([]);
  });

  test('a source outside the repository, or a folder that does not exist, is reported', () => {
    const m = FLEET.modules['kmods-demo'];
    expect(notBuildableHere('x', { ...m, source: { git: { ...m.source.git!, url: 'https://github.com/kmods-via-containers/simple-kmod.git' } } }))
      .toMatch(/is not this repository/);
    expect(notBuildableHere('x', { ...m, source: { git: { ...m.source.git!, contextDir: 'examples/modules/missing' } } }))
      .toMatch(/has no Makefile or Kbuild/);
    expect(notBuildableHere('x', { ...m, source: { git: { ...m.source.git!, ref: 'master' } } })).toMatch(/not the revision/);
  });
});

/** A git repository holding this working tree's module folders, committed on `revision`, as the cluster would fetch it. */
function fleetRepository(work: string, revision: string): string {
  const repo = path.join(work, 'fleet-repo');
  fs.mkdirSync(repo, { recursive: true });
  for (const [, m] of BUILDABLE) {
    const dir = m.source.git!.contextDir ?? '.';
    // Never a .git: a worktree's .git file would point git at this repository.
    fs.cpSync(path.join(REPO_ROOT, dir), path.join(repo, dir), { recursive: true, filter: (src) => path.basename(src) !== '.git' });
  }
  const git = (...args: string[]): void => {
    execFileSync('git', ['-c', 'user.name=kmods-test', '-c', 'user.email=kmods-test@example.com', '-c', 'init.defaultBranch=kmods-init', ...args],
      { cwd: repo, stdio: 'pipe' });
  };
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'example modules');
  git('branch', '-M', revision);
  return `file://${repo}`;
}

/** The example fleet with one cluster on the Debian kernel that loads every built example module. */
function debianFleetText(kernel: DebianKernel): string {
  const doc = parse(FLEET_TEXT);
  doc.releases = { '4.18.1': { example: true, kernel: kernel.release, driverToolkitImage: `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'d'.repeat(64)}` } };
  doc.modules = Object.fromEntries(BUILDABLE);
  doc.clusters = { e2e: { release: '4.18.1', pools: { nodes: { modules: BUILDABLE.map(([name]) => name) } } } };
  return stringify(doc);
}

/** Drops the lines that name a kernel or a Driver Toolkit image, to compare two Dockerfiles of one module. */
function withoutKernelLines(dockerfile: string): string {
  return dockerfile.split('\n').filter((l) => !/^(# Kernel |ARG KERNEL_FULL_VERSION=|ARG DTK_IMAGE=)/.test(l)).join('\n');
}

const missing = [...missingHostTools(), ...(spawnSync('git', ['--version']).status === 0 ? [] : ['git (package git)'])];

describe('example modules: built from their source with the BuildConfig Dockerfile, loaded on a real kernel (qemu)', () => {
  test.runIf(CI && missing.length > 0)('has its tools (required under CI)', () => {
    throw new Error(`missing for the example module test: ${missing.join('; ')} (apt-get install ${[...E2E_PACKAGES, 'git'].join(' ')})`);
  });
  if (!CI && missing.length > 0) console.warn(`skipping the example module qemu test; missing: ${missing.join('; ')}`);

  describe.skipIf(missing.length > 0)(`Debian kernel ${headersRelease() ?? '(none)'}`, () => {
    let work: string;
    let kernel: DebianKernel;
    let manifests: Manifest[];
    const images = new Map<string, { root: string; skipped: ReadonlyArray<string> }>();
    let report: GuestReport;
    const value = (key: string): string | undefined => report.values.get(key)?.trim();
    const demo = FLEET.modules['kmods-demo'];

    beforeAll(async () => {
      work = tempDir('kmods-examples-');
      kernel = debianKernel(CACHE);
      const dist = path.join(work, 'dist');
      synthesizeFleet(parseFleet(debianFleetText(kernel), 'apps/fleet.yaml (Debian kernel)'), { outdir: dist });
      manifests = loadDistObjects(dist).filter((o) => o.file.startsWith('clusters/e2e/')).map((o) => o.obj as Manifest);
      const repoUrl = fleetRepository(work, FLEET.gitops.revision ?? 'main');
      for (const [name] of BUILDABLE) {
        const bc = manifests.find((o) => o.kind === 'BuildConfig' && o.metadata.labels?.['cdk8s-kmods.io/module'] === name) as any;
        const buildArgs = Object.fromEntries(bc.spec.strategy.dockerStrategy.buildArgs.map((a: { name: string; value: string }) => [a.name, a.value]));
        const result = runModuleDockerfile(bc.spec.source.dockerfile, {
          workDir: path.join(work, `build-${name}`),
          buildArgs,
          // What only the cluster has: the Driver Toolkit's kernel tree and the fleet repository's address.
          overrides: { KERNEL_SRC: kernel.headersDir, KMOD_GIT_URL: repoUrl },
          baseFiles: { builder: { '/etc/driver-toolkit-release.json': JSON.stringify({ KERNEL_VERSION: kernel.release }) } },
          allowPackageInstalls: KNOWN_PACKAGE_INSTALLS,
        });
        images.set(name, { root: result.imageRoot, skipped: result.skipped });
      }
      const modDir = (name: string): string => path.join(images.get(name)!.root, 'opt', 'lib', 'modules', kernel.release);
      const koFiles = BUILDABLE.flatMap(([name]) => fs.readdirSync(path.join(modDir(name), 'extra')).map((f) => path.join(modDir(name), 'extra', f)));
      const imageFiles: Record<string, Buffer> = {};
      for (const [name, m] of BUILDABLE) {
        if (!m.firmwarePath) continue;
        const dir = path.join(images.get(name)!.root, m.firmwarePath);
        for (const f of fs.readdirSync(dir)) imageFiles[`${m.firmwarePath}/${f}`] = fs.readFileSync(path.join(dir, f));
      }
      report = await runLoadersInGuest({
        kernel, workDir: work, imageModules: koFiles, inTreeModules: [], imageFiles, loaders: BUILDABLE.map(([name, m]) => loaderOf(name, m)),
      });
      if (process.env.KMODS_E2E_VERBOSE) console.info(report.qemu.console);
      if (value('done') !== '1') {
        throw new Error(`the guest did not finish (exit ${report.qemu.exitCode}, timed out: ${report.qemu.timedOut}); console:\n${report.qemu.console}`);
      }
    }, 400_000);

    afterAll(() => {
      if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    /** The loader of one module as the e2e cluster synthesized it (ConfigMap script, DaemonSet env and probe). */
    function loaderOf(name: string, m: ModuleDoc): GuestLoader {
      const cm = manifests.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${name}-loader`) as Manifest & { data: Record<string, string> };
      const ds = manifests.find((o) => o.kind === 'DaemonSet' && (o as any).spec.template.metadata.labels['app.kubernetes.io/part-of'] === name) as any;
      const container = ds.spec.template.spec.containers[0];
      expect(container.command).toEqual(['/bin/sh', `${LOADER_PATHS.scriptDir}/${LOADER_PATHS.scriptFile}`]);
      return {
        name: name.replace(/[^A-Za-z0-9]/g, '_'),
        script: cm.data[LOADER_PATHS.scriptFile],
        env: Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value])),
        readinessProbe: container.readinessProbe.exec.command,
        reportParameters: m.loadOrder.map((k) => k.name.replace(/-/g, '_')),
      };
    }

    test('the Dockerfile run here is the one in dist/ (only the kernel and Driver Toolkit lines differ)', () => {
      const distObjects = loadDistObjects(path.join(REPO_ROOT, 'dist')).map((o) => o.obj as any);
      expect(BUILDABLE.length).toBeGreaterThan(0);
      for (const [name] of BUILDABLE) {
        const here = manifests.find((o: any) => o.kind === 'BuildConfig' && o.metadata.labels?.['cdk8s-kmods.io/module'] === name) as any;
        const inDist = distObjects.filter((o) => o.kind === 'BuildConfig' && o.metadata.labels?.['cdk8s-kmods.io/module'] === name);
        expect(inDist.length).toBeGreaterThan(0);
        for (const bc of inDist) expect(withoutKernelLines(bc.spec.source.dockerfile)).toBe(withoutKernelLines(here.spec.source.dockerfile));
      }
    });

    test('every .ko in the load order was built, installed in the KMM layout and indexed by depmod', () => {
      expect(BUILDABLE.length).toBeGreaterThan(0);
      for (const [name, m] of BUILDABLE) {
        const dir = path.join(images.get(name)!.root, 'opt', 'lib', 'modules', kernel.release);
        for (const { name: ko } of m.loadOrder) expect(fs.existsSync(path.join(dir, 'extra', `${ko}.ko`))).toBe(true);
        expect(fs.readFileSync(path.join(dir, 'modules.dep'), 'utf8')).toContain('extra/kmods_demo_client.ko: extra/kmods_demo.ko');
        // No build step other than the final stage's known package install was left out.
        expect(images.get(name)!.skipped.every((s) => KNOWN_PACKAGE_INSTALLS.some((k) => s === `RUN ${k}`))).toBe(true);
      }
    });

    test('kmods_demo_client depends on the symbol kmods_demo exports (modinfo)', () => {
      const dir = path.join(images.get('kmods-demo')!.root, 'opt', 'lib', 'modules', kernel.release, 'extra');
      expect(execFileSync('modinfo', ['-F', 'depends', path.join(dir, 'kmods_demo_client.ko')], { encoding: 'utf8' }).trim()).toBe('kmods_demo');
      expect(execFileSync('modinfo', ['-F', 'vermagic', path.join(dir, 'kmods_demo.ko')], { encoding: 'utf8' })).toContain(kernel.release);
    });

    test('each built .ko carries the version the fleet gives the module (bump both when the source changes)', () => {
      expect(BUILDABLE.length).toBeGreaterThan(0);
      for (const [name, m] of BUILDABLE) {
        const dir = path.join(images.get(name)!.root, 'opt', 'lib', 'modules', kernel.release, 'extra');
        for (const { name: ko } of m.loadOrder) {
          expect(execFileSync('modinfo', ['-F', 'version', path.join(dir, `${ko}.ko`)], { encoding: 'utf8' }).trim(), `${ko}.ko`).toBe(m.version);
        }
      }
    });

    test('the build placed the firmware in the image at firmwarePath', () => {
      const fw = path.join(images.get('kmods-demo')!.root, demo.firmwarePath!, 'kmods-demo.fw');
      expect(fs.readFileSync(fw)).toEqual(fs.readFileSync(path.join(REPO_ROOT, 'examples/modules/kmods-demo/firmware/kmods-demo.fw')));
    });

    test('the loader loads both modules and its readiness probe passes', () => {
      expect(value('kmods_demo.ready')).toBe('1');
      expect(value('kmods_demo.probe')).toBe('0');
      expect(value('kmods_demo.modules')).toBe('kmods_demo kmods_demo_client');
    });

    test('the example parameters reach the kernel, and the client called the exported symbol', () => {
      const params = demo.loadOrder[0].parameters!;
      expect(report.values.get('kmods_demo.param.kmods_demo.greeting')).toBe(params.greeting);
      expect(value('kmods_demo.param.kmods_demo.repeat')).toBe(params.repeat);
      expect(value('kmods_demo.param.kmods_demo_client.name')).toBe(demo.loadOrder[1].parameters!.name);
      expect(value('kmods_demo.param.kmods_demo_client.greetings')).toBe('1');
    });

    test('the firmware the module requests is found through the loader-set firmware path', () => {
      const size = fs.statSync(path.join(REPO_ROOT, 'examples/modules/kmods-demo/firmware/kmods-demo.fw')).size;
      expect(value('firmware.copied')).toBe('kmods-demo.fw');
      expect(value('kmods_demo.param.kmods_demo.fw_size')).toBe(String(size));
    });

    test('SIGTERM unloads both modules', () => {
      expect(value('kmods_demo.exit')).toBe('0');
      expect(value('kmods_demo.modules-after')).toBe('');
    });
  });
});
