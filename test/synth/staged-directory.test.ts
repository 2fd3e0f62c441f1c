import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import { OUTPUT_MARKER } from '../../lib/synth/output-guard';
import { replaceDirectory } from '../../lib/synth/staged-directory';
import { readTree } from '../../lib/synth/synthesize-fleet';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kmods-stage-'));
}

/** The files of `dir` other than the marker. */
function outputFiles(dir: string): Array<[string, string]> {
  return [...readTree(dir).entries()].filter(([f]) => f !== OUTPUT_MARKER);
}

/** A process id no process has (above Linux's largest pid_max). */
const DEAD_PID = 4194305;

describe('replaceDirectory', () => {
  test('replaces the whole folder, dropping files that are no longer produced', () => {
    const root = tempDir();
    const target = path.join(root, 'dist');
    replaceDirectory(target, new Map([['a/one.yaml', '1'], ['b.yaml', '2']]));
    replaceDirectory(target, new Map([['a/two.yaml', '3']]));
    expect(outputFiles(target)).toEqual([['a/two.yaml', '3']]);
    expect(fs.existsSync(path.join(target, OUTPUT_MARKER))).toBe(true);
    expect(fs.readdirSync(root)).toEqual(['dist']);
  });

  test('a failure while staging leaves the folder byte-for-byte as it was and no staging left behind', () => {
    const root = tempDir();
    const target = path.join(root, 'dist');
    replaceDirectory(target, new Map([['keep.yaml', 'old']]));
    expect(() => replaceDirectory(target, new Map([['fine.yaml', 'new'], ['../escape.yaml', 'x']]))).toThrow(/outside the output folder/);
    // A file where a folder must go makes the write itself fail.
    expect(() => replaceDirectory(target, new Map([['x', 'file'], ['x/y.yaml', 'under a file']]))).toThrow();
    expect(outputFiles(target)).toEqual([['keep.yaml', 'old']]);
    expect(fs.readdirSync(root)).toEqual(['dist']);
  });

  test('restores the previous output when an earlier run died between its two renames', () => {
    const root = tempDir();
    const previous = path.join(root, `.dist-previous-${DEAD_PID}`);
    fs.mkdirSync(previous);
    fs.writeFileSync(path.join(previous, 'old.yaml'), 'old');
    fs.writeFileSync(path.join(previous, OUTPUT_MARKER), 'x');
    const target = path.join(root, 'dist');
    expect(() => replaceDirectory(target, new Map([['x', 'file'], ['x/y.yaml', 'under a file']]))).toThrow();
    expect(outputFiles(target)).toEqual([['old.yaml', 'old']]);
    expect(fs.readdirSync(root)).toEqual(['dist']);
  });
});
