import { shellQuote } from '../../shell';
import { createHash } from 'crypto';
import { KubeConfigMap } from '../../k8s';
import { Construct } from 'constructs';
import { FleetValidationError } from '../../errors';
import { KernelModule } from '../../module/kernel-module';

/** Paths and names the loader script and its DaemonSet agree on. */
export const LOADER_PATHS = {
  /** Where a module image keeps its modules (KMM's contract: `<dir>/lib/modules/<kernel>/`). */
  moduleDir: '/opt',
  /**
   * The loader pod's module-images volume: each kernel's init container copies its image's
   * `/opt/lib/modules/<kernel>/` to `<imagesDir>/<kernel>/lib/modules/` and its firmware to
   * `<imagesDir>/<kernel>/firmware/`; the loader uses the folder of `uname -r`.
   */
  imagesDir: '/var/lib/kmods-loader/images',
  /** Host directory the firmware is copied to; the kernel is pointed at it through `firmware_class.path`. */
  firmwareHostDir: '/var/lib/firmware',
  /** Folder (an emptyDir) of the ready marker and the not-ready reason. */
  stateDir: '/run/kmods-loader',
  /** Folder the script's ConfigMap is mounted at. */
  scriptDir: '/etc/kmods-loader',
  /** The script's file name in the ConfigMap. */
  scriptFile: 'load.sh',
  /** The ready marker: written once every module is loaded at the image's version, removed otherwise. */
  readyFile: '/run/kmods-loader/ready',
  /** Why the loader is not ready (the readiness probe prints it, so it shows in the pod's events). */
  reasonFile: '/run/kmods-loader/reason',
  /** Host folder of the lists of firmware files each module copied (removed again on unload). */
  firmwareManifestDir: '/var/lib/firmware/.cdk8s-kmods',
} as const;

/** Environment variable that moves the ready marker (the DaemonSet leaves it at its default). */
export const READY_FILE_ENV = 'KMODS_READY_FILE';
/** Environment variable with the node's name (downward API), for the node label. */
export const NODE_NAME_ENV = 'NODE_NAME';
/** Environment variable: seconds between two checks of the loaded modules. @default 30 */
export const RETRY_SECONDS_ENV = 'KMODS_RETRY_SECONDS';

/** The name a module has under `/sys/module` and in `/proc/modules` (`-` becomes `_`). */
export function sysfsModuleName(name: string): string {
  return name.replace(/-/g, '_');
}

const FIRMWARE_SEGMENT = /^[A-Za-z0-9._-]+$/;

/** What the loader script needs besides the module. */
export interface LoaderScriptOptions {
  /** Namespace of the loaders (part of the node label key and of the firmware list's name). */
  readonly namespace: string;
  /** The node label key the loader sets and removes. @default - no node label (releases before OpenShift 4.17) */
  readonly nodeLabelKey?: string;
  /** The node label's value. @default '' */
  readonly nodeLabelValue?: string;
}

/**
 * The loader script of one module (POSIX sh, the same for every kernel and pool). It runs in the
 * loader image (sh, kmod's `modprobe`/`depmod`/`modinfo`, `curl`), never in the module image,
 * which only has to hold the files (KMM's image contract). Each check (every
 * `KMODS_RETRY_SECONDS`, 30 by default) it:
 * 1. takes the build for the running kernel (`uname -r`) from the folder its init container
 *    copied; no build for this kernel → not ready, nothing is touched;
 * 2. once: links `host` to the node's `/lib/modules/<kernel>` (KMM's recipe for in-tree
 *    dependencies) and runs `depmod -b`, so the image needs no index of its own;
 * 3. compares what the kernel has loaded with the image (`srcversion` and `version`): an older
 *    build is unloaded first (in reverse order); when it is in use, the loader stays not ready and
 *    says which modules hold it and how many users it has, and tries again at the next check;
 * 4. removes the listed in-tree modules, copies the firmware to the host (remembering the files),
 *    points `firmware_class.path` at it, loads the modules in order with `modprobe -d`;
 * 5. checks the loaded versions again, writes the ready marker and sets the node label;
 * 6. on SIGTERM it keeps the modules loaded (the default: a removed module, a removed kernel or a
 *    replaced pod never pulls a driver from under a running node), or, with
 *    `keepLoadedOnStop: false`, unloads in reverse order, removes its firmware files and the label.
 *
 * Names are validated again here (the KernelModule already did) and every user value is
 * single-quoted, so a parameter value reaches modprobe verbatim as one argument.
 */
