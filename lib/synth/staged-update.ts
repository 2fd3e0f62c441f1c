import * as fs from 'fs';
import * as path from 'path';
import { removeEmptyFolders, rollBackUpdate, UPDATE_JOURNAL, UpdateJournal, updateFolderPrefix } from './leftovers';
import { assertInside, StagingFolder, StagingOptions } from './staging-folder';
import { checkpoint } from './write-checkpoint';

/** Options of `StagedUpdate`. */
export type StagedUpdateOptions = StagingOptions;

/**
 * A change to some units of folder `target` — a unit is a folder or file under it, such as
 * `clusters/<name>` — staged beside it and swapped in all or nothing, for incremental synthesis:
 * its cost follows what changed, not the size of `target`.
 *
 * New versions are written under `<update>/new/` (`<update>` is `.<name>-update-<pid>-*` beside
 * `target`, marked as ours from its first moment). `commit(units)` writes a journal, then per
 * unit moves the old version (if any) to `<update>/old/` and the new one (if any) into place —
 * renames within one filesystem — and removes the journal: that is the commit point. Should a
 * step fail, every unit already swapped is swapped back and `target` is as it was; should the
 * process die mid-way, the journal lets the next run (see cleanLeftovers) roll it back the same
 * way. Readers that look at `target` during the few renames of a commit may see some units new
 * and others old; nothing else is ever visible.
 */
export class StagedUpdate extends StagingFolder {
  constructor(target: string, options: StagedUpdateOptions = {}) {
    super(target, (t) => updateFolderPrefix(t, process.pid), options);
  }

  /** The folder new versions are written into (`<update>/new`); `write` puts files there too. */
  public get stagingPath(): string {
    return path.join(this.root, 'new');
  }

  /**
   * Swaps `units` (paths relative to `target`) in, in the order given: each is replaced by its
   * new version when one was written, else removed. All or nothing (see the class comment).
   */
  public commit(units: ReadonlyArray<string>): void {
    this.close();
    for (const unit of units) assertInside(unit);
    const { target, root } = this;
    const journal: UpdateJournal = {
      units: units.map((u) => ({ path: u, existed: fs.existsSync(path.join(target, u)) })),
      parents: [...new Set(units.flatMap((u) => ancestors(u)))].filter((d) => !fs.existsSync(path.join(target, d))),
    };
    const done: Array<{ unit: string; moved: boolean; placed: boolean }> = [];
    try {
      this.fs.writeFileSync(path.join(root, UPDATE_JOURNAL), `${JSON.stringify(journal)}\n`);
      journal.units.forEach(({ path: unit, existed }, i) => {
        const step = { unit, moved: false, placed: false };
        done.push(step);
        if (existed) {
          const old = path.join(root, 'old', unit);
          this.fs.mkdirSync(path.dirname(old), { recursive: true });
          this.fs.renameSync(path.join(target, unit), old);
          step.moved = true;
        }
        const fresh = path.join(root, 'new', unit);
        if (fs.existsSync(fresh)) {
          const into = path.join(target, unit);
          if (!fs.existsSync(path.dirname(into))) this.fs.mkdirSync(path.dirname(into), { recursive: true });
          this.fs.renameSync(fresh, into);
          step.placed = true;
        }
        checkpoint(`unit:${i + 1}`);
      });
      this.fs.rmSync(path.join(root, UPDATE_JOURNAL), { recursive: true, force: true });
    } catch (e) {
      this.rollBack(done, journal);
      throw e;
    }
    checkpoint('after-swap');
    try {
      this.fs.rmSync(root, { recursive: true, force: true });
    } catch {
      // Every unit is in place; the old versions are a recognised leftover the next run removes.
      this.leftover = root;
    }
  }

  /**
   * Swaps back what a failed commit swapped, newest first, removes the folders it created, and
   * drops the update folder. If undoing fails too, the journal stays and the next run finishes
   * the rollback (see rollBackUpdate).
   */
  private rollBack(done: ReadonlyArray<{ unit: string; moved: boolean; placed: boolean }>, journal: UpdateJournal): void {
    const { target, root } = this;
    try {
      for (const step of [...done].reverse()) {
        if (step.placed) this.fs.renameSync(path.join(target, step.unit), path.join(root, 'new', step.unit));
        if (step.moved) this.fs.renameSync(path.join(root, 'old', step.unit), path.join(target, step.unit));
      }
      removeEmptyFolders(target, journal.parents, this.fs);
    } catch {
      if (fs.existsSync(path.join(root, UPDATE_JOURNAL))) {
        try {
          rollBackUpdate(target, root, this.fs);
        } catch {
          return; // the journal stays: the next run rolls back
        }
      } else {
        return;
      }
    }
    this.dropRoot();
  }
}

/** The folders above a unit, e.g. `clusters` for `clusters/a`. */
function ancestors(unit: string): string[] {
  const parts = unit.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}
