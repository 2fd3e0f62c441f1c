import { spawn } from 'child_process';

export interface QemuRun {
  /** Serial console output, `\r` removed. */
  readonly console: string;
  /** qemu's exit code (null when it was killed). */
  readonly exitCode: number | null;
  /** True when the time limit killed it. */
  readonly timedOut: boolean;
  /** Wall time in milliseconds. */
  readonly ms: number;
}

export interface QemuOptions {
  /** The bzImage. */
  readonly kernel: string;
  /** The initramfs (newc cpio). */
  readonly initrd: string;
  /** Extra kernel command line. @default - none */
  readonly append?: string;
  /** Kill qemu after this long. @default 110000 */
  readonly timeoutMs?: number;
}

/**
 * Boots a kernel + initramfs in qemu-system-x86_64 under software emulation (TCG: no KVM — a
 * `/dev/kvm` that opens is not proof KVM works, see shared/research/qemu-kmod.md), one CPU, serial
 * console on stdio. A guest panic ends qemu (`panic=-1` + `-no-reboot`) instead of hanging it.
 */
export function runQemu(options: QemuOptions): Promise<QemuRun> {
  const started = Date.now();
  const args = [
    '-machine', 'pc', '-accel', 'tcg', '-cpu', 'max', '-m', '512', '-smp', '1',
    '-nographic', '-no-reboot', '-nodefaults', '-serial', 'stdio', '-net', 'none',
    '-kernel', options.kernel, '-initrd', options.initrd,
    '-append', `console=ttyS0 rdinit=/init panic=-1 loglevel=4 mitigations=off ${options.append ?? ''}`.trim(),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let timedOut = false;
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, options.timeoutMs ?? 110_000);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ console: out.replace(/\r/g, ''), exitCode: code, timedOut, ms: Date.now() - started });
    });
  });
}
