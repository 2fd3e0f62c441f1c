import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DebianKernel } from './debian-kernel';

/** The fixture sources: test/fixtures/kmod-loader (a Kbuild file and one .c per module). */
export const FIXTURE_SOURCES = path.resolve(__dirname, '..', '..', 'fixtures', 'kmod-loader');

/**
 * Builds the fixture modules against the kernel's headers in a copy of the sources under
 * `workDir` (the repository stays clean) and returns each `.ko` by file name without `.ko`.
 */
export function buildFixtureModules(kernel: DebianKernel, workDir: string): Record<string, string> {
  const build = path.join(workDir, 'kmod-build');
  fs.mkdirSync(build, { recursive: true });
  for (const file of fs.readdirSync(FIXTURE_SOURCES)) fs.copyFileSync(path.join(FIXTURE_SOURCES, file), path.join(build, file));
  try {
    execFileSync('make', ['-s', '-C', kernel.headersDir, `M=${build}`, 'modules'], { stdio: 'pipe', encoding: 'utf8' });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`building the fixture modules against ${kernel.headersDir} failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
  const modules: Record<string, string> = {};
  for (const file of fs.readdirSync(build)) if (file.endsWith('.ko')) modules[file.slice(0, -3)] = path.join(build, file);
  return modules;
}

/**
 * A module tree as KMM images carry it: `<root>/lib/modules/<release>/extra/*.ko`, indexed with
 * kmod's `depmod -b <root>` (busybox's depmod writes no .bin indexes, which kmod's modprobe needs).
 * Returns the files under `<root>` as guest path → host path, for the initramfs.
 */
export function moduleTree(root: string, guestRoot: string, release: string, koFiles: ReadonlyArray<string>): Map<string, string> {
  const dir = path.join(root, 'lib', 'modules', release);
  fs.mkdirSync(path.join(dir, 'extra'), { recursive: true });
  for (const ko of koFiles) fs.copyFileSync(ko, path.join(dir, 'extra', path.basename(ko)));
  execFileSync('depmod', ['-b', root, release], { stdio: 'pipe' });
  const files = new Map<string, string>();
  const walk = (hostDir: string, guestDir: string): void => {
    for (const entry of fs.readdirSync(hostDir, { withFileTypes: true })) {
      const host = path.join(hostDir, entry.name);
      const guest = `${guestDir}/${entry.name}`;
      if (entry.isDirectory()) walk(host, guest);
      else if (entry.isFile()) files.set(guest, host);
    }
  };
  walk(dir, `${guestRoot.replace(/\/$/, '')}/lib/modules/${release}`);
  return files;
}
