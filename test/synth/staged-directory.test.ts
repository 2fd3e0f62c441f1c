import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import { replaceDirectory } from '../../lib/synth/staged-directory';
import { readTree } from '../../lib/synth/synthesize-fleet';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kmods-stage-'));
}

describe('replaceDirectory', () => {
  test('replaces the whole folder, dropping files that are no longer produced', () => {
    const root = tempDir();
    const target = path.join(root, 'dist');
    replaceDirectory(target, new Map([['a/one.yaml', '1'], ['b.yaml', '2']]));
    replaceDirectory(target, new Map([['a/two.yaml', '3']]));
    expect([...readTree(target).entries()]).toEqual([['a/two.yaml', '3']]);
    expect(fs.readdirSync(root)).toEqual(['dist']);
  });

  test('a failure while staging leaves the folder byte-for-byte as it was and no staging left behind', () => {
    const root = tempDir();
    const target = path.join(root, 'dist');
    replaceDirectory(target, new Map([['keep.yaml', 'old']]));
    expect(() => replaceDirectory(target, new Map([['fine.yaml', 'new'], ['../escape.yaml', 'x']]))).toThrow(/outside the output folder/);
    // A file where a folder must go makes the write itself fail.
    expect(() => replaceDirectory(target, new Map([['x', 'file'], ['x/y.yaml', 'under a file']]))).toThrow();
    expect([...readTree(target).entries()]).toEqual([['keep.yaml', 'old']]);
    expect(fs.readdirSync(root)).toEqual(['dist']);
  });

  test('restores the previous output when an earlier run died between its two renames', () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, '.dist-previous-123'));
    fs.writeFileSync(path.join(root, '.dist-previous-123', 'old.yaml'), 'old');
    const target = path.join(root, 'dist');
    expect(() => replaceDirectory(target, new Map([['../bad', 'x']]))).toThrow();
    expect([...readTree(target).entries()]).toEqual([['old.yaml', 'old']]);
  });
});
