import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_SCRIPT, BUILD_SCRIPT_PATH } from '../../lib/image/build-script';
import { renderModuleDockerfile } from '../../lib/image/dockerfile';
import { KernelModule } from '../../lib/module/kernel-module';
import { ModuleSource } from '../../lib/module/module-source';

/**
 * Runs kmod-build.sh — the very text the Dockerfiles embed — against a real kernel's headers
 * (Debian's linux-headers-amd64) on the fixture module in test/fixtures/kmod.
 * Needs: linux-headers-amd64 build-essential kmod openssl git shellcheck. Under CI=true a
 * missing tool fails the test; elsewhere the real-kernel tests are skipped.
 */
const CI = process.env.CI === 'true';
const FIXTURE = resolve(__dirname, '../fixtures/kmod');

function which(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` } }).status === 0;
}

/** The newest Debian kernel headers tree: `/usr/src/linux-headers-<kver>` with a Makefile and sign-file. */
function findHeaders(): { kver: string; dir: string } | undefined {
  if (!existsSync('/usr/src')) return undefined;
  const trees = readdirSync('/usr/src')
    .filter((d) => /^linux-headers-\d.*-(amd64|arm64)$/.test(d))
    .filter((d) => existsSync(join('/usr/src', d, 'Makefile')) && existsSync(join('/usr/src', d, 'scripts/sign-file')))
    .sort();
  const dir = trees.pop();
  return dir ? { kver: dir.replace(/^linux-headers-/, ''), dir: join('/usr/src', dir) } : undefined;
}

const headers = findHeaders();
const missing = [
  ...(headers ? [] : ['kernel headers (apt-get install -y linux-headers-amd64)']),
  ...['make', 'gcc', 'depmod', 'modinfo', 'modprobe', 'openssl', 'git'].filter((t) => !which(t)),
];
const haveShellcheck = which('shellcheck');

describe('kmod-build.sh is what the Dockerfiles run', () => {
  it('the Dockerfile writes exactly BUILD_SCRIPT, as readable lines', () => {
    const module = new KernelModule({
      name: 'kmods-hello', version: '1.0.0', loadOrder: [{ name: 'kmods_hello' }],
      source: ModuleSource.git({ url: 'https://git.example.com/hello.git', ref: 'v1' }),
    });
    const dockerfile = renderModuleDockerfile(module);
    // Join continued lines as Docker does, take the instruction that writes the script, and run it
    // with sh (as the build would) into a temporary file instead of /usr/local/bin.
    const joined = dockerfile.replace(/\\\n/g, '');
    const run = joined.split('\n').find((l) => l.startsWith('RUN printf') && l.includes(BUILD_SCRIPT_PATH));
    expect(run).toBeDefined();
    const out = join(mkdtempSync(join(tmpdir(), 'kmods-script-')), 'kmod-build.sh');
    execFileSync('sh', ['-c', run!.slice('RUN '.length).split(BUILD_SCRIPT_PATH).join(out)]);
    expect(readFileSync(out, 'utf8')).toBe(BUILD_SCRIPT);
    expect(dockerfile).toContain("'#!/bin/sh' \\\n");
  });

  it.skipIf(!haveShellcheck && !CI)('passes shellcheck as POSIX sh', () => {
    expect(haveShellcheck, 'shellcheck is not installed (apt-get install -y shellcheck)').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'kmods-sc-'));
    try {
      writeFileSync(join(dir, 'kmod-build.sh'), BUILD_SCRIPT);
      const result = spawnSync('shellcheck', ['-s', 'sh', '-S', 'style', join(dir, 'kmod-build.sh')], { encoding: 'utf8' });
      expect(result.stdout + result.stderr).toBe('');
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(missing.length > 0 && !CI)('kmod-build.sh against real kernel headers', () => {
  let work: string;
  let script: string;

  beforeAll(() => {
    if (missing.length > 0) throw new Error(`the real-kernel build test needs: ${missing.join(', ')} (apt-get install -y linux-headers-amd64 build-essential kmod openssl git)`);
    work = mkdtempSync(join(tmpdir(), 'kmods-build-'));
    script = join(work, 'kmod-build.sh');
    writeFileSync(script, BUILD_SCRIPT, { mode: 0o755 });
    execFileSync('openssl', ['req', '-new', '-nodes', '-utf8', '-sha256', '-days', '1', '-batch', '-x509',
      '-subj', '/CN=cdk8s-kmods throwaway test key', '-outform', 'DER',
      '-out', join(work, 'cert.der'), '-keyout', join(work, 'key.pem')], { stdio: 'pipe' });
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function run(name: string, env: Record<string, string>, args: string[] = []) {
    const src = join(work, name, 'src');
    cpSync(FIXTURE, src, { recursive: true });
    const prefix = join(work, name, 'opt');
    const result = spawnSync('sh', [script, ...args], {
      encoding: 'utf8',
      env: {
        PATH: `${process.env.PATH}:/usr/sbin:/sbin`,
        HOME: work,
        KERNEL_FULL_VERSION: headers!.kver,
        KERNEL_SRC: headers!.dir,
        KMOD_PREFIX: prefix,
        KMOD_SRC_DIR: src,
        KMOD_MODULES: 'kmods_hello',
        ...env,
      },
    });
    return { ...result, prefix, src, moddir: join(prefix, 'lib/modules', headers!.kver) };
  }

  function modinfo(field: string, file: string): string {
    return execFileSync('modinfo', ['-F', field, file], { encoding: 'utf8', env: { PATH: `${process.env.PATH}:/usr/sbin:/sbin` } }).trim();
  }

  it('builds, signs and installs the fixture in the KMM layout', () => {
    const r = run('signed', { KMOD_SIGN_KEY: join(work, 'key.pem'), KMOD_SIGN_CERT: join(work, 'cert.der') });
    expect(r.status, r.stderr).toBe(0);
    const ko = join(r.moddir, 'extra/kmods_hello.ko');
    expect(existsSync(ko)).toBe(true);
    expect(readFileSync(join(r.moddir, 'modules.dep'), 'utf8')).toMatch(/^extra\/kmods_hello\.ko:/m);
    expect(modinfo('signer', ko)).toBe('cdk8s-kmods throwaway test key');
    expect(modinfo('vermagic', ko)).toContain(headers!.kver.replace(/-(amd64|arm64)$/, ''));
    expect(modinfo('parm', ko)).toMatch(/greeting/);
    expect(readFileSync(ko).subarray(-28).toString('latin1')).toBe('~Module signature appended~\n');
    // modprobe resolves it from the prefix exactly as a loader would (dry run: nothing is loaded).
    const dry = spawnSync('modprobe', ['-n', '-v', '-d', r.prefix, '-S', headers!.kver, 'kmods_hello', 'greeting=hi', 'count=2'],
      { encoding: 'utf8', env: { PATH: `${process.env.PATH}:/usr/sbin:/sbin` } });
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`insmod ${ko} greeting=hi count=2`);
  });

  it('links host to the kernel\'s own /lib/modules/<kernel> before depmod (KMM\'s recipe for in-tree dependencies), unless told not to', () => {
    const linked = run('host-link', { KMOD_HOST_MODULES: headers!.dir });
    expect(linked.status, linked.stderr).toBe(0);
    // Absolute, so that on the node it resolves to the node's own modules.
    expect(readlinkSync(join(linked.moddir, 'host'))).toBe(`/lib/modules/${headers!.kver}`);
    const none = run('no-host-link', { KMOD_HOST_MODULES: 'none' });
    expect(none.status, none.stderr).toBe(0);
    expect(existsSync(join(none.moddir, 'host')) || lstatExists(join(none.moddir, 'host'))).toBe(false);
  });

  it('leaves modules unsigned without a key', () => {
    const r = run('unsigned', {});
    expect(r.status, r.stderr).toBe(0);
    const ko = join(r.moddir, 'extra/kmods_hello.ko');
    expect(modinfo('signer', ko)).toBe('');
    expect(readFileSync(ko).subarray(-28).toString('latin1')).not.toBe('~Module signature appended~\n');
  });

  it('fetches a git ref, builds in the context directory with a custom command, and checks firmware', () => {
    const repo = join(work, 'repo');
    cpSync(FIXTURE, join(repo, 'driver'), { recursive: true });
    writeFileSync(join(repo, 'driver/fw.bin'), 'firmware');
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
    execFileSync('git', ['init', '-q', repo]);
    git('add', '.');
    git('commit', '-qm', 'fixture');
    git('tag', 'v1.0.0');
    const firmware = join(work, 'git', 'firmware');
    const r = run('git', {
      KMOD_SRC_DIR: join(work, 'git', 'checkout'),
      KMOD_GIT_URL: `file://${repo}`,
      KMOD_GIT_REF: 'v1.0.0',
      KMOD_CONTEXT_DIR: 'driver',
      KMOD_BUILD_COMMAND: 'make -C "$KERNEL_SRC" M="$PWD" modules && cp fw.bin "$KMOD_FIRMWARE_DIR/"',
      KMOD_FIRMWARE_DIR: firmware,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(r.moddir, 'extra/kmods_hello.ko'))).toBe(true);
    expect(readFileSync(join(firmware, 'fw.bin'), 'utf8')).toBe('firmware');
  });

  it('signs modules installed by a user Dockerfile (sign-installed)', () => {
    const built = run('pre', {});
    expect(built.status, built.stderr).toBe(0);
    const r = spawnSync('sh', [script, 'sign-installed'], {
      encoding: 'utf8',
      env: {
        PATH: `${process.env.PATH}:/usr/sbin:/sbin`, KERNEL_FULL_VERSION: headers!.kver, KERNEL_SRC: headers!.dir,
        KMOD_PREFIX: built.prefix, KMOD_MODULES: 'kmods-hello', KMOD_SIGN_KEY: join(work, 'key.pem'), KMOD_SIGN_CERT: join(work, 'cert.der'),
      },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(modinfo('signer', join(built.moddir, 'extra/kmods_hello.ko'))).toBe('cdk8s-kmods throwaway test key');
  });

  it('fails when a module named in the load order was not built', () => {
    const r = run('missing', { KMOD_MODULES: 'kmods_hello other_mod' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('module other_mod was not built');
  });

  it('fails when only half of the signing material is given', () => {
    const r = run('half', { KMOD_SIGN_KEY: join(work, 'key.pem') });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('set both KMOD_SIGN_KEY and KMOD_SIGN_CERT');
  });

  it('fails when firmware was promised but the build left none', () => {
    const r = run('nofw', { KMOD_FIRMWARE_DIR: join(work, 'nofw', 'firmware') });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('left no firmware files');
  });
});

function lstatExists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}
