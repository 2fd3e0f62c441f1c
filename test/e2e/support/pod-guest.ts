import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { shellQuote as q } from '../../../lib/shell';
import { DebianKernel } from './debian-kernel';
import { Initramfs } from './initramfs';
import { moduleTree } from './kmod-fixtures';
import { QemuRun, runQemu } from './qemu';

/**
 * A container image as the guest sees it: its files only. The guest runs a container of it with
 * `chroot`, so a command finds nothing the image does not hold (no shell, no kmod).
 */
export interface GuestImage {
  /** The image reference the synthesized pod names. */
  readonly ref: string;
  /** guest path inside the image → content (a Buffer) or a host file to copy ({ host }). */
  readonly files: ReadonlyMap<string, Buffer | { host: string }>;
}

/** The parts of a synthesized loader pod the guest runs. */
export interface GuestPod {
  /** A word that prefixes this pod's report keys. */
  readonly name: string;
  /** Init containers: image, exec command and the module-images volume mount (path + subPath). */
  readonly initContainers: ReadonlyArray<{ name: string; image: string; command: ReadonlyArray<string>; mountPath: string; subPath: string }>;
  /** The loader container: its script (from the ConfigMap), mount path of the module-images volume, readiness probe. */
  readonly loader: { script: string; imagesMountPath: string; readinessProbe: ReadonlyArray<string> };
}

/** What the guest does with one pod, after its init containers ran and its loader started. */
export type PodSteps = (pod: GuestPod, i: number) => string[];

export interface PodGuestPlan {
  readonly kernel: DebianKernel;
  readonly workDir: string;
  /** `.ko` files of the host's in-tree stand-ins: `/lib/modules/<kernel>/extra/`, depmod-indexed like a real host. */
  readonly hostModules: ReadonlyArray<string>;
  /** Extra host files (e.g. an old driver build to preload), guest path → host path. */
  readonly hostFiles: Readonly<Record<string, string>>;
  /** The images the pods name. */
  readonly images: ReadonlyArray<GuestImage>;
  /** Commands run before any pod (e.g. preloading an old driver). */
  readonly before: ReadonlyArray<string>;
  /** The pods, run one after another, and what to do with each. */
  readonly pods: ReadonlyArray<{ pod: GuestPod; steps: PodSteps }>;
  /** Environment every loader gets besides the synthesized one (the test's retry interval). */
  readonly loaderEnv: Readonly<Record<string, string>>;
}

export interface PodGuestReport {
  /** `E2E <key> <value>` lines the guest printed (the last of each key). */
  readonly values: ReadonlyMap<string, string>;
  /** The fixture modules' kernel log lines, in order. */
  readonly kernelLog: ReadonlyArray<string>;
  /** Calls the stand-in for the API server received: `<method> <url> <authorization> <body>`. */
  readonly apiCalls: ReadonlyArray<string>;
  readonly qemu: QemuRun;
}

const MARKER = 'E2E';
/** Where the guest keeps each pod's module-images volume. */
const VOLUMES = '/var/lib/kubelet-standin/volumes';
/** The node name, ServiceAccount token and API address the stand-in kubelet gives each loader. */
export const GUEST_NODE = 'guest-node';
export const GUEST_TOKEN = 'guest-token';
export const GUEST_API = 'https://10.0.0.1:443';

/**
 * Boots the kernel with an initramfs that plays kubelet for synthesized loader pods: for each pod
 * it runs the init containers in their images (chroot, the volume's subPath bind-mounted at the
 * container's mount path, the command exactly as synthesized), then starts the loader script in
 * the loader "image" (the guest root: busybox and kmod) with the module-images volume mounted where
 * the pod mounts it, a ServiceAccount token, and `curl` replaced by a stand-in that records the API
 * calls. `steps` decide what happens next (wait for ready, SIGTERM, ...).
 */
