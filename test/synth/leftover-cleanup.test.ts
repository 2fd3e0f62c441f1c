/**
 * A killed synthesis leaves `.dist-staging-<pid>-*` or `.dist-previous-<pid>` beside the output.
 * The next run removes what it recognises as its own (name pattern, marker inside, its process
 * gone) and nothing else, and restores the output if the kill came between the two renames.
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
