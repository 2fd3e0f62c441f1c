import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, describe, expect, test } from 'vitest';
import { FleetValidationError } from '../../../lib/errors';
import { loadFleetFile } from '../../../lib/fleet-file/fleet-file';
import { LOADER_PATHS, READY_FILE_ENV, renderLoaderScript } from '../../../lib/delivery/daemonset/loader-script';
import { shellQuote } from '../../../lib/shell';
import { KernelModule, KernelModuleProps } from '../../../lib/module/kernel-module';
import { ModuleSource } from '../../../lib/module/module-source';
import { renderClusterManifests } from '../../../lib/synth/render-cluster';
import { REPO_ROOT, tempDir } from '../../support/repo';
import { testFleet } from '../../support/test-fleet';

const CI = process.env.CI === 'true';
const SOURCE = ModuleSource.prebuilt({ image: 'quay.io/acme/kmods:${KERNEL_FULL_VERSION}' });

/** A value with every shell metacharacter that matters: quotes, ;, $( ), backticks, &, |, globs. */
const NASTY = `it's 'quoted'; $(touch PWNED) \`touch PWNED\` & | * ? ~ \\ end`;

function module(props: Partial<KernelModuleProps> & Pick<KernelModuleProps, 'loadOrder'>): KernelModule {
  return new KernelModule({ name: 'fixture', version: '1.0', source: SOURCE, ...props });
}

/** The loader script exactly as a cluster synthesizes it: the ConfigMap's `load.sh`. */
function synthesizedScripts(props: Partial<KernelModuleProps> & Pick<KernelModuleProps, 'loadOrder'>): string {
  const fleet = testFleet({ modules: [{ name: 'fixture', version: '1.0', source: SOURCE, ...props }] });
  const cluster = fleet.addCluster('c', { release: '4.18.12', pools: { p: { modules: ['fixture'] } } });
  const cm = renderClusterManifests(cluster).find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'fixture-loader');
  return (cm as any).data[LOADER_PATHS.scriptFile];
}

