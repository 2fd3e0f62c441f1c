import { KernelModule } from '../module/kernel-module';
import { GitSource } from '../module/module-source';
import { KernelVersion } from '../release/kernel-version';
import { OpenShiftRelease } from '../release/release-catalog';
import { shellQuote } from '../shell';
import { BUILD_SCRIPT_PATH, BuildScriptAction, buildScriptInstruction } from './build-script';

/** The build arg that carries the Driver Toolkit image into the builder stage. */
export enum DtkBuildArg {
  /** Our BuildConfigs pass the release's DTK digest as `DTK_IMAGE`. */
  DTK_IMAGE = 'DTK_IMAGE',
  /** KMM injects `DTK_AUTO` (the DTK of the node's RHCOS) only when the Dockerfile text mentions it. */
  DTK_AUTO = 'DTK_AUTO',
}

/**
 * Final-stage base of built module images: small, with a shell, `mkdir` and `cp` (KMM's image
 * extractor runs `/bin/sh -c "mkdir …; cp -R …"` in it) and `microdnf` to add `kmod`.
 * A minor-version tag, not a digest: we cannot vouch for a digest value here, and the tag gets
 * the minor's security fixes. Pin a digest of your own with `baseImage` for byte-reproducible images.
 */
export const DEFAULT_MODULE_BASE_IMAGE = 'registry.access.redhat.com/ubi9/ubi-minimal:9.6';

/** Where the BuildConfig puts the signing Secrets in the build context (`spec.source.secrets[].destinationDir`). */
export const SIGNING_CONTEXT_DIR = 'kmods-signing';
/** Builder-stage directory that receives the signing material; the final stage never copies it. */
const SIGNING_DIR = '/tmp/kmods-signing';
/** Where module images keep their modules (the KMM layout: `<dir>/lib/modules/<kernel>/`). */
export const MODULE_IMAGE_PREFIX = '/opt';

/** Options of `renderModuleDockerfile`. */
export interface ModuleDockerfileOptions {
  /** The release whose Driver Toolkit digest becomes the default of the DTK build arg. @default - no default; the build passes it */
  readonly release?: OpenShiftRelease;
  /** The kernel that becomes the default of `ARG KERNEL_FULL_VERSION`. @default - no default; the build passes it (KMM does) */
  readonly kernel?: KernelVersion;
  /** Name of the build arg that carries the Driver Toolkit image. @default DtkBuildArg.DTK_IMAGE */
  readonly dtkArg?: DtkBuildArg;
  /**
   * Sign the modules in the builder stage with the key and certificate that the BuildConfig
   * puts at `kmods-signing/key/key` and `kmods-signing/cert/cert` in the build context.
   * @default - true when the module has `signing`
   */
  readonly sign?: boolean;
  /** Final-stage base image (needs a shell, `mkdir`, `cp` and `microdnf`). @default DEFAULT_MODULE_BASE_IMAGE */
  readonly baseImage?: string;
}

/**
 * The Dockerfile that builds one module image, for our BuildConfigs and for KMM's build
 * ConfigMap (use `dtkArg: DtkBuildArg.DTK_AUTO` and `sign: false` there; KMM signs on its own).
 *
 * - git source: a builder stage `FROM ${DTK}` runs `kmod-build.sh` (written line by line with
 *   printf, readable in review, so the Dockerfile needs no other file in the build context), then a
 *   small UBI stage receives `/opt/lib/modules/<kernel>/`, the firmware and the DTK release
 *   file, and runs `depmod -b /opt <kernel>`.
 * - Dockerfile source: the user's text, unchanged unless signing is on; then a signing stage on
 *   the DTK and a last stage that overlays the signed modules on the user's final stage.
 */
export function renderModuleDockerfile(module: KernelModule, options: ModuleDockerfileOptions = {}): string {
  const sign = options.sign ?? module.signing !== undefined;
  return module.source.accept({
    git: (source) => gitDockerfile(module, source, sign, options),
    dockerfile: (source) => userDockerfile(module, source.text, sign, options),
    prebuilt: () => { throw new Error(`module "${module.name}" is prebuilt; it has no Dockerfile`); },
  });
}

function header(module: KernelModule, options: ModuleDockerfileOptions): string[] {
  const lines = [`# cdk8s-kmods: kernel module ${module.name} ${module.version}, built on the OpenShift Driver Toolkit.`];
  if (options.kernel) lines.push(`# Kernel ${options.kernel.full}${options.release ? `, OpenShift ${options.release.version}` : ''}.`);
  return lines;
}

function argLines(options: ModuleDockerfileOptions): { dtk: string; dtkArg: string; kernelArg: string } {
  const dtk = options.dtkArg ?? DtkBuildArg.DTK_IMAGE;
  return {
    dtk,
    dtkArg: options.release ? `ARG ${dtk}=${options.release.driverToolkitImage}` : `ARG ${dtk}`,
    kernelArg: options.kernel ? `ARG KERNEL_FULL_VERSION=${options.kernel.full}` : 'ARG KERNEL_FULL_VERSION',
  };
}

const INSTALL_SCRIPT = buildScriptInstruction();

