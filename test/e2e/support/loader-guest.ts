import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { shellQuote as q } from '../../../lib/shell';
import { DebianKernel } from './debian-kernel';
import { Initramfs } from './initramfs';
import { moduleTree } from './kmod-fixtures';
import { QemuRun, runQemu } from './qemu';

/** One loader as a DaemonSet would run it: its synthesized script, container env and readiness probe. */
export interface GuestLoader {
  /** A word that prefixes this loader's report keys. */
  readonly name: string;
  /** The script text, exactly as synthesized. */
  readonly script: string;
  /** The loader container's environment, as synthesized. */
  readonly env: Readonly<Record<string, string>>;
  /** The readiness probe's exec command, as synthesized. */
  readonly readinessProbe: ReadonlyArray<string>;
  /** Modules (their /sys/module names) whose parameters are reported while the loader is ready. */
  readonly reportParameters: ReadonlyArray<string>;
}

export interface GuestPlan {
  readonly kernel: DebianKernel;
  /** Scratch folder for the module trees and the initramfs. */
  readonly workDir: string;
  /** `.ko` files of the module image: `/opt/lib/modules/<kernel>/extra/`, depmod-indexed. */
  readonly imageModules: ReadonlyArray<string>;
  /** `.ko` files standing in for the host's in-tree modules (`/lib/modules/<kernel>/extra/`); each is loaded before the loaders run. */
  readonly inTreeModules: ReadonlyArray<string>;
  /** More files of the module image (firmware), guest path → content. */
  readonly imageFiles: Readonly<Record<string, string | Buffer>>;
  /** Loaders started one after another: each until ready, then stopped with SIGTERM. */
  readonly loaders: ReadonlyArray<GuestLoader>;
  /** Shell lines the guest runs before the loaders (`say <key> <value>` reports a value). @default - none */
  readonly beforeLoaders?: ReadonlyArray<string>;
}

export interface GuestReport {
  /** `E2E <key> <value>` lines the guest printed. */
  readonly values: ReadonlyMap<string, string>;
  /** The fixture modules' kernel log lines (`load <module>` / `unload <module>`), in order. */
  readonly kernelLog: ReadonlyArray<string>;
  /** The qemu run (console output, exit code, wall time). */
  readonly qemu: QemuRun;
  /** Milliseconds spent building the initramfs. */
  readonly initramfsMs: number;
}

const MARKER = 'E2E';
const READY_TIMEOUT_TENTHS = 300;

/**
 * Boots the kernel with an initramfs holding busybox, kmod, the module trees and the loader
 * scripts; its /init runs each loader as its DaemonSet would (same script, env and probe), reports
 * what the kernel shows (`/proc/modules`, `/sys/module/*\/parameters`, firmware_class.path, the
 * fixture modules' log lines) and powers off.
 */
