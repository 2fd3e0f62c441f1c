import * as path from 'path';
import { cleanLeftovers } from './leftovers';
import { assertReplaceableOutput, isInsideOutput, OUTPUT_MARKER, OUTPUT_MARKER_TEXT } from './output-guard';
import { checkpoint } from './write-checkpoint';
import { NODE_WRITE_FS, WriteFileSystem } from './write-fs';

/** Options of the staged writers (StagedDirectory, StagedUpdate). */
export interface StagingOptions {
  /** The filesystem operations that change anything (tests inject failures here). @default node's fs */
  readonly fs?: WriteFileSystem;
}

/**
 * What StagedDirectory and StagedUpdate share: a folder beside `target` (made with mkdtemp from
 * `prefix`, after what killed runs left there is put right — see cleanLeftovers) that carries
 * the output marker from its first moment, into which files are written one by one under
 * `stagingPath`, and which is dropped on `discard`. Subclasses swap it in.
 */
export abstract class StagingFolder {
  /** Absolute path of the folder being replaced or updated. */
  public readonly target: string;
  /** Set when what the swap moved aside could not be removed; the next run removes it. */
  public leftover?: string;
  /** The folder beside `target`. */
  protected readonly root: string;
  protected readonly fs: WriteFileSystem;
  private readonly dirs = new Set<string>();
  private open = true;
  private written = 0;

  protected constructor(target: string, prefix: (target: string) => string, options: StagingOptions) {
    assertReplaceableOutput(target);
    this.target = path.resolve(target);
    this.fs = options.fs ?? NODE_WRITE_FS;
    cleanLeftovers(this.target, this.fs);
    this.fs.mkdirSync(path.dirname(this.target), { recursive: true });
    this.root = this.fs.mkdtempSync(prefix(this.target));
    try {
      this.fs.writeFileSync(path.join(this.root, OUTPUT_MARKER), OUTPUT_MARKER_TEXT);
    } catch (e) {
      this.dropRoot();
      throw e;
    }
  }

  /** Absolute path of the folder files are written into, for writers that write directly (render worker threads). */
  public abstract get stagingPath(): string;

  /** Writes one file (`relative` to `target`, '/' separated, never leaving it). */
  public write(relative: string, content: string): void {
    this.assertOpen();
    assertInside(relative);
    const file = path.join(this.stagingPath, relative);
    const dir = path.dirname(file);
    if (!this.dirs.has(dir)) {
      this.fs.mkdirSync(dir, { recursive: true });
      this.dirs.add(dir);
    }
    this.fs.writeFileSync(file, content);
    this.written += 1;
    checkpoint(`write:${this.written}`);
  }

  /** Drops the staged files; `target` stays as it was. Safe to call more than once; never throws. */
  public discard(): void {
    if (!this.open) return;
    this.open = false;
    this.dropRoot();
  }

  /** Ends writing: a commit or discard may come only once. */
  protected close(): void {
    this.assertOpen();
    this.open = false;
  }

  /** Removes the folder beside `target`; if that fails, it holds the marker and the next run removes it. */
  protected dropRoot(): void {
    try {
      this.fs.rmSync(this.root, { recursive: true, force: true });
    } catch {
      // left for the next run (see cleanLeftovers)
    }
  }

  private assertOpen(): void {
    if (!this.open) throw new Error('the staged output was already committed or discarded');
  }
}

/** Refuses a path that is absolute or climbs out of the output folder. */
export function assertInside(relative: string): void {
  if (!isInsideOutput(relative)) {
    throw new Error(`refusing to write outside the output folder: ${relative}`);
  }
}
