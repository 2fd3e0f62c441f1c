import * as fs from 'fs';
import * as path from 'path';

/**
 * A new version of folder `target`, written file by file into a sibling staging folder and
 * then swapped into place as one step that cannot leave `target` half-written: `commit` moves
 * the old folder aside and renames the staging folder into place (same filesystem, so each
 * rename is atomic); `discard` removes the staging folder and leaves `target` untouched.
 * Files can be written while they are produced, so the whole output never has to sit in memory.
 */
export class StagedDirectory {
  /** Absolute path of the folder being replaced. */
  public readonly target: string;
  private readonly staging: string;
  private readonly dirs = new Set<string>();
  private open = true;

  constructor(target: string) {
    this.target = path.resolve(target);
    const parent = path.dirname(this.target);
    restoreInterruptedSwap(this.target);
    fs.mkdirSync(parent, { recursive: true });
    this.staging = fs.mkdtempSync(path.join(parent, `.${path.basename(this.target)}-staging-`));
  }

  /** Writes one file of the new version (`relative` to the folder, '/' separated, never leaving it). */
  public write(relative: string, content: string): void {
    if (!this.open) throw new Error('the staged folder was already committed or discarded');
    assertInside(relative);
    const file = path.join(this.staging, relative);
    const dir = path.dirname(file);
    if (!this.dirs.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      this.dirs.add(dir);
    }
    fs.writeFileSync(file, content);
  }

  /** Swaps the staged files into place and removes the old version. */
  public commit(): void {
    if (!this.open) throw new Error('the staged folder was already committed or discarded');
    this.open = false;
    swapInto(this.staging, this.target);
  }

  /** Drops the staged files; `target` stays as it was. Safe to call more than once. */
  public discard(): void {
    if (!this.open) return;
    this.open = false;
    fs.rmSync(this.staging, { recursive: true, force: true });
  }
}

/**
 * Replaces `target` with a tree of files in one step (see StagedDirectory). On any error
 * before the swap the staging folder is removed and `target` is untouched.
 */
export function replaceDirectory(target: string, files: ReadonlyMap<string, string>): void {
  const staged = new StagedDirectory(target);
  try {
    for (const relative of files.keys()) assertInside(relative);
    for (const [relative, content] of files) staged.write(relative, content);
  } catch (e) {
    staged.discard();
    throw e;
  }
  staged.commit();
}

function swapInto(staging: string, target: string): void {
  if (!fs.existsSync(target)) {
    fs.renameSync(staging, target);
    return;
  }
  const previous = `${path.join(path.dirname(target), `.${path.basename(target)}-previous-`)}${process.pid}`;
  fs.rmSync(previous, { recursive: true, force: true });
  fs.renameSync(target, previous);
  try {
    fs.renameSync(staging, target);
  } catch (e) {
    fs.renameSync(previous, target);
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  fs.rmSync(previous, { recursive: true, force: true });
}

/** If a previous run died between its two renames, `target` is missing and its old copy is beside it: put it back. */
function restoreInterruptedSwap(target: string): void {
  if (fs.existsSync(target)) return;
  const parent = path.dirname(target);
  if (!fs.existsSync(parent)) return;
  const prefix = `.${path.basename(target)}-previous-`;
  const leftovers = fs.readdirSync(parent).filter((n) => n.startsWith(prefix)).sort();
  if (leftovers.length > 0) fs.renameSync(path.join(parent, leftovers[leftovers.length - 1]), target);
}

function assertInside(relative: string): void {
  if (path.isAbsolute(relative) || relative.split(/[\\/]/).includes('..')) {
    throw new Error(`refusing to write outside the output folder: ${relative}`);
  }
}
