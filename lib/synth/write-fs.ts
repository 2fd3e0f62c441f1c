import * as fs from 'fs';

/**
 * The filesystem operations of the write path that change anything. Synthesis reads through
 * node's fs directly; every write, rename and removal goes through this seam, so tests can make
 * any one of them fail and check that the output folder is left as it was.
 */
export interface WriteFileSystem {
  mkdirSync(dir: string, options: { recursive: true }): unknown;
  mkdtempSync(prefix: string): string;
  writeFileSync(file: string, content: string): void;
  renameSync(from: string, to: string): void;
  rmSync(target: string, options: { recursive: true; force: true }): void;
}

/** Node's own fs. */
export const NODE_WRITE_FS: WriteFileSystem = {
  mkdirSync: (dir, options) => fs.mkdirSync(dir, options),
  mkdtempSync: (prefix) => fs.mkdtempSync(prefix),
  writeFileSync: (file, content) => fs.writeFileSync(file, content),
  renameSync: (from, to) => fs.renameSync(from, to),
  rmSync: (target, options) => fs.rmSync(target, options),
};
