import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Runs a generated module Dockerfile (as a BuildConfig carries it) on this machine, without a
 * container engine: each stage gets a folder that stands for its root file system, and the
 * instructions the generated Dockerfiles use are carried out there, in order:
 *
 * - `ARG`, `USER`, `WORKDIR`, `LABEL`: build metadata (WORKDIR creates the folder);
 * - `RUN printf … > <script>`: the instruction that writes kmod-build.sh, run with sh into the stage root;
 * - `RUN <VAR='value' …> <script> <action>`: the build script, with those variables; variables that
 *   hold absolute paths (the source, firmware and install folders) are moved under the stage root,
 *   and `overrides` replaces what only a cluster has (the kernel tree, the git URL);
 * - `COPY --from=<stage> <src> <dst>`: copies between stage roots;
 * - `RUN depmod -b <dir> …`: kmod's depmod on the stage root.
 *
 * Package installs (`microdnf`, `dnf`, `yum`) are refused unless `allowPackageInstalls` lists
 * the instruction; any other instruction is an error, so a Dockerfile change that this model does
 * not cover fails loudly instead of being skipped.
 * Docker semantics followed: https://docs.docker.com/reference/dockerfile/ (line continuation,
 * multi-stage `FROM … AS name`, `COPY --from`).
 */
export interface DockerfileBuildOptions {
  /** Scratch folder; each stage's root is `<workDir>/stage-<n>`. */
  readonly workDir: string;
  /** Build args the BuildConfig passes (`dockerStrategy.buildArgs`), e.g. KERNEL_FULL_VERSION. */
  readonly buildArgs: Readonly<Record<string, string>>;
  /** Environment values that replace the Dockerfile's for the build script (cluster-only facts). */
  readonly overrides: Readonly<Record<string, string>>;
  /** Files a stage starts with (stands for the base image), stage name → path → content. */
  readonly baseFiles?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** RUN instructions that install packages and are knowingly not carried out here. @default - none */
  readonly allowPackageInstalls?: ReadonlyArray<string>;
}

export interface DockerfileBuildResult {
  /** The root folder of the final stage: the image's file system. */
  readonly imageRoot: string;
  /** Instructions not carried out (allowed package installs), for the test to report. */
  readonly skipped: ReadonlyArray<string>;
  /** The build script's stderr (its log). */
  readonly log: string;
}

/** Variables of kmod-build.sh that hold absolute paths inside the builder image. */
const PATH_VARIABLES = new Set(['KMOD_SRC_DIR', 'KMOD_FIRMWARE_DIR', 'KMOD_PREFIX']);

/** Docker's logical lines: continuations joined, comments and blank lines dropped. */
export function dockerfileInstructions(text: string): string[] {
  return text.replace(/\\\n/g, '').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/** Parses the `A='x' B='y'` assignments a generated RUN line starts with (shellQuote output). */
export function parseAssignments(text: string): { vars: Record<string, string>; rest: string } {
  const vars: Record<string, string> = {};
  let rest = text;
  const assignment = /^([A-Z_][A-Z0-9_]*)=((?:'[^']*'|\\')+)\s+/;
  for (let m = assignment.exec(rest); m; m = assignment.exec(rest)) {
    vars[m[1]] = m[2].replace(/'([^']*)'|\\'/g, (_all, quoted: string | undefined) => (quoted !== undefined ? quoted : "'"));
    rest = rest.slice(m[0].length);
  }
  return { vars, rest };
}