const scratchDirs: string[] = [];
/** A temporary folder removed after the tests. */
function scratch(prefix = 'kmods-loader-script-'): string {
  const dir = tempDir(prefix);
  scratchDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function which(tool: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

describe('shellQuote', () => {
  test('round-trips any printable value through sh as one word', () => {
    for (const value of ['', 'plain', "a'b", "''", NASTY, '-n', 'x=y z']) {
      const r = spawnSync('sh', ['-c', `printf '%s' ${shellQuote(value)}`], { encoding: 'utf8', cwd: scratch() });
      expect(r.stdout).toBe(value);
    }
  });
});

describe('shellcheck', () => {
  const shellcheck = which('shellcheck');
  const variants: Record<string, string> = {};
  for (const cluster of loadFleetFile(path.join(REPO_ROOT, 'apps', 'fleet.yaml')).clusters) {
    for (const m of renderClusterManifests(cluster)) {
      if (m.kind === 'ConfigMap' && (m as any).data?.[LOADER_PATHS.scriptFile]) variants[`${cluster.name}/${m.metadata.name}`] = (m as any).data[LOADER_PATHS.scriptFile];
    }
  }
  const opts = { namespace: 'ns', nodeLabelKey: 'node.cdk8s-kmods.io/ns.fixture.ready', nodeLabelValue: '1.0' };
  variants.everything = renderLoaderScript(module({
    loadOrder: [{ name: 'a', parameters: { p: NASTY, q: '1' } }, { name: 'b-c' }],
    inTreeModulesToRemove: ['old-a', 'old_b'],
    firmwarePath: '/firmware/x',
    keepLoadedOnStop: false,
  }), opts);
  variants.minimal = renderLoaderScript(module({ loadOrder: [{ name: 'a' }] }), opts);

  test.runIf(CI)('is installed (required under CI)', () => {
    expect(shellcheck, 'shellcheck is not installed (apt-get install shellcheck)').toBeTruthy();
  });
  test.skipIf(!shellcheck && !CI).each(Object.keys(variants))('passes on the %s script', (name) => {
    const dir = scratch();
    const file = path.join(dir, 'load.sh');
    fs.writeFileSync(file, variants[name]);
    const r = spawnSync('shellcheck', ['--shell=sh', '--severity=style', file], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('user values at synth time', () => {
  test('a parameter name with shell syntax is rejected', () => {
    expect(() => synthesizedScripts({ loadOrder: [{ name: 'a', parameters: { 'x; rm -rf /': '1' } }] })).toThrow(FleetValidationError);
    expect(() => synthesizedScripts({ loadOrder: [{ name: 'a', parameters: { 'x; rm -rf /': '1' } }] })).toThrow(/loadOrder\[0\]\.parameters\["x; rm -rf \/"\]: module "fixture": invalid name/);
  });
  test('a module name with shell syntax is rejected', () => {
    expect(() => synthesizedScripts({ loadOrder: [{ name: 'a$(id)' }] })).toThrow(/loadOrder\[0\]\.name: module "fixture": value has the wrong form; given "a\$\(id\)"/);
    expect(() => synthesizedScripts({ loadOrder: [{ name: 'a' }], inTreeModulesToRemove: ['x;y'] })).toThrow(/inTreeModulesToRemove/);
  });
  test('a firmware path that climbs out of the image is rejected', () => {
    expect(() => synthesizedScripts({ loadOrder: [{ name: 'a' }], firmwarePath: '/lib/../..' })).toThrow(/firmwarePath.*"\." or "\.\."/);
  });
  test('a value containing quotes and semicolons appears only single-quoted', () => {
    const script = synthesizedScripts({ loadOrder: [{ name: 'a', parameters: { p: NASTY } }] });
    expect(script).toContain(` 'p=it'\\''s '\\''quoted'\\''; $(touch PWNED) \`touch PWNED\` & | * ? ~ \\ end' `);
  });
});

/**
 * Runs a synthesized script on this machine with fake kmod tools on PATH (they record each call).
 * The real behaviour (loading, versions, firmware, the label) is proven on a real kernel in
 * test/e2e/loader-contract-qemu.test.ts; this checks the path that needs no kernel at all.
 */
class FakeKmodRun {
  public readonly dir = scratch();
  public readonly calls = path.join(this.dir, 'calls');
  public readonly readyFile = path.join(this.dir, 'state', 'ready');
  public output = '';
  private exit?: Promise<number | null>;
  private child?: ReturnType<typeof spawn>;

  constructor(script: string, private readonly shell: string[]) {
    fs.mkdirSync(this.calls);
    fs.mkdirSync(path.join(this.dir, 'bin'));
    for (const tool of ['modprobe', 'depmod', 'modinfo']) {
      fs.writeFileSync(path.join(this.dir, 'bin', tool), [
        '#!/bin/sh',
        'if [ "$1" = --version ]; then echo "kmod version 30"; exit 0; fi',
        `n=$(ls '${this.calls}' | wc -l)`,
        `printf '%s\\0' ${tool} "$@" > '${this.calls}'/"$(printf '%04d' "$n")"`,
      ].join('\n'), { mode: 0o755 });
    }
    fs.writeFileSync(path.join(this.dir, 'load.sh'), script);
  }

  public start(): void {
    this.child = spawn(this.shell[0], [...this.shell.slice(1), path.join(this.dir, 'load.sh')], {
      cwd: this.dir,
      env: { PATH: `${path.join(this.dir, 'bin')}:/usr/sbin:/usr/bin:/sbin:/bin`, [READY_FILE_ENV]: this.readyFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d) => { this.output += d; });
    this.child.stderr!.on('data', (d) => { this.output += d; });
    this.exit = new Promise((resolve) => this.child!.on('exit', (code) => resolve(code)));
  }

  public async waitFor(predicate: () => boolean, what: string, ms = 10_000): Promise<void> {
    const end = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; output:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  public async stop(): Promise<number | null> {
    this.child!.kill('SIGTERM');
    return this.exit!;
  }

  /** Each tool call's arguments, in call order. */
  public recorded(): string[][] {
    return fs.readdirSync(this.calls).sort().map((f) => fs.readFileSync(path.join(this.calls, f), 'utf8').split('\0').slice(0, -1));
  }
}

const SHELLS: Array<[string, string[]]> = [['sh', ['/bin/sh']]];
if (which('busybox')) SHELLS.push(['busybox sh (prefers its own applets)', [which('busybox')!, 'sh']]);

describe.each(SHELLS)('the synthesized script under %s, with fake kmod tools', (_name, shell) => {
  test.skipIf(fs.existsSync(`${LOADER_PATHS.imagesDir}/${os.release()}`))('with no build for the running kernel it stays not ready, says why, touches no module, and exits 0 on SIGTERM', async () => {
    const run = new FakeKmodRun(synthesizedScripts({ loadOrder: [{ name: 'a' }], keepLoadedOnStop: false }), shell);
    run.start();
    const reason = path.join(run.dir, 'state', 'reason');
    await run.waitFor(() => fs.existsSync(reason), 'the not-ready reason');
    expect(fs.readFileSync(reason, 'utf8')).toContain(`this pod has no build for kernel ${os.release()}`);
    expect(fs.existsSync(run.readyFile)).toBe(false);
    expect(await run.stop()).toBe(0);
    expect(run.recorded()).toEqual([]);
    expect(run.output).toContain('node label unchanged');
  });

  test('fails at once, before touching anything, when the loader image has no kmod', async () => {
    const run = new FakeKmodRun(synthesizedScripts({ loadOrder: [{ name: 'a' }] }), shell);
    fs.writeFileSync(path.join(run.dir, 'bin', 'modprobe'), '#!/bin/sh\necho "BusyBox v1.35"\n', { mode: 0o755 });
    run.start();
    await run.waitFor(() => run.output.includes('error:'), 'the error');
    expect(run.output).toContain("is not kmod's modprobe");
    expect(await run.stop().catch(() => null)).not.toBe(0);
    expect(run.recorded()).toEqual([]);
  });
});
