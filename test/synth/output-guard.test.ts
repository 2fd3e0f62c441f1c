/**
 * Synthesis replaces its output folder as a whole, so it must only ever replace a folder it
 * wrote: `KMODS_OUTDIR=.` once deleted a whole checkout. Each refusal below happens before
 * anything is touched: the folder, and the folder beside it, hold exactly what they held.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import { assertReplaceableOutput, OUTPUT_MARKER, OutputFolderError } from '../../lib/synth/output-guard';
import { readTree, synthesizeFleet } from '../../lib/synth/synthesize-fleet';
import { REPO_ROOT, tempDir } from '../support/repo';
import { testFleet } from '../support/test-fleet';

/** A small fleet with one cluster. */
function smallFleet() {
  const fleet = testFleet();
  fleet.addCluster('one', { release: '4.18.12', pools: { gpu: {} } });
  return fleet;
}

/** Every file and folder under `dir` (relative), for "nothing was touched". */
function snapshot(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: false } as any).map(String).sort();
}

/** Synthesis into `outdir` (from `cwd`) is refused with `reason`, and `watched` is unchanged. */
function expectRefused(outdir: string, reason: RegExp, watched: string, cwd?: string): void {
  const before = snapshot(watched);
  const beforeFiles = readTree(watched);
  const previousCwd = process.cwd();
  if (cwd) process.chdir(cwd);
  try {
    expect(() => synthesizeFleet(smallFleet(), { outdir })).toThrow(OutputFolderError);
    expect(() => synthesizeFleet(smallFleet(), { outdir })).toThrow(reason);
  } finally {
    process.chdir(previousCwd);
  }
  expect(snapshot(watched)).toEqual(before);
  expect(readTree(watched)).toEqual(beforeFiles);
}

describe('the output folder guard', () => {
  test('refuses "." (the current folder)', () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'notes.txt'), 'mine');
    expectRefused('.', /current folder or one above it/, cwd, cwd);
  });

  test('refuses an ancestor of the current folder', () => {
    const root = tempDir();
    const cwd = path.join(root, 'a', 'b');
    fs.mkdirSync(cwd, { recursive: true });
    fs.writeFileSync(path.join(root, 'a', 'keep.txt'), 'mine');
    expectRefused('..', /current folder or one above it/, root, cwd);
    expectRefused(root, /current folder or one above it/, root, cwd);
  });

  test('refuses the repository root (it holds .git and package.json), named from elsewhere', () => {
    expect(fs.existsSync(path.join(REPO_ROOT, 'package.json'))).toBe(true);
    expect(() => assertReplaceableOutput(REPO_ROOT, { cwd: tempDir() })).toThrow(/package\.json|\.git/);
  });

  test('refuses any folder holding .git, and any holding package.json', () => {
    for (const owned of ['.git', 'package.json']) {
      const dir = tempDir();
      if (owned === '.git') fs.mkdirSync(path.join(dir, owned));
      else fs.writeFileSync(path.join(dir, owned), '{}');
      fs.writeFileSync(path.join(dir, OUTPUT_MARKER), 'even with the marker');
      expectRefused(dir, new RegExp(`holds ${owned.replace('.', '\\.')}`), dir);
    }
  });

  test('refuses / and the home folder', () => {
    expect(() => assertReplaceableOutput('/', { cwd: tempDir() })).toThrow(/filesystem root/);
    const home = tempDir();
    expect(() => assertReplaceableOutput(home, { cwd: tempDir(), home })).toThrow(/home folder/);
    expect(() => assertReplaceableOutput(path.join(home, '.'), { cwd: tempDir(), home })).toThrow(/home folder/);
  });

  test('refuses a symlink that leads to the current folder', () => {
    const cwd = tempDir();
    const link = path.join(tempDir(), 'dist');
    fs.symlinkSync(cwd, link);
    expect(() => assertReplaceableOutput(link, { cwd })).toThrow(/current folder/);
  });

  test('refuses a non-empty folder without the marker and says what to do', () => {
    const parent = tempDir();
    const dir = path.join(parent, 'dist');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'thesis.tex'), 'years of work');
    expectRefused(dir, /not empty \(thesis\.tex\) and has no \.cdk8s-kmods-output file.*Choose a new or empty folder/, parent);
  });

  test('refuses a file where the folder should be', () => {
    const parent = tempDir();
    fs.writeFileSync(path.join(parent, 'dist'), 'a file');
    expectRefused(path.join(parent, 'dist'), /not a folder/, parent);
  });

  test('accepts a new folder, an empty one, and its own output (which carries the marker)', () => {
    const parent = tempDir();
    const out = path.join(parent, 'dist');
    synthesizeFleet(smallFleet(), { outdir: out });
    expect(fs.readFileSync(path.join(out, OUTPUT_MARKER), 'utf8')).toMatch(/written by cdk8s-kmods/);
    synthesizeFleet(smallFleet(), { outdir: out });
    const empty = tempDir();
    synthesizeFleet(smallFleet(), { outdir: empty });
    expect(fs.existsSync(path.join(empty, 'clusters', 'one', 'kustomization.yaml'))).toBe(true);
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });

  test('adopts the output of a version before the marker (only clusters/, argocd/, flux/ folders) and marks it', () => {
    const out = path.join(tempDir(), 'dist');
    synthesizeFleet(smallFleet(), { outdir: out });
    fs.rmSync(path.join(out, OUTPUT_MARKER));
    const report = synthesizeFleet(smallFleet(), { outdir: out });
    expect(report.changed).toEqual([]);
    expect(fs.existsSync(path.join(out, OUTPUT_MARKER))).toBe(true);
    // The same layout with anything else in it is not recognised.
    fs.rmSync(path.join(out, OUTPUT_MARKER));
    fs.writeFileSync(path.join(out, 'README.md'), 'mine');
    expectRefused(out, /has no \.cdk8s-kmods-output/, path.dirname(out));
  });

  test('the committed dist/ carries the marker', () => {
    expect(fs.readFileSync(path.join(REPO_ROOT, 'dist', OUTPUT_MARKER), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  test('the default app refuses KMODS_OUTDIR=. and the checkout stays whole', () => {
    // A stand-in checkout (never this repository, in case the guard were broken).
    const checkout = tempDir();
    fs.mkdirSync(path.join(checkout, '.git'));
    fs.writeFileSync(path.join(checkout, 'package.json'), '{}');
    fs.writeFileSync(path.join(checkout, 'fleet.yaml'), fs.readFileSync(path.join(REPO_ROOT, 'apps', 'fleet.yaml')));
    const before = snapshot(checkout);
    const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), path.join(REPO_ROOT, 'apps', 'main.ts')], {
      cwd: checkout, env: { ...process.env, KMODS_FLEET_FILE: 'fleet.yaml', KMODS_OUTDIR: '.' }, encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/refusing to write the fleet into \.: .*current folder/);
    expect(snapshot(checkout)).toEqual(before);
  });
});
