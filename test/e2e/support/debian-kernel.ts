import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** A Debian kernel to boot in qemu, with the headers fixture modules are built against. */
export interface DebianKernel {
  /** The kernel release (`uname -r`), e.g. `6.1.0-56-amd64`. */
  readonly release: string;
  /** The headers tree (`/usr/src/linux-headers-<release>`). */
  readonly headersDir: string;
  /** The bzImage to boot. */
  readonly vmlinuz: string;
}

/** The Debian packages the real-kernel test needs (for `apt-get install`). */
export const E2E_PACKAGES = ['qemu-system-x86', 'busybox-static', 'kmod', 'make', 'gcc', 'linux-headers-amd64'];

/** What the host must provide, each missing item with the package that provides it. */
export function missingHostTools(): string[] {
  const missing: string[] = [];
  const need = (ok: boolean, what: string): void => { if (!ok) missing.push(what); };
  need(onPath('qemu-system-x86_64'), 'qemu-system-x86_64 (package qemu-system-x86)');
  need(isStaticBusybox(), 'a static /bin/busybox (package busybox-static)');
  need(fs.existsSync('/bin/kmod') && onPath('depmod'), '/bin/kmod and depmod (package kmod)');
  need(onPath('make') && onPath('gcc'), 'make and gcc (packages make, gcc)');
  need(onPath('ldd'), 'ldd (package libc-bin)');
  need(headersRelease() !== undefined, 'kernel headers (package linux-headers-amd64)');
  return missing;
}

/** The release of the installed amd64 headers: `KMODS_E2E_KERNEL`, else the linux-headers-amd64 dependency, else the newest tree. */
export function headersRelease(): string | undefined {
  const fromEnv = process.env.KMODS_E2E_KERNEL;
  if (fromEnv) return fs.existsSync(headersDir(fromEnv)) ? fromEnv : undefined;
  const dep = spawnSync('dpkg-query', ['-W', '-f=${Depends}', 'linux-headers-amd64'], { encoding: 'utf8' });
  const match = dep.status === 0 ? /linux-headers-(\S+)/.exec(dep.stdout) : null;
  if (match && fs.existsSync(path.join(headersDir(match[1]), 'Makefile'))) return match[1];
  if (!fs.existsSync('/usr/src')) return undefined;
  const trees = fs.readdirSync('/usr/src')
    .filter((d) => /^linux-headers-.+-amd64$/.test(d) && fs.existsSync(path.join('/usr/src', d, 'Makefile')))
    .sort();
  return trees.length > 0 ? trees[trees.length - 1].slice('linux-headers-'.length) : undefined;
}

/**
 * The kernel matching the headers. Its vmlinuz comes from `/boot` when `linux-image-<release>`
 * is installed, else from a cache folder, else it is fetched: `apt-get download` of the image
 * package (the version of the installed headers when apt has it) and `dpkg-deb` to pull out
 * `/boot/vmlinuz-<release>` — the image package is never installed (it would run update-initramfs).
 */
export function debianKernel(cacheDir: string): DebianKernel {
  const release = headersRelease();
  if (release === undefined) throw new Error('no amd64 kernel headers installed (apt-get install linux-headers-amd64)');
  return { release, headersDir: headersDir(release), vmlinuz: vmlinuzFor(release, cacheDir) };
}

function vmlinuzFor(release: string, cacheDir: string): string {
  const boot = `/boot/vmlinuz-${release}`;
  if (readable(boot)) return boot;
  const cached = path.join(cacheDir, `vmlinuz-${release}`);
  if (fs.existsSync(cached)) return cached;

  fs.mkdirSync(cacheDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(cacheDir, 'download-'));
  try {
    const pkg = `linux-image-${release}`;
    const version = spawnSync('dpkg-query', ['-W', '-f=${Version}', `linux-headers-${release}`], { encoding: 'utf8' }).stdout.trim();
    const attempts = version ? [`${pkg}=${version}`, pkg] : [pkg];
    let fetched = false;
    const errors: string[] = [];
    for (const spec of attempts) {
      const r = spawnSync('apt-get', ['download', '-q', spec], { cwd: work, encoding: 'utf8' });
      if (r.status === 0) { fetched = true; break; }
      errors.push(`apt-get download ${spec}: ${(r.stderr || r.error?.message || '').trim()}`);
    }
    const deb = fs.readdirSync(work).find((f) => f.endsWith('.deb'));
    if (!fetched || !deb) throw new Error(`cannot fetch the kernel image for ${release}:\n${errors.join('\n')}`);
    execFileSync('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -xf - -C "$2" "./boot/vmlinuz-$3"', 'sh', path.join(work, deb), work, release]);
    fs.renameSync(path.join(work, 'boot', `vmlinuz-${release}`), cached);
    return cached;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function headersDir(release: string): string {
  return `/usr/src/linux-headers-${release}`;
}

function onPath(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

function isStaticBusybox(): boolean {
  if (!fs.existsSync('/bin/busybox')) return false;
  const r = spawnSync('ldd', ['/bin/busybox'], { encoding: 'utf8' });
  return /not a dynamic executable|statically linked/.test(`${r.stdout}${r.stderr}`);
}

function readable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
