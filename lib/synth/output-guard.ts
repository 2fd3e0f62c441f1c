import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The file every output folder carries: synthesis only ever replaces a folder holding it. */
export const OUTPUT_MARKER = '.cdk8s-kmods-output';

/** The marker's content: one line telling a reader what the folder is. */
export const OUTPUT_MARKER_TEXT = 'This folder is written by cdk8s-kmods synthesis and replaced as a whole on every run; do not keep other files here.\n';

/**
 * What older versions (before the marker) wrote at the top of an output folder. A folder that
 * holds only these folders, `clusters/` among them, is taken as their output and adopted: the
 * next synthesis replaces it and writes the marker.
 */
const PRE_MARKER_FOLDERS: ReadonlySet<string> = new Set(['clusters', 'argocd', 'flux']);

/** Thrown when the output folder is one synthesis must not replace; nothing was touched. */
export class OutputFolderError extends Error {
  constructor(public readonly outdir: string, reason: string) {
    super(`refusing to write the fleet into ${outdir}: ${reason}`);
    this.name = 'OutputFolderError';
  }
}

/** Where the guard looks for the current and home folders. @default process.cwd() and os.homedir() */
export interface OutputGuardContext {
  readonly cwd?: string;
  readonly home?: string;
}

/**
 * Refuses, before anything is touched, an output folder that synthesis would replace but did
 * not write: `/`, the home folder, the current folder or any folder above it (`.`, `..`), a folder
 * holding `.git` or `package.json` (a repository or package root), something that is not a
 * folder, and a non-empty folder without the marker (unless it is the output of a version
 * before the marker, see PRE_MARKER_FOLDERS). A missing or empty folder is fine.
 */
export function assertReplaceableOutput(outdir: string, context: OutputGuardContext = {}): void {
  const shown = outdir;
  const target = path.resolve(outdir);
  const real = realOrSelf(target);
  const cwd = realOrSelf(path.resolve(context.cwd ?? process.cwd()));
  const home = realOrSelf(path.resolve(context.home ?? os.homedir()));
  const refuse = (reason: string): never => { throw new OutputFolderError(shown, reason); };

  for (const candidate of new Set([target, real])) {
    if (candidate === path.parse(candidate).root) refuse('it is the filesystem root');
    if (candidate === home) refuse('it is the home folder');
    if (candidate === cwd || isInside(cwd, candidate)) {
      refuse('it is the current folder or one above it, and synthesis replaces its output folder as a whole; choose a folder of its own, e.g. dist');
    }
  }
  if (!fs.existsSync(target)) return;
  if (!fs.statSync(target).isDirectory()) refuse('it exists and is not a folder');
  const entries = fs.readdirSync(target);
  for (const owned of ['.git', 'package.json']) {
    if (entries.includes(owned)) refuse(`it holds ${owned} (a repository or package root); choose a folder of its own, e.g. dist`);
  }
  if (entries.length === 0 || entries.includes(OUTPUT_MARKER) || isPreMarkerOutput(target, entries)) return;
  const listed = entries.slice().sort().slice(0, 5).join(', ') + (entries.length > 5 ? ', …' : '');
  refuse(`it is not empty (${listed}) and has no ${OUTPUT_MARKER} file, so cdk8s-kmods did not write it and will not replace it. `
    + 'Choose a new or empty folder; or, if it is output you want replaced, move away what you keep and delete the rest');
}

/** True when `dir` (listing `entries`) is recognised as synthesis output: the marker, or the pre-marker layout. */
export function isOwnOutput(dir: string, entries: ReadonlyArray<string> = safeList(dir)): boolean {
  return entries.includes(OUTPUT_MARKER) || isPreMarkerOutput(dir, entries);
}

function isPreMarkerOutput(dir: string, entries: ReadonlyArray<string>): boolean {
  return entries.includes('clusters')
    && entries.every((e) => PRE_MARKER_FOLDERS.has(e) && fs.lstatSync(path.join(dir, e)).isDirectory());
}

/** True when `child` is strictly inside `parent`. */
function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** True for a relative path ('/' or '\\' separated) that stays inside the folder it is relative to. */
export function isInsideOutput(relative: string): boolean {
  return !path.isAbsolute(relative) && !relative.split(/[\\/]/).includes('..');
}