export async function runLoadersInGuest(plan: GuestPlan): Promise<GuestReport> {
  const started = Date.now();
  const { release } = plan.kernel;
  const image = new Initramfs();
  for (const dir of ['/proc', '/sys', '/dev', '/run', '/tmp', '/var/lib', '/etc']) image.dir(dir);
  image.hostFile('/bin/busybox', '/bin/busybox', 0o755).symlink('/bin/sh', 'busybox');
  image.hostFile('/bin/kmod', '/bin/kmod', 0o755);
  for (const tool of ['modprobe', 'depmod', 'insmod', 'rmmod', 'lsmod', 'modinfo']) image.symlink(`/sbin/${tool}`, '/bin/kmod');
  for (const lib of sharedLibraries('/bin/kmod')) image.hostFile(lib, lib);

  for (const [guest, host] of moduleTree(path.join(plan.workDir, 'host-root'), '/', release, plan.inTreeModules)) image.hostFile(guest, host);
  for (const [guest, host] of moduleTree(path.join(plan.workDir, 'image-opt'), '/opt', release, plan.imageModules)) image.hostFile(guest, host);
  for (const [guest, content] of Object.entries(plan.imageFiles)) image.file(guest, content);
  plan.loaders.forEach((loader, i) => image.file(`/etc/kmods-loader-${i}/load.sh`, loader.script));
  image.file('/init', initScript(plan), 0o755);

  const initrd = path.join(plan.workDir, 'initramfs.cpio');
  fs.writeFileSync(initrd, image.toBuffer());
  const initramfsMs = Date.now() - started;

  const qemu = await runQemu({ kernel: plan.kernel.vmlinuz, initrd });
  const values = new Map<string, string>();
  const kernelLog: string[] = [];
  // The firmware and the kernel leave terminal control sequences on the console; drop them.
  const text = qemu.console.replace(/\x1b(\[[0-9;?]*[A-Za-z]|[A-Za-z])/g, '');
  for (const line of text.split('\n')) {
    const report = new RegExp(`^${MARKER} (\\S+) ?(.*)$`).exec(line);
    if (report) values.set(report[1], report[2]);
    const log = new RegExp(`^${MARKER}-LOG (.*)$`).exec(line);
    if (log) kernelLog.push(log[1].trim());
  }
  return { values, kernelLog, qemu, initramfsMs };
}

/** The guest's /init (busybox sh). */
function initScript(plan: GuestPlan): string {
  const inTreeNames = plan.inTreeModules.map((ko) => path.basename(ko, '.ko'));
  const lines = [
    '#!/bin/busybox sh',
    '/bin/busybox --install -s /bin',
    'export PATH=/sbin:/bin',
    'mount -t proc proc /proc',
    'mount -t sysfs sysfs /sys',
    'mount -t devtmpfs devtmpfs /dev',
    'cd /',
    'echo',
    `say() { printf '${MARKER} %s %s\\n' "$1" "$2"; }`,
    'mods() { sed -n \'s/^\\(kmods_[a-z_]*\\) .*/\\1/p\' /proc/modules | sort | tr \'\\n\' \' \'; }',
    `wait_ready() { i=0; while [ ! -e /run/kmods-loader/ready ]; do i=$((i + 1)); [ "$i" -gt ${READY_TIMEOUT_TENTHS} ] && return 1; usleep 100000; done; }`,
    '',
    '# Stand-ins for in-tree modules, loaded the way the host would have them.',
    ...inTreeNames.map((name) => `/sbin/modprobe ${q(name)} || say error ${q(`cannot preload ${name}`)}`),
    'say intree.before "$(mods)"',
    ...(plan.beforeLoaders ?? []),
  ];
  plan.loaders.forEach((loader, i) => {
    const n = loader.name;
    const env = Object.entries(loader.env).map(([k, v]) => q(`${k}=${v}`)).join(' ');
    const probe = loader.readinessProbe.map(q).join(' ');
    lines.push(
      '',
      `echo '--- loader ${n}'`,
      `env ${env} sh /etc/kmods-loader-${i}/load.sh &`,
      'pid=$!',
      `if wait_ready; then say ${n}.ready 1; else say ${n}.ready 0; fi`,
      `if ${probe}; then say ${n}.probe 0; else say ${n}.probe 1; fi`,
      `say ${n}.modules "$(mods)"`,
      ...loader.reportParameters.map((m) => `for f in /sys/module/${m}/parameters/*; do [ -e "$f" ] && say "${n}.param.${m}.\${f##*/}" "$(cat "$f")"; done`),
      'say firmware_class.path "$(cat /sys/module/firmware_class/parameters/path)"',
      'kill -TERM "$pid"',
      'wait "$pid"',
      `say ${n}.exit $?`,
      `say ${n}.modules-after "$(mods)"`,
      `if ${probe}; then say ${n}.probe-after 0; else say ${n}.probe-after 1; fi`,
    );
  });
  lines.push(
    '',
    'say firmware.copied "$(ls /var/lib/firmware 2>/dev/null | tr \'\\n\' \' \')"',
    'if [ -e /pwned ] || [ -e /tmp/pwned ]; then say pwned 1; else say pwned 0; fi',
    `dmesg | sed -n 's/.*kmods-e2e: /${MARKER}-LOG /p'`,
    `say done 1`,
    'sync',
    'poweroff -f',
    'echo o > /proc/sysrq-trigger',
    '',
  );
  return lines.join('\n');
}

/** The shared libraries (and the dynamic loader) a host binary needs, as absolute paths. */
function sharedLibraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  const libs = new Set<string>();
  for (const line of out.split('\n')) {
    const match = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    if (match) libs.add(match[1]);
  }
  return [...libs];
}
