/**
 * A killed synthesis leaves `.dist-staging-<pid>-*`, `.dist-update-<pid>-*` or `.dist-previous-<pid>`
 * beside the output. The next run removes what it recognises as its own (name pattern, marker
 * inside, its process gone) and nothing else, restores the output if the kill came between the two
 * renames of a whole-folder swap, and rolls a partial update back from its journal.
 */
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import { OUTPUT_MARKER } from '../../lib/synth/output-guard';
import { readTree, synthesizeFleet } from '../../lib/synth/synthesize-fleet';
import { tempDir } from '../support/repo';
import { testFleet } from '../support/test-fleet';

/** A process id no process has (above Linux's largest pid_max). */
const DEAD_PID = 4194305;

function fleet() {
  const f = testFleet();
  f.addCluster('one', { release: '4.18.12', pools: { gpu: {} } });
  return f;
}

function folder(dir: string, files: Record<string, string>): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

describe('leftovers of a killed run', () => {
  test('recognised staging and previous folders are removed by the next run', () => {
    const parent = tempDir();
    const out = path.join(parent, 'dist');
    synthesizeFleet(fleet(), { outdir: out });
    folder(path.join(parent, `.dist-staging-${DEAD_PID}-AbC123`), { [OUTPUT_MARKER]: 'x', 'half.yaml': 'y' });
    folder(path.join(parent, `.dist-previous-${DEAD_PID}`), { [OUTPUT_MARKER]: 'x', 'old.yaml': 'y' });
    synthesizeFleet(fleet(), { outdir: out });
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });

  test('look-alikes are left alone: no marker, another name, a file, a live process, another output', () => {
    const parent = tempDir();
    const out = path.join(parent, 'dist');
    synthesizeFleet(fleet(), { outdir: out });
    const kept = [
      folder(path.join(parent, `.dist-staging-${DEAD_PID}-NoMark`), { 'mine.txt': 'no marker' }),
      folder(path.join(parent, `.dist-staging-${DEAD_PID}-toolong1`), { [OUTPUT_MARKER]: 'x' }),
      folder(path.join(parent, '.dist-previous-notapid'), { [OUTPUT_MARKER]: 'x' }),
      folder(path.join(parent, `.other-previous-${DEAD_PID}`), { [OUTPUT_MARKER]: 'x' }),
      folder(path.join(parent, `.dist-previous-${process.ppid}`), { [OUTPUT_MARKER]: 'a running process' }),
    ];
    fs.writeFileSync(path.join(parent, `.dist-previous-${DEAD_PID + 1}`), 'a file, not a folder');
    kept.push(path.join(parent, `.dist-previous-${DEAD_PID + 1}`));
    synthesizeFleet(fleet(), { outdir: out });
    expect(fs.readdirSync(parent).sort()).toEqual(['dist', ...kept.map((k) => path.basename(k))].sort());
  });

  test('a missing output is restored from its previous copy before the run, and a failing run then leaves it restored', () => {
    const parent = tempDir();
    const out = path.join(parent, 'dist');
    synthesizeFleet(fleet(), { outdir: out });
    const before = readTree(out);
    fs.renameSync(out, path.join(parent, `.dist-previous-${DEAD_PID}`));
    const broken = testFleet();
    broken.addCluster('one', { release: '4.18.12', pools: { gpu: {} } });
    expect(() => synthesizeFleet(broken, { outdir: out, fs: failingWrites() })).toThrow(/injected/);
    expect(readTree(out)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });

  test('a partial update killed at any point inside a unit\'s swap is rolled back from its journal by the next run', () => {
    const parent = tempDir();
    const out = path.join(parent, 'dist');
    synthesizeFleet(fleet(), { outdir: out });
    fs.mkdirSync(path.join(out, 'clusters', 'gone'));
    fs.writeFileSync(path.join(out, 'clusters', 'gone', 'x.yaml'), 'old gone\n');
    fs.writeFileSync(path.join(out, 'clusters', 'one', 'extra.yaml'), 'old extra\n');
    const before = readTree(out);
    // What a killed update left: four units, each stopped at another step of its swap.
    const update = path.join(parent, `.dist-update-${DEAD_PID}-AbC123`);
    folder(update, { [OUTPUT_MARKER]: 'x' });
    const move = (from: string, to: string) => { fs.mkdirSync(path.dirname(to), { recursive: true }); fs.renameSync(from, to); };
    // clusters/one: moved aside and the new version placed (swap done).
    move(path.join(out, 'clusters', 'one'), path.join(update, 'old', 'clusters', 'one'));
    folder(path.join(out, 'clusters', 'one'), { 'new.yaml': 'new' });
    // clusters/gone (being removed): moved aside only.
    move(path.join(out, 'clusters', 'gone'), path.join(update, 'old', 'clusters', 'gone'));
    // bootstrap/new (did not exist): placed, with the parent folder the update created.
    folder(path.join(out, 'bootstrap', 'new'), { 'k.yaml': 'new' });
    // clusters/later (did not exist): still staged, never placed.
    folder(path.join(update, 'new', 'clusters', 'later'), { 'k.yaml': 'new' });
    fs.writeFileSync(path.join(update, 'journal.json'), JSON.stringify({
      units: [
        { path: 'clusters/one', existed: true },
        { path: 'clusters/gone', existed: true },
        { path: 'bootstrap/new', existed: false },
        { path: 'clusters/later', existed: false },
      ],
      parents: ['bootstrap'],
    }));
    // The next run fails at its first staged file: it can only recover, never write.
    expect(() => synthesizeFleet(fleet(), { outdir: out, fs: failingWrites(), full: true })).toThrow(/injected/);
    expect(readTree(out)).toEqual(before);
    expect(fs.existsSync(path.join(out, 'bootstrap'))).toBe(false);
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });

  test('a journal naming a path outside the output is refused: nothing is moved or removed, and the run says why', () => {
    const parent = tempDir();
    const out = path.join(parent, 'dist');
    synthesizeFleet(fleet(), { outdir: out });
    const before = readTree(parent);
    const victim = folder(path.join(parent, 'precious'), { 'keep.txt': 'mine' });
    const update = folder(path.join(parent, `.dist-update-${DEAD_PID}-Evil12`), { [OUTPUT_MARKER]: 'x' });
    fs.writeFileSync(path.join(update, 'journal.json'), JSON.stringify({ units: [{ path: '../precious', existed: false }], parents: [] }));
    expect(() => synthesizeFleet(fleet(), { outdir: out })).toThrow(/not a journal of this library/);
    expect(fs.readFileSync(path.join(victim, 'keep.txt'), 'utf8')).toBe('mine');
    expect(fs.existsSync(path.join(update, 'journal.json'))).toBe(true);
    for (const [file, content] of before) expect(readTree(parent).get(file)).toBe(content);
  });

  test('an update folder without a journal (killed before its first rename, or after its commit point) is only removed', () => {
    const parent = tempDir();
    const out = path.join(parent, 'dist');
    synthesizeFleet(fleet(), { outdir: out });
    const before = readTree(out);
    folder(path.join(parent, `.dist-update-${DEAD_PID}-XyZ789`), { [OUTPUT_MARKER]: 'x' });
    folder(path.join(parent, `.dist-update-${DEAD_PID}-XyZ789`, 'new', 'clusters', 'one'), { 'half.yaml': 'y' });
    synthesizeFleet(fleet(), { outdir: out });
    expect(readTree(out)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });
});

/** Node's fs, except that writing a staged file fails. */
function failingWrites() {
  return {
    mkdirSync: (d: string, o: { recursive: true }) => fs.mkdirSync(d, o),
    mkdtempSync: (p: string) => fs.mkdtempSync(p),
    writeFileSync: (f: string, c: string) => {
      if (f.endsWith('.yaml')) throw new Error('injected write failure');
      fs.writeFileSync(f, c);
    },
    renameSync: (a: string, b: string) => fs.renameSync(a, b),
    rmSync: (t: string, o: { recursive: true; force: true }) => fs.rmSync(t, o),
  };
}