export function runModuleDockerfile(dockerfile: string, options: DockerfileBuildOptions): DockerfileBuildResult {
  const stages: { name: string; root: string }[] = [];
  const skipped: string[] = [];
  let log = '';
  const args: Record<string, string> = {};
  const current = (): { name: string; root: string } => {
    const stage = stages[stages.length - 1];
    if (!stage) throw new Error('instruction before the first FROM');
    return stage;
  };
  const inRoot = (root: string, p: string): string => path.join(root, p.replace(/^\/+/, ''));
  const expand = (s: string): string => s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_a, b, c) => args[b ?? c] ?? '');

  for (const line of dockerfileInstructions(dockerfile)) {
    const [keyword] = line.split(/\s/, 1);
    const body = line.slice(keyword.length).trim();
    switch (keyword.toUpperCase()) {
      case 'ARG': {
        const [name, value] = body.split(/=(.*)/s);
        args[name] = options.buildArgs[name] ?? value ?? '';
        break;
      }
      case 'FROM': {
        const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(body);
        if (!m) throw new Error(`unsupported FROM: ${line}`);
        const root = path.join(options.workDir, `stage-${stages.length}`);
        fs.mkdirSync(root, { recursive: true });
        const name = m[2] ?? String(stages.length);
        for (const [file, content] of Object.entries(options.baseFiles?.[name] ?? {})) {
          fs.mkdirSync(path.dirname(inRoot(root, file)), { recursive: true });
          fs.writeFileSync(inRoot(root, file), content);
        }
        stages.push({ name, root });
        break;
      }
      case 'USER':
      case 'LABEL':
        break;
      case 'WORKDIR':
        fs.mkdirSync(inRoot(current().root, body), { recursive: true });
        break;
      case 'COPY': {
        const m = /^--from=(\S+)\s+(\S+)\s+(\S+)$/.exec(body);
        if (!m) throw new Error(`unsupported COPY (only --from=<stage> <src> <dst>): ${line}`);
        const from = stages.find((s) => s.name === m[1]);
        if (!from) throw new Error(`COPY from unknown stage ${m[1]}`);
        const src = inRoot(from.root, m[2]);
        if (!fs.existsSync(src)) throw new Error(`COPY --from=${m[1]}: ${m[2]} does not exist in that stage`);
        const dst = inRoot(current().root, m[3]);
        fs.mkdirSync(path.dirname(dst), { recursive: true });
        fs.cpSync(src, dst, { recursive: true });
        break;
      }
      case 'RUN':
        log += run(body, current().root, inRoot, expand, options, skipped);
        break;
      default:
        throw new Error(`unsupported Dockerfile instruction: ${line}`);
    }
  }
  return { imageRoot: current().root, skipped, log };
}

function run(
  body: string, root: string, inRoot: (root: string, p: string) => string, expand: (s: string) => string,
  options: DockerfileBuildOptions, skipped: string[],
): string {
  if (/^(microdnf|dnf|yum)\s/.test(body)) {
    if (!options.allowPackageInstalls?.includes(body)) throw new Error(`the Dockerfile installs packages at build time: RUN ${body}`);
    skipped.push(`RUN ${body}`);
    return '';
  }
  const depmod = /^depmod -b (\S+) "?\$\{KERNEL_FULL_VERSION\}"?$/.exec(body);
  if (depmod) {
    execFileSync('depmod', ['-b', inRoot(root, depmod[1]), expand('${KERNEL_FULL_VERSION}')], { stdio: 'pipe' });
    return '';
  }
  const writer = /^printf '%s\\n' (.*) > (\/\S+) && chmod 0755 (\/\S+)$/s.exec(body);
  if (writer) {
    const target = inRoot(root, writer[2]);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    execFileSync('sh', ['-c', `printf '%s\\n' ${writer[1]} > "$1" && chmod 0755 "$1"`, 'sh', target]);
    return '';
  }
  const { vars, rest } = parseAssignments(body);
  const script = /^(\/\S+) (\S+)$/.exec(rest);
  if (!script || Object.keys(vars).length === 0) throw new Error(`unsupported RUN: ${body}`);
  const env: Record<string, string> = { PATH: `${process.env.PATH}:/usr/sbin:/sbin`, HOME: root };
  for (const [k, v] of Object.entries(vars)) env[k] = PATH_VARIABLES.has(k) && v.startsWith('/') ? inRoot(root, v) : v;
  env.KERNEL_FULL_VERSION = expand('${KERNEL_FULL_VERSION}');
  Object.assign(env, options.overrides);
  try {
    execFileSync('sh', [inRoot(root, script[1]), script[2]], { env, cwd: root, stdio: 'pipe', encoding: 'utf8' });
    return '';
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`RUN ${rest} failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}
