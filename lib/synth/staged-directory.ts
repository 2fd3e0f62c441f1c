import * as fs from 'fs';
import * as path from 'path';
import { cleanLeftovers, previousFolder } from './leftovers';
import { assertReplaceableOutput, OUTPUT_MARKER, OUTPUT_MARKER_TEXT } from './output-guard';
import { checkpoint } from './write-checkpoint';
import { NODE_WRITE_FS, WriteFileSystem } from './write-fs';

/** Options of `StagedDirectory`. */
export interface StagedDirectoryOptions {
  /** The filesystem operations that change anything (tests inject failures here). @default node's fs */
  readonly fs?: WriteFileSystem;
}

/**
 * A new version of folder `target`, written file by file into a sibling staging folder and
 * then swapped into place as one step that cannot leave `target` half-written: `commit` moves
 * the old folder aside and renames the staging folder into place (same filesystem, so each
 * rename is atomic; if the second rename fails the first is undone); `discard` removes the
 * staging folder and leaves `target` untouched.
 *
 * `target` must be a folder synthesis may replace (see assertReplaceableOutput): the staging
 * folder carries the marker file from its first moment, so the committed output carries it too.
 * Before staging, what a killed earlier run left beside `target` is put right: a missing
 * `target` is restored from its `.<name>-previous-<pid>` copy, and leftover
 * `.<name>-staging-<pid>-*` / `.<name>-previous-<pid>` folders holding the marker are removed
 * (never one whose process still runs, never anything without the marker).
 * Files can be written while they are produced, so the whole output never has to sit in memory.
 */
export class StagedDirectory {
  /** Absolute path of the folder being replaced. */
  public readonly target: string;
  /** Set when the old version could not be removed after the swap; the next run removes it. */
  public leftover?: string;
  private readonly staging: string;
  private readonly fs: WriteFileSystem;
  private readonly dirs = new Set<string>();
  private open = true;
  private written = 0;

  constructor(target: string, options: StagedDirectoryOptions = {}) {
    assertReplaceableOutput(target);
    this.target = path.resolve(target);
    this.fs = options.fs ?? NODE_WRITE_FS;
    const parent = path.dirname(this.target);
    cleanLeftovers(this.target, this.fs);
    this.fs.mkdirSync(parent, { recursive: true });
    this.staging = this.fs.mkdtempSync(`${path.join(parent, `.${path.basename(this.target)}-staging-`)}${process.pid}-`);
    try {
      this.fs.writeFileSync(path.join(this.staging, OUTPUT_MARKER), OUTPUT_MARKER_TEXT);
    } catch (e) {
      this.dropStaging();
      throw e;
    }
  }

  /** Absolute path of the staging folder the new version is written into (until `commit` or `discard`). */
  public get stagingPath(): string {
    return this.staging;
  }

  /** Writes one file of the new version (`relative` to the folder, '/' separated, never leaving it). */
  public write(relative: string, content: string): void {
    if (!this.open) throw new Error('the staged folder was already committed or discarded');
    assertInside(relative);
    const file = path.join(this.staging, relative);
    const dir = path.dirname(file);
    if (!this.dirs.has(dir)) {
      this.fs.mkdirSync(dir, { recursive: true });
      this.dirs.add(dir);
    }
    this.fs.writeFileSync(file, content);
    this.written += 1;
    checkpoint(`write:${this.written}`);
  }

  /** Swaps the staged files into place and removes the old version. */
  public commit(): void {
    if (!this.open) throw new Error('the staged folder was already committed or discarded');
    this.open = false;
    try {
      this.swap();
    } catch (e) {
      this.dropStaging();
      throw e;
    }
  }

  /** Drops the staged files; `target` stays as it was. Safe to call more than once; never throws. */
  public discard(): void {
    if (!this.open) return;
    this.open = false;
    this.dropStaging();
  }

  private swap(): void {
    const { target, staging } = this;
    if (!fs.existsSync(target)) {
      this.fs.renameSync(staging, target);
      return;
    }
    const previous = previousFolder(target, process.pid);
    this.fs.renameSync(target, previous);
    checkpoint('between-renames');
    try {
      this.fs.renameSync(staging, target);
    } catch (e) {
      // Undo the first rename. Should this fail too, the next run restores `previous`.
      this.fs.renameSync(previous, target);
      throw e;
    }
    checkpoint('after-swap');
    try {
      this.fs.rmSync(previous, { recursive: true, force: true });
    } catch {
      // The new output is in place; the old one is a recognised leftover the next run removes.
      this.leftover = previous;
    }
  }

  /** Removes the staging folder; if that fails, it holds the marker and the next run removes it. */
  private dropStaging(): void {
    try {
      this.fs.rmSync(this.staging, { recursive: true, force: true });
    } catch {
      // left for the next run (see cleanLeftovers)
    }
  }
}

/**
 * Replaces `target` with a tree of files in one step (see StagedDirectory). On any error
 * the staging folder is removed and `target` is untouched.
 */
export function replaceDirectory(target: string, files: ReadonlyMap<string, string>, options: StagedDirectoryOptions = {}): void {
  for (const relative of files.keys()) assertInside(relative);
  const staged = new StagedDirectory(target, options);
  try {
    for (const [relative, content] of files) staged.write(relative, content);
  } catch (e) {
    staged.discard();
    throw e;
  }
  staged.commit();
}

export function assertInside(relative: string): void {
  if (path.isAbsolute(relative) || relative.split(/[\\/]/).includes('..')) {
    throw new Error(`refusing to write outside the output folder: ${relative}`);
  }
}