function scriptEnv(vars: ReadonlyArray<[string, string | undefined]>): string {
  return vars.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${shellQuote(v!)}`).join(' ');
}

function signingEnv(sign: boolean): ReadonlyArray<[string, string | undefined]> {
  return sign ? [['KMOD_SIGN_KEY', `${SIGNING_DIR}/key/key`], ['KMOD_SIGN_CERT', `${SIGNING_DIR}/cert/cert`]] : [];
}

function gitDockerfile(module: KernelModule, source: GitSource, sign: boolean, options: ModuleDockerfileOptions): string {
  const { dtk, dtkArg, kernelArg } = argLines(options);
  const env = scriptEnv([
    ['KMOD_MODULES', module.loadOrder.map((m) => m.name).join(' ')],
    ['KMOD_GIT_URL', source.props.url],
    ['KMOD_GIT_REF', source.props.ref],
    ['KMOD_SRC_DIR', '/tmp/kmods-build/src'],
    ['KMOD_CONTEXT_DIR', source.props.contextDir],
    ['KMOD_BUILD_COMMAND', source.props.buildCommand],
    ['KMOD_FIRMWARE_DIR', module.firmwarePath],
    ['KMOD_PREFIX', MODULE_IMAGE_PREFIX],
    ...signingEnv(sign),
  ]);
  const lines = [
    ...header(module, options),
    dtkArg,
    `FROM \${${dtk}} AS builder`,
    kernelArg,
    'USER 0',
    'WORKDIR /tmp/kmods-build',
    '# kmod-build.sh from cdk8s-kmods (lib/image/build-script.ts): fetch, compile, sign, install, depmod.',
    INSTALL_SCRIPT,
  ];
  if (sign) lines.push(`COPY ${SIGNING_CONTEXT_DIR}/ ${SIGNING_DIR}/`);
  lines.push(`RUN ${env} ${BUILD_SCRIPT_PATH} ${BuildScriptAction.BUILD}`);
  lines.push(
    '',
    `FROM ${options.baseImage ?? DEFAULT_MODULE_BASE_IMAGE}`,
    kernelArg,
    'RUN microdnf install -y kmod && microdnf clean all',
    `COPY --from=builder ${MODULE_IMAGE_PREFIX}/lib/modules/ ${MODULE_IMAGE_PREFIX}/lib/modules/`,
  );
  if (module.firmwarePath) lines.push(`COPY --from=builder ${module.firmwarePath}/ ${module.firmwarePath}/`);
  lines.push(
    'COPY --from=builder /etc/driver-toolkit-release.json /etc/driver-toolkit-release.json',
    `RUN depmod -b ${MODULE_IMAGE_PREFIX} "\${KERNEL_FULL_VERSION}"`,
    ...imageLabels(module),
  );
  return `${lines.join('\n')}\n`;
}

function imageLabels(module: KernelModule): string[] {
  return [
    `LABEL io.cdk8s-kmods.module=${JSON.stringify(module.name)} io.cdk8s-kmods.module-version=${JSON.stringify(module.version)} \\`,
    `      io.cdk8s-kmods.modules=${JSON.stringify(module.loadOrder.map((m) => m.name).join(' '))}`,
  ];
}

const FROM_LINE = /^(\s*FROM\s+)(.*?)(?:\s+AS\s+([A-Za-z0-9][A-Za-z0-9_.-]*))?\s*$/i;
const UNSIGNED_STAGE = 'kmods-unsigned';

/**
 * A user Dockerfile plus signing: names the user's final stage (when it has no name), signs its
 * `/opt/lib/modules/` in a DTK stage, and overlays the signed modules on that final stage.
 */
function userDockerfile(module: KernelModule, text: string, sign: boolean, options: ModuleDockerfileOptions): string {
  if (!sign) return text.endsWith('\n') ? text : `${text}\n`;
  const { dtk, dtkArg, kernelArg } = argLines(options);
  const lines = text.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
  const fromIndexes = lines.map((l, i) => (FROM_LINE.test(l) ? i : -1)).filter((i) => i >= 0);
  const first = fromIndexes[0];
  const last = fromIndexes[fromIndexes.length - 1];
  const match = FROM_LINE.exec(lines[last])!;
  const stage = match[3] ?? UNSIGNED_STAGE;
  if (match[3] === undefined) lines[last] = `${match[1]}${match[2]} AS ${UNSIGNED_STAGE}`;
  // A global ARG must come before the first FROM for the signing stage's FROM to see it.
  const declared = new RegExp(`^\\s*ARG\\s+${dtk}(=|\\s*$)`, 'i');
  if (!lines.slice(0, first).some((l) => declared.test(l))) lines.splice(first, 0, dtkArg);
  const env = scriptEnv([
    ['KMOD_MODULES', module.loadOrder.map((m) => m.name).join(' ')],
    ['KMOD_PREFIX', MODULE_IMAGE_PREFIX],
    ...signingEnv(true),
  ]);
  return `${[
    ...header(module, options),
    ...lines,
    '',
    '# cdk8s-kmods: sign the modules of the final stage above for Secure Boot.',
    `FROM \${${dtk}} AS kmods-signer`,
    kernelArg,
    'USER 0',
    `COPY --from=${stage} ${MODULE_IMAGE_PREFIX}/lib/modules/ ${MODULE_IMAGE_PREFIX}/lib/modules/`,
    `COPY ${SIGNING_CONTEXT_DIR}/ ${SIGNING_DIR}/`,
    INSTALL_SCRIPT,
    `RUN ${env} ${BUILD_SCRIPT_PATH} ${BuildScriptAction.SIGN_INSTALLED}`,
    '',
    `FROM ${stage}`,
    `COPY --from=kmods-signer ${MODULE_IMAGE_PREFIX}/lib/modules/ ${MODULE_IMAGE_PREFIX}/lib/modules/`,
  ].join('\n')}\n`;
}