export function renderLoaderScript(module: KernelModule, options: LoaderScriptOptions): string {
  checkShellInputs(module);
  const q = shellQuote;
  const lines: string[] = [];
  const add = (...more: string[]): void => { lines.push(...more); };
  const order = module.loadOrder;
  const firmware = module.firmwarePath !== undefined;
  const labelKey = options.nodeLabelKey;
  const labelPatch = (value: string | null): string => JSON.stringify({ metadata: { labels: { [labelKey ?? '']: value } } });

  add(
    '#!/bin/sh',
    `# Loader for kernel module ${q(module.name)} version ${q(module.version)}, generated by cdk8s-kmods; do not edit.`,
    '# Runs in the loader image (sh, kmod, curl); the module image only supplied the files.',
    'set -u',
    '',
    `IMAGES_DIR=${LOADER_PATHS.imagesDir}`,
    `READY_FILE="\${${READY_FILE_ENV}:-${LOADER_PATHS.readyFile}}"`,
    'REASON_FILE="${READY_FILE%/*}/reason"',
    `FIRMWARE_DIR=${LOADER_PATHS.firmwareHostDir}`,
    `FIRMWARE_LIST=${q(`${LOADER_PATHS.firmwareManifestDir}/${options.namespace}.${module.name}.files`)}`,
    `KEEP_LOADED_ON_STOP=${module.keepLoadedOnStop ? 'true' : 'false'}`,
    `RETRY_SECONDS="\${${RETRY_SECONDS_ENV}:-30}"`,
    `LABEL_SET=${q(labelKey === undefined ? '' : labelPatch(options.nodeLabelValue ?? ''))}`,
    `LABEL_REMOVE=${q(labelKey === undefined ? '' : labelPatch(null))}`,
    `MODULES=${q(order.map((m) => sysfsModuleName(m.name)).join(' '))}`,
    `MODULES_LAST_FIRST=${q([...order].reverse().map((m) => sysfsModuleName(m.name)).join(' '))}`,
    '',
    'log() { printf \'kmods-loader: %s\\n\' "$*"; }',
    'die() { log "error: $*"; exit 1; }',
    '',
    '# A tool by absolute path: a busybox shell would otherwise run its own applet (its modprobe has no -d).',
    'find_tool() {',
    '  saved_ifs=$IFS',
    '  IFS=:',
    '  set -f',
    '  for dir in $PATH; do',
    '    if [ -n "$dir" ] && [ -x "$dir/$1" ]; then',
    '      IFS=$saved_ifs',
    '      set +f',
    '      printf \'%s\\n\' "$dir/$1"',
    '      return 0',
    '    fi',
    '  done',
    '  IFS=$saved_ifs',
    '  set +f',
    '  return 1',
    '}',
    '',
    'MODPROBE=$(find_tool modprobe) || die "no modprobe on PATH ($PATH); the loader image needs kmod"',
    'DEPMOD=$(find_tool depmod) || die "no depmod on PATH ($PATH); the loader image needs kmod"',
    'MODINFO=$(find_tool modinfo) || die "no modinfo on PATH ($PATH); the loader image needs kmod"',
    'case "$("$MODPROBE" --version 2>&1)" in',
    '  *kmod*) ;;',
    '  *) die "$MODPROBE is not kmod\'s modprobe (modprobe -d is needed)" ;;',
    'esac',
    '',
    'kver=$(uname -r)',
    'base="$IMAGES_DIR/$kver"',
    'moddir="$base/lib/modules/$kver"',
    'prepared=false',
    'labelled=unknown',
    '',
    'not_ready() {',
    '  rm -f "$READY_FILE"',
    '  if [ ! -e "$REASON_FILE" ] || [ "$(cat "$REASON_FILE")" != "$*" ]; then log "not ready: $*"; fi',
    '  printf \'%s\\n\' "$*" > "$REASON_FILE"',
    '  if [ "$labelled" != no ]; then node_label "$LABEL_REMOVE" && labelled=no; fi',
    '}',
    '',
    '# Sets or removes this module\'s label on this node (a JSON merge patch; the ServiceAccount may change nothing else).',
    'node_label() {',
    '  [ -n "$1" ] || return 0  # no node label on this cluster',
    '  token=/var/run/secrets/kubernetes.io/serviceaccount/token',
    '  ca=/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
    `  if [ -z "\${${NODE_NAME_ENV}:-}" ] || [ -z "\${KUBERNETES_SERVICE_HOST:-}" ] || [ ! -r "$token" ]; then`,
    '    log "no API access (node name, service host or token missing); node label unchanged"',
    '    return 1',
    '  fi',
    '  curl=$(find_tool curl) || { log "no curl on PATH; node label unchanged"; return 1; }',
    '  host=$KUBERNETES_SERVICE_HOST',
    '  case $host in *:*) host="[$host]" ;; esac',
    '  if printf \'Authorization: Bearer %s\\n\' "$(cat "$token")" | "$curl" -sS --fail --max-time 10 --cacert "$ca" -H @- \\',
    '      -H \'Content-Type: application/merge-patch+json\' -X PATCH --data "$1" -o /dev/null \\',
    `      "https://$host:\${KUBERNETES_SERVICE_PORT:-443}/api/v1/nodes/$${NODE_NAME_ENV}"; then`,
    '    return 0',
    '  fi',
    '  log "could not patch the label of node $' + NODE_NAME_ENV + '"',
    '  return 1',
    '}',
    '',
    '# True when a loadable module is in the kernel (built-in modules have no initstate).',
    'is_loaded() { [ -e "/sys/module/$1/initstate" ]; }',
    '',
    '# "<srcversion>/<version>" of a module: loaded (from sysfs) or in this image (from modinfo).',
    'loaded_id() { printf \'%s/%s\' "$(cat "/sys/module/$1/srcversion" 2>/dev/null)" "$(cat "/sys/module/$1/version" 2>/dev/null)"; }',
    'image_id() { printf \'%s/%s\' "$("$MODINFO" -b "$base" -k "$kver" -F srcversion "$1" 2>/dev/null)" "$("$MODINFO" -b "$base" -k "$kver" -F version "$1" 2>/dev/null)"; }',
    '',
    '# Why a loaded module cannot go: its users.',
    'names_in() { names=""; for entry in "$1"/*; do if [ -e "$entry" ]; then names="$names${names:+ }${entry##*/}"; fi; done; printf \'%s\' "$names"; }',
    'users_of() {',
    '  holders=$(names_in "/sys/module/$1/holders")',
    '  printf \'in use (%s users%s)\' "$(cat "/sys/module/$1/refcnt" 2>/dev/null || echo \'?\')" "${holders:+; held by modules: $holders}"',
    '}',
    '',
    '# Prepares this kernel\'s build once: the host link for in-tree dependencies, then depmod.',
    'prepare() {',
    '  if [ ! -d "$moddir" ]; then',
    '    not_ready "this pod has no build for kernel $kver (it has: $(names_in "$IMAGES_DIR")); the loaded modules are left as they are"',
    '    return 1',
    '  fi',
    '  if [ ! -e "$moddir/host" ] && [ ! -L "$moddir/host" ]; then',
    '    ln -s "/lib/modules/$kver" "$moddir/host" || { not_ready "cannot link $moddir/host"; return 1; }',
    '  fi',
    '  "$DEPMOD" -b "$base" "$kver" || { not_ready "depmod failed for $moddir"; return 1; }',
    '  prepared=true',
    '}',
    '',
  );
  if (firmware) {
    add(
      '# Firmware: copy it to the host, remember the files, point the kernel\'s firmware loader at it.',
      'install_firmware() {',
      '  [ -d "$base/firmware" ] || { not_ready "the image has no firmware folder"; return 1; }',
      '  mkdir -p "${FIRMWARE_LIST%/*}" || { not_ready "cannot create ${FIRMWARE_LIST%/*}"; return 1; }',
      '  (cd "$base/firmware" && find . ! -type d) > "$FIRMWARE_LIST.new" || { not_ready "cannot list the firmware"; return 1; }',
      '  cp -R "$base/firmware/." "$FIRMWARE_DIR/" || { not_ready "cannot copy the firmware to $FIRMWARE_DIR"; return 1; }',
      '  mv "$FIRMWARE_LIST.new" "$FIRMWARE_LIST"',
      '  printf \'%s\' "$FIRMWARE_DIR" > /sys/module/firmware_class/parameters/path || { not_ready "cannot set firmware_class.path"; return 1; }',
      '  log "firmware copied to $FIRMWARE_DIR"',
      '}',
      '',
    );
  }
  add(
    '# Removes the firmware files this module copied (and folders they leave empty).',
    'remove_firmware() {',
    '  [ -f "$FIRMWARE_LIST" ] || return 0',
    '  while IFS= read -r f; do',
    '    f=${f#./}',
    '    case $f in \'\'|*..*) continue ;; esac',
    '    rm -f "$FIRMWARE_DIR/$f"',
    '    d=${f%/*}',
    '    while [ "$d" != "$f" ] && [ -n "$d" ]; do',
    '      rmdir "$FIRMWARE_DIR/$d" 2>/dev/null || break',
    '      case $d in */*) d=${d%/*} ;; *) break ;; esac',
    '    done',
    '  done < "$FIRMWARE_LIST"',
    '  rm -f "$FIRMWARE_LIST"',
    '  log "firmware removed from $FIRMWARE_DIR"',
    '}',
    '',
    '# Unloads every loaded module of this loader, last to first; fails when one is in use.',
    'unload_all() {',
    '  for m in $MODULES_LAST_FIRST; do',
    '    is_loaded "$m" || continue',
    '    why=$(users_of "$m")',
    '    log "unloading $m"',
    '    if [ -d "$moddir" ]; then "$MODPROBE" -r -v -d "$base" "$m"; else "$MODPROBE" -r -v "$m"; fi',
    '    if is_loaded "$m"; then',
    '      unload_error="cannot unload $m: $why"',
    '      return 1',
    '    fi',
    '  done',
    '  remove_firmware',
    '}',
    '',
    '# 0 when every module is loaded at the version this image holds.',
    'all_current() {',
    '  for m in $MODULES; do',
    '    is_loaded "$m" || return 1',
    '    [ "$(loaded_id "$m")" = "$(image_id "$m")" ] || return 1',
    '  done',
    '}',
    '',
    'reconcile() {',
    '  if [ "$prepared" != true ]; then prepare || return 0; fi',
    '  if all_current; then',
    '    if [ ! -e "$READY_FILE" ]; then',
    '      rm -f "$REASON_FILE"',
    '      : > "$READY_FILE" || die "cannot write $READY_FILE"',
    `      log ${q(`ready: ${order.map((m) => m.name).join(', ')} at version ${module.version}`)}`,
    '    fi',
    '    if [ "$labelled" != yes ]; then node_label "$LABEL_SET" && labelled=yes; fi',
    '    return 0',
    '  fi',
    '  stale=""',
    '  for m in $MODULES; do',
    '    if is_loaded "$m" && [ "$(loaded_id "$m")" != "$(image_id "$m")" ]; then stale="$stale $m"; fi',
    '  done',
    '  if [ -n "$stale" ]; then',
    '    log "the kernel has another build of${stale} loaded (loaded srcversion/version: $(for m in $stale; do printf \'%s \' "$(loaded_id "$m")"; done)); replacing it"',
    '    unload_error=""',
    '    if ! unload_all; then',
    '      not_ready "an older build is still loaded and ${unload_error}; stop or drain the workloads that use it (the loader retries every ${RETRY_SECONDS}s)"',
    '      return 0',
    '    fi',
    '  fi',
  );
  for (const name of module.inTreeModulesToRemove) {
    add(
      `  if is_loaded ${q(sysfsModuleName(name))}; then`,
      `    log ${q(`removing in-tree module ${name}`)}`,
      `    "$MODPROBE" -r -v ${q(name)} || { not_ready ${q(`could not remove in-tree module ${name}`)}; return 0; }`,
      '  fi',
    );
  }
  if (firmware) add('  install_firmware || return 0');
  for (const ko of order) {
    const values = Object.entries(ko.parameters ?? {});
    const params = values.map(([k, v]) => ` ${q(`${k}=${v}`)}`).join('');
    if (values.some(([, v]) => /[$`]/.test(v))) add('  # shellcheck disable=SC2016 # parameter values are literal on purpose');
    add(
      `  if ! is_loaded ${q(sysfsModuleName(ko.name))}; then`,
      `    log ${q(`loading ${ko.name}`)}`,
      `    "$MODPROBE" -v -d "$base" ${q(ko.name)}${params} || { not_ready ${q(`could not load ${ko.name}`)}; return 0; }`,
      '  fi',
    );
  }
  add(
    '  if ! all_current; then',
    '    not_ready "loaded, but the kernel reports another build than this image holds (loaded: $(for m in $MODULES; do printf \'%s=%s \' "$m" "$(loaded_id "$m")"; done))"',
    '    return 0',
    '  fi',
    '  reconcile',
    '}',
    '',
    'sleeper=""',
    'stop_sleeping() { if [ -n "$sleeper" ]; then kill "$sleeper" 2>/dev/null; fi; }',
    '',
    'on_stop() {',
    '  trap - TERM INT',
    '  rm -f "$READY_FILE"',
    '  stop_sleeping',
    '  if [ "$KEEP_LOADED_ON_STOP" = true ]; then',
    '    log "stopping; the modules stay loaded (keepLoadedOnStop), and so does the node label"',
    '    exit 0',
    '  fi',
    '  log "stopping; unloading in reverse order"',
    '  unload_error=""',
    '  if unload_all; then',
    '    node_label "$LABEL_REMOVE"',
    '    exit 0',
    '  fi',
    '  log "error: $unload_error"',
    '  exit 1',
    '}',
    '',
    'mkdir -p "${READY_FILE%/*}" || die "cannot create the folder of $READY_FILE"',
    'rm -f "$READY_FILE" "$REASON_FILE"',
    'trap on_stop TERM INT',
    'reconcile',
    'while :; do',
    '  sleep "$RETRY_SECONDS" &',
    '  sleeper=$!',
    '  wait "$sleeper"',
    '  reconcile',
    'done',
    '',
  );
  return lines.join('\n');
}

/** Throws when a name that reaches the script is not one KernelModule accepts (defence in depth). */
function checkShellInputs(module: KernelModule): void {
  const bad: Array<{ path: Array<string | number>; message: string; given: string }> = [];
  const names: Array<[Array<string | number>, string]> = [
    ...module.loadOrder.map((m, i): [Array<string | number>, string] => [['loadOrder', i, 'name'], m.name]),
    ...module.inTreeModulesToRemove.map((m, i): [Array<string | number>, string] => [['inTreeModulesToRemove', i], m]),
  ];
  for (const [path, name] of names) {
    if (!KernelModule.isModuleName(name)) bad.push({ path, message: 'not a kernel module name', given: name });
  }
  module.loadOrder.forEach((m, i) => {
    for (const key of Object.keys(m.parameters ?? {})) {
      if (!KernelModule.isParameterName(key)) bad.push({ path: ['loadOrder', i, 'parameters', key], message: 'not a module parameter name', given: key });
    }
  });
  if (module.firmwarePath !== undefined) {
    const segments = module.firmwarePath.split('/').slice(1);
    if (!module.firmwarePath.startsWith('/') || segments.some((s) => !FIRMWARE_SEGMENT.test(s) || /^\.+$/.test(s))) {
      bad.push({ path: ['firmwarePath'], message: 'firmware path must be absolute, without "." or ".." segments', given: module.firmwarePath });
    }
  }
  if (bad.length > 0) {
    throw new FleetValidationError(bad.map((b) => ({ path: ['modules', module.name, ...b.path], message: b.message, given: b.given })));
  }
}

export interface LoaderScriptProps {
  /** The module whose loader script this is. */
  readonly module: KernelModule;
  /** The node label key the loader sets and removes. @default - no node label */
  readonly nodeLabelKey?: string;
  /** The node label's value. @default '' */
  readonly nodeLabelValue?: string;
  /** Namespace of the loaders. */
  readonly namespace: string;
  /** Labels of the ConfigMap. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A module's loader script, in a ConfigMap `<module>-loader` mounted into each of its loader pods. */
export class LoaderScript extends Construct {
  /** The ConfigMap's name. */
  public readonly configMapName: string;
  /** The script text. */
  public readonly text: string;
  /** SHA-256 of the script; loader pods carry it so a changed script changes the pod template. */
  public readonly sha256: string;

  constructor(scope: Construct, id: string, props: LoaderScriptProps) {
    super(scope, id);
    this.configMapName = `${props.module.name}-loader`;
    this.text = renderLoaderScript(props.module, { namespace: props.namespace, nodeLabelKey: props.nodeLabelKey, nodeLabelValue: props.nodeLabelValue });
    this.sha256 = createHash('sha256').update(this.text).digest('hex');
    new KubeConfigMap(this, 'Resource', {
      metadata: { name: this.configMapName, namespace: props.namespace, labels: { ...props.labels } },
      data: { [LOADER_PATHS.scriptFile]: this.text },
    });
  }
}
