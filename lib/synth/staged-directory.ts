import * as fs from 'fs';
import * as path from 'path';
import { previousFolder } from './leftovers';
import { assertInside, StagingFolder, StagingOptions } from './staging-folder';
import { checkpoint } from './write-checkpoint';

/** Options of `StagedDirectory`. */
export type StagedDirectoryOptions = StagingOptions;

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
export class StagedDirectory extends StagingFolder {
  constructor(target: string, options: StagedDirectoryOptions = {}) {
    super(target, (t) => `${path.join(path.dirname(t), `.${path.basename(t)}-staging-`)}${process.pid}-`, options);
  }

  /** Absolute path of the staging folder the new version is written into (until `commit` or `discard`). */
  public get stagingPath(): string {
    return this.root;
  }

  /** Swaps the staged files into place and removes the old version. */
  public commit(): void {
    this.close();
    try {
      this.swap();
    } catch (e) {
      this.dropRoot();
      throw e;
    }
  }

  private swap(): void {
    const { target, root: staging } = this;
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
