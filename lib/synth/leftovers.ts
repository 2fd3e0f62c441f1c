import * as fs from 'fs';
import * as path from 'path';
import { assertReplaceableOutput, isInsideOutput, isOwnOutput, OUTPUT_MARKER } from './output-guard';
import { WriteFileSystem } from './write-fs';

/** Where a whole-folder swap keeps the old output of `target` until it is removed: `.<name>-previous-<pid>`. */
export function previousFolder(target: string, pid: number): string {
  return path.join(path.dirname(target), `.${path.basename(target)}-previous-${pid}`);
}

/** The prefix of a partial update's folder beside `target` (mkdtemp adds six characters): `.<name>-update-<pid>-`. */
export function updateFolderPrefix(target: string, pid: number): string {
  return path.join(path.dirname(target), `.${path.basename(target)}-update-${pid}-`);
}

/** The journal a partial update writes before its first rename and removes once every unit is in place. */
export const UPDATE_JOURNAL = 'journal.json';

/** What the journal of a partial update records (see StagedUpdate). */
export interface UpdateJournal {
  /** The replaced or removed units (paths relative to the target), in swap order, and whether each existed before. */
  readonly units: ReadonlyArray<{ readonly path: string; readonly existed: boolean }>;
  /** Folders of the target the update may create (parents of new units); removed again, when empty, on rollback. */
  readonly parents: ReadonlyArray<string>;
}

/** A leftover of an earlier run beside `target`: its path, kind and the process that made it. */
interface Leftover {
  readonly path: string;
  readonly kind: 'staging' | 'previous' | 'update';
  readonly pid: number;
}

/** `.<name>-staging-<pid>-<random>`, `.<name>-update-<pid>-<random>` and `.<name>-previous-<pid>` folders beside `target`. */
function findLeftovers(target: string): Leftover[] {
  const parent = path.dirname(target);
  if (!fs.existsSync(parent)) return [];
  const prefix = `.${path.basename(target)}-`;
  const out: Leftover[] = [];
  for (const name of fs.readdirSync(parent).sort()) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(staging|update)-(\d+)-[A-Za-z0-9]{6}$|^(previous)-(\d+)$/.exec(name.slice(prefix.length));
    if (!match) continue;
    const full = path.join(parent, name);
    if (!fs.lstatSync(full).isDirectory()) continue;
    out.push({ path: full, kind: (match[1] ?? match[3]) as Leftover['kind'], pid: Number(match[2] ?? match[4]) });
  }
  return out;
}

/**
 * Puts right what a killed run left beside `target`: restores a missing `target` from the newest
 * recognised previous copy (a whole-folder swap killed between its renames), rolls back a partial
 * update killed while its units were being swapped (see rollBackUpdate), then removes recognised
 * staging, update and previous folders of processes that no longer run. A folder is recognised by
 * its name pattern and the marker inside (a previous copy may also be pre-marker output, which it
 * is only restored, never removed).
 */
export function cleanLeftovers(target: string, wfs: WriteFileSystem): void {
  const leftovers = findLeftovers(target).filter((l) => l.pid === process.pid || !processRuns(l.pid));
  if (!fs.existsSync(target)) {
    const restorable = leftovers
      .filter((l) => l.kind === 'previous' && isOwnOutput(l.path))
      .sort((a, b) => fs.statSync(b.path).mtimeMs - fs.statSync(a.path).mtimeMs);
    if (restorable.length > 0) {
      wfs.renameSync(restorable[0].path, target);
      assertReplaceableOutput(target);
    }
  }
  for (const l of leftovers) {
    if (l.kind === 'update' && fs.existsSync(path.join(l.path, OUTPUT_MARKER)) && fs.existsSync(path.join(l.path, UPDATE_JOURNAL))) {
      rollBackUpdate(target, l.path, wfs);
    }
  }
  for (const l of leftovers) {
    if (fs.existsSync(l.path) && fs.existsSync(path.join(l.path, OUTPUT_MARKER))) wfs.rmSync(l.path, { recursive: true, force: true });
  }
}

/**
 * Undoes a partial update whose journal is still there (it was killed, or its own rollback
 * failed, between its first rename and its commit point): each unit goes back to what it was,
 * whatever step the kill came at — the old version back from `old/` (removing a new version that
 * replaced it), a new unit that did not exist before removed — then the folders it created, if
 * empty. Units untouched by the kill are left as they are. Throws if the journal is unreadable.
 */
export function rollBackUpdate(target: string, root: string, wfs: WriteFileSystem): void {
  const journal = JSON.parse(fs.readFileSync(path.join(root, UPDATE_JOURNAL), 'utf8')) as UpdateJournal;
  // The journal is read back from disk: act only on paths that stay inside `target`.
  const valid = Array.isArray(journal.units) && Array.isArray(journal.parents)
    && [...journal.units.map((u) => u?.path), ...journal.parents].every((p) => typeof p === 'string' && p.length > 0 && isInsideOutput(p));
  if (!valid) {
    throw new Error(`${path.join(root, UPDATE_JOURNAL)}: not a journal of this library (a path is missing or leaves ${target}); remove ${root} by hand after checking ${target}`);
  }
  for (const unit of [...journal.units].reverse()) {
    const current = path.join(target, unit.path);
    const old = path.join(root, 'old', unit.path);
    const fresh = path.join(root, 'new', unit.path);
    if (unit.existed && fs.existsSync(old)) {
      if (fs.existsSync(current)) wfs.rmSync(current, { recursive: true, force: true });
      wfs.renameSync(old, current);
    } else if (!unit.existed && fs.existsSync(current) && !fs.existsSync(fresh)) {
      wfs.rmSync(current, { recursive: true, force: true });
    }
  }
  removeEmptyFolders(target, journal.parents, wfs);
  wfs.rmSync(path.join(root, UPDATE_JOURNAL), { recursive: true, force: true });
}

/** Removes those of `folders` (relative to `target`, deepest first) that exist and are empty. */
export function removeEmptyFolders(target: string, folders: ReadonlyArray<string>, wfs: WriteFileSystem): void {
  for (const folder of [...folders].sort((a, b) => b.length - a.length)) {
    const full = path.join(target, folder);
    if (fs.existsSync(full) && fs.readdirSync(full).length === 0) wfs.rmSync(full, { recursive: true, force: true });
  }
}

/** True when a process with this id exists (signal 0 only checks). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