export async function runPodsInGuest(plan: PodGuestPlan): Promise<PodGuestReport> {
  const { release } = plan.kernel;
  const image = new Initramfs();
  for (const dir of ['/proc', '/sys', '/dev', '/run', '/tmp', '/var/lib/firmware', '/etc', VOLUMES]) image.dir(dir);
  image.hostFile('/bin/busybox', '/bin/busybox', 0o755).symlink('/bin/sh', 'busybox');
  image.hostFile('/bin/kmod', '/bin/kmod', 0o755);
  for (const tool of ['modprobe', 'depmod', 'insmod', 'rmmod', 'lsmod', 'modinfo']) image.symlink(`/sbin/${tool}`, '/bin/kmod');
  for (const lib of sharedLibraries('/bin/kmod')) image.hostFile(lib, lib);
  image.file('/usr/local/bin/curl', FAKE_CURL, 0o755);
  image.file('/var/run/secrets/kubernetes.io/serviceaccount/token', GUEST_TOKEN);
  image.file('/var/run/secrets/kubernetes.io/serviceaccount/ca.crt', 'stand-in CA\n');

  for (const [guest, host] of moduleTree(path.join(plan.workDir, 'host-root'), '/', release, plan.hostModules)) image.hostFile(guest, host);
  for (const [guest, host] of Object.entries(plan.hostFiles)) image.hostFile(guest, host);
  plan.images.forEach((img, i) => {
    const root = `/images/${i}`;
    image.dir(root);
    for (const [guest, content] of img.files) {
      if (Buffer.isBuffer(content)) image.file(`${root}${guest}`, content);
      else image.hostFile(`${root}${guest}`, content.host);
    }
  });
  plan.pods.forEach(({ pod }, i) => image.file(`/etc/kmods-loader-${i}/load.sh`, pod.loader.script));
  image.file('/init', initScript(plan), 0o755);

  const initrd = path.join(plan.workDir, 'pods-initramfs.cpio');
  fs.writeFileSync(initrd, image.toBuffer());
  const qemu = await runQemu({ kernel: plan.kernel.vmlinuz, initrd, timeoutMs: 200_000 });
  const values = new Map<string, string>();
  const kernelLog: string[] = [];
  const apiCalls: string[] = [];
  const text = qemu.console.replace(/\x1b(\[[0-9;?]*[A-Za-z]|[A-Za-z])/g, '');
  for (const line of text.split('\n')) {
    const report = new RegExp(`^${MARKER} (\\S+) ?(.*)$`).exec(line);
    if (report) values.set(report[1], report[2]);
    const log = new RegExp(`^${MARKER}-LOG (.*)$`).exec(line);
    if (log) kernelLog.push(log[1].trim());
    const api = new RegExp(`^${MARKER}-API (.*)$`).exec(line);
    if (api) apiCalls.push(api[1].trim());
  }
  return { values, kernelLog, apiCalls, qemu };
}

/** Stand-in for curl: records method, URL, the Authorization header read from stdin (-H @-) and the body. */
const FAKE_CURL = [
  '#!/bin/sh',
  'method=GET; url=; auth=; body=',
  'while [ $# -gt 0 ]; do',
  '  case $1 in',
  '    -X) method=$2; shift ;;',
  '    --data) body=$2; shift ;;',
  '    -H) if [ "$2" = @- ]; then auth=$(cat); fi; shift ;;',
  '    --cacert|--max-time|-o) shift ;;',
  '    https://*) url=$1 ;;',
  '  esac',
  '  shift',
  'done',
  `printf '%s %s %s %s\\n' "$method" "$url" "$auth" "$body" >> /run/api-calls`,
  '',
].join('\n');

/** Shell helpers the steps use. */
export const GUEST_HELPERS = [
  `say() { printf '${MARKER} %s %s\\n' "$1" "$2"; }`,
  'mods() { sed -n \'s/^\\(kmods_[a-z_]*\\) .*/\\1/p\' /proc/modules | sort | tr \'\\n\' \' \'; }',
  '# wait_for <test args...>: up to 60 s',
  'wait_for() { i=0; while ! test "$@"; do i=$((i + 1)); [ "$i" -gt 600 ] && return 1; usleep 100000; done; }',
];

function initScript(plan: PodGuestPlan): string {
  const imageRoot = new Map(plan.images.map((img, i) => [img.ref, `/images/${i}`]));
  const lines = [
    '#!/bin/busybox sh',
    '/bin/busybox --install -s /bin',
    'export PATH=/usr/local/bin:/sbin:/bin',
    'mount -t proc proc /proc',
    'mount -t sysfs sysfs /sys',
    'mount -t devtmpfs devtmpfs /dev',
    'cd /',
    'echo',
    ...GUEST_HELPERS,
    ...plan.before,
  ];
  plan.pods.forEach(({ pod, steps }, i) => {
    const volume = `${VOLUMES}/${i}`;
    lines.push('', `echo '--- pod ${pod.name}'`, `mkdir -p ${q(volume)}`, 'rm -rf /run/kmods-loader');
    for (const c of pod.initContainers) {
      const root = imageRoot.get(c.image);
      if (root === undefined) throw new Error(`pod ${pod.name}: no guest image for ${c.image}`);
      const source = `${volume}/${c.subPath}`;
      const target = `${root}${c.mountPath}`;
      lines.push(
        `mkdir -p ${q(source)} ${q(target)}`,
        `mount -o bind ${q(source)} ${q(target)}`,
        `chroot ${q(root)} ${c.command.map(q).join(' ')}`,
        `say ${pod.name}.init.${c.name} $?`,
        `umount ${q(target)}`,
      );
    }
    const env = Object.entries({ NODE_NAME: GUEST_NODE, KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443', ...plan.loaderEnv })
      .map(([k, v]) => q(`${k}=${v}`)).join(' ');
    lines.push(
      `mkdir -p ${q(pod.loader.imagesMountPath)}`,
      `mount -o bind ${q(volume)} ${q(pod.loader.imagesMountPath)}`,
      `env ${env} sh /etc/kmods-loader-${i}/load.sh &`,
      'pid=$!',
      `probe() { ${pod.loader.readinessProbe.map(q).join(' ')}; }`,
      ...steps(pod, i),
      `umount ${q(pod.loader.imagesMountPath)}`,
    );
  });
  lines.push(
    '',
    `sed 's/^/${MARKER}-API /' /run/api-calls 2>/dev/null`,
    `dmesg | sed -n 's/.*kmods-e2e: /${MARKER}-LOG /p'`,
    'say done 1',
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
