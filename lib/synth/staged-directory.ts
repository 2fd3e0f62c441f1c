import * as fs from 'fs';
import * as path from 'path';

/**
 * Replaces `target` with a tree of files as one step that cannot leave it half-written: the
 * files go to a sibling staging folder first; only when every file is written is the old
 * folder moved aside and the staging folder renamed into place (same filesystem, so each
 * rename is atomic). On any error before the swap the staging folder is removed and
 * `target` is untouched.
 */
export function replaceDirectory(target: string, files: ReadonlyMap<string, string>): void {
  const absolute = path.resolve(target);
  const parent = path.dirname(absolute);
  const base = path.basename(absolute);
  restoreInterruptedSwap(absolute);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${base}-staging-`));
  try {
    const dirs = new Set<string>();
    for (const relative of files.keys()) {
      assertInside(relative);
      dirs.add(path.dirname(path.join(staging, relative)));
    }
    for (const dir of [...dirs].sort()) fs.mkdirSync(dir, { recursive: true });
    for (const [relative, content] of files) fs.writeFileSync(path.join(staging, relative), content);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  swapInto(staging, absolute);
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
