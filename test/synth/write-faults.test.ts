/**
 * Atomicity of the write path, proved by fault injection: every filesystem operation that
 * changes anything (lib/synth/write-fs.ts) is made to fail in turn — the staging folder and its
 * marker, each cluster's folders and files (first, middle and last of each), the GitOps wiring,
 * moving the old output aside, moving the new one in (rollback), removing the old copy — and a
 * real process is SIGKILLed mid-write. After each, the folder holding the output is byte-identical
 * to before (nothing beside `dist`), or, when only the final clean-up failed, holds the complete
 * new output and a leftover that the next run removes.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import { loadFleetFile } from '../../lib/fleet-file/fleet-file';
import { OUTPUT_MARKER } from '../../lib/synth/output-guard';
import { readTree, synthesizeFleet } from '../../lib/synth/synthesize-fleet';
import { PAUSE_ENV } from '../../lib/synth/write-checkpoint';
import { NODE_WRITE_FS, WriteFileSystem } from '../../lib/synth/write-fs';
import { REPO_ROOT, tempDir } from '../support/repo';
import { GitOpsEngine } from '../../lib/gitops/gitops-props';
import { testFleet } from '../support/test-fleet';

const EXAMPLE = path.join(REPO_ROOT, 'apps', 'fleet.yaml');

/** One write-path operation as seen through the seam: its name and the path it acts on, relative to the parent folder. */
interface Op {
  readonly name: keyof WriteFileSystem;
  readonly target: string;
}

/** Node's fs, recording every operation and making operation number `failAt` (0-based) throw. */
function faultyFs(parent: string, failAt: number, log: Op[] = []): WriteFileSystem {
  const rel = (p: string) => path.relative(parent, p).replace(/staging-\d+-[A-Za-z0-9]*/, 'staging').replace(/previous-\d+/, 'previous').replace(/update-\d+-[A-Za-z0-9]*/, 'update');
  const step = (name: keyof WriteFileSystem, target: string) => {
    log.push({ name, target });
    if (log.length - 1 === failAt) throw new Error(`injected failure at ${name} ${target}`);
  };
  return {
    mkdirSync: (d, o) => { step('mkdirSync', rel(d)); return NODE_WRITE_FS.mkdirSync(d, o); },
    mkdtempSync: (p) => { step('mkdtempSync', rel(p)); return NODE_WRITE_FS.mkdtempSync(p); },
    writeFileSync: (f, c) => { step('writeFileSync', rel(f)); NODE_WRITE_FS.writeFileSync(f, c); },
    renameSync: (a, b) => { step('renameSync', `${rel(a)} -> ${rel(b)}`); NODE_WRITE_FS.renameSync(a, b); },
    rmSync: (t, o) => { step('rmSync', rel(t)); NODE_WRITE_FS.rmSync(t, o); },
  };
}

/** Two clusters in the old output; the new fleet changes both, adds a third and keeps GitOps off. */
function oldFleet() {
  const fleet = testFleet();
  fleet.addCluster('alpha', { release: '4.18.12', pools: { gpu: {} } });
  fleet.addCluster('beta', { release: '4.18.12', pools: { gpu: {} } });
  return fleet;
}
function newFleet() {
  const fleet = testFleet();
  fleet.addCluster('alpha', { release: '4.19.3', pools: { gpu: {} } });
  fleet.addCluster('beta', { release: '4.19.3', pools: { gpu: {} } });
  fleet.addCluster('gamma', { release: '4.19.3', pools: { gpu: {} } });
  return fleet;
}

/** A parent folder holding `dist` with the old fleet's output. */
function oldOutput(): { parent: string; out: string } {
  const parent = tempDir();
  const out = path.join(parent, 'dist');
  synthesizeFleet(oldFleet(), { outdir: out });
  return { parent, out };
}

describe('fault injection in the write path', () => {
  // The operations of one successful run, in order: each is made to fail below.
  const { parent: dryParent, out: dryOut } = oldOutput();
  const ops: Op[] = [];
  synthesizeFleet(newFleet(), { outdir: dryOut, fs: faultyFs(dryParent, -1, ops) });
  const newTree = readTree(dryOut);

  test('the recorded run covers every step: staging, each cluster\'s files, both renames, the clean-up', () => {
    const names = ops.map((o) => `${o.name} ${o.target}`);
    expect(names.slice(0, 3)).toEqual(['mkdirSync ', 'mkdtempSync .dist-staging', `writeFileSync .dist-staging/${OUTPUT_MARKER}`]);
    for (const cluster of ['alpha', 'beta', 'gamma']) {
      expect(names).toContain(`mkdirSync .dist-staging/clusters/${cluster}`);
      expect(names).toContain(`writeFileSync .dist-staging/clusters/${cluster}/kustomization.yaml`);
      // first, middle and last file of each cluster
      expect(names.filter((n) => n.startsWith(`writeFileSync .dist-staging/clusters/${cluster}/`)).length).toBeGreaterThanOrEqual(3);
    }
    expect(names.slice(-3)).toEqual(['renameSync dist -> .dist-previous', 'renameSync .dist-staging -> dist', 'rmSync .dist-previous']);
  });

  test.each(ops.map((op, i) => [i, `${op.name} ${op.target}`] as const))('failure at step %i (%s) leaves dist/ as it was', (i, label) => {
    const { parent, out } = oldOutput();
    const before = readTree(parent);
    expect([...before.keys()].every((f) => f.startsWith('dist/'))).toBe(true);
    const isCleanup = i === ops.length - 1;
    const run = () => synthesizeFleet(newFleet(), { outdir: out, fs: faultyFs(parent, i) });
    if (isCleanup) {
      // The new output is complete and in place; the old copy is left, reported, and removed by the next run.
      const report = run();
      expect(report.warnings.join('\n')).toMatch(/could not remove the previous output/);
      expect(readTree(out)).toEqual(newTree);
      expect(fs.readdirSync(parent).sort()).toEqual(['.dist-previous-' + process.pid, 'dist']);
      synthesizeFleet(newFleet(), { outdir: out });
      expect(fs.readdirSync(parent)).toEqual(['dist']);
      return;
    }
    expect(run, label).toThrow(/injected failure/);
    expect(readTree(parent)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });
});

/**
 * Incremental runs swap only the changed units (StagedUpdate). Three clusters defined by plan
 * (so their input hashes decide) with per-cluster GitOps wiring; the new fleet changes b,
 * removes c and adds d, so the run replaces, removes and adds cluster and bootstrap folders.
 */
function unitFleet(version: 'old' | 'new') {
  const fleet = testFleet({ gitops: { engine: GitOpsEngine.ARGOCD, repoURL: 'https://git.example.com/fleet.git' } });
  const names = version === 'old' ? ['a', 'b', 'c'] : ['a', 'b', 'd'];
  for (const name of names) {
    fleet.defineCluster(name, { release: version === 'new' && name === 'b' ? '4.19.3' : '4.18.12', pools: { gpu: {} } });
  }
  return fleet;
}

describe('fault injection in an incremental run (changed units only)', () => {
  const setUp = (): { parent: string; out: string } => {
    const parent = tempDir();
    const out = path.join(parent, 'dist');
    synthesizeFleet(unitFleet('old'), { outdir: out });
    return { parent, out };
  };
  const { parent: dryParent, out: dryOut } = setUp();
  const ops: Op[] = [];
  const dryReport = synthesizeFleet(unitFleet('new'), { outdir: dryOut, fs: faultyFs(dryParent, -1, ops) });
  const newTree = readTree(dryOut);

  test('the recorded run renders two clusters and swaps exactly their units, the removed cluster\'s and the state', () => {
    expect(dryReport.rendered).toBe(2);
    const full = path.join(tempDir(), 'dist');
    synthesizeFleet(unitFleet('new'), { outdir: full, full: true });
    expect(newTree).toEqual(readTree(full));
    const renames = ops.filter((o) => o.name === 'renameSync').map((o) => o.target);
    for (const unit of ['clusters/b', 'bootstrap/b', 'clusters/c', 'bootstrap/c']) expect(renames).toContain(`dist/${unit} -> .dist-update/old/${unit}`);
    for (const unit of ['clusters/b', 'bootstrap/b', 'clusters/d', 'bootstrap/d']) expect(renames).toContain(`.dist-update/new/${unit} -> dist/${unit}`);
    expect(renames.some((r) => r.includes('clusters/a') || r.includes('bootstrap/a'))).toBe(false);
    expect(ops.map((o) => `${o.name} ${o.target}`).slice(-2)).toEqual(['rmSync .dist-update/journal.json', 'rmSync .dist-update']);
  });

  test.each(ops.map((op, i) => [i, `${op.name} ${op.target}`] as const))('failure at step %i (%s) leaves dist/ as it was', (i, label) => {
    const { parent, out } = setUp();
    const before = readTree(parent);
    const run = () => synthesizeFleet(unitFleet('new'), { outdir: out, fs: faultyFs(parent, i) });
    if (i === ops.length - 1) {
      const report = run();
      expect(report.warnings.join('\n')).toMatch(/could not remove the previous versions/);
      expect(readTree(out)).toEqual(newTree);
      synthesizeFleet(unitFleet('new'), { outdir: out });
      expect(fs.readdirSync(parent)).toEqual(['dist']);
      return;
    }
    expect(run, label).toThrow(/injected failure/);
    expect(readTree(parent)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['dist']);
    expect(fs.readdirSync(path.join(out, 'bootstrap')).sort()).toEqual(['a', 'b', 'c']);
  });
});

/** Runs the default app on `fleetFile` into `out`, paused at `step`, and SIGKILLs it there. */
async function killAt(step: string, fleetFile: string, out: string, env: Record<string, string> = {}): Promise<void> {
  // tsx as a loader of this node process (not the tsx CLI, which runs the app in a child process).
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'apps', 'main.ts')], {
    cwd: REPO_ROOT, env: { ...process.env, KMODS_FLEET_FILE: fleetFile, KMODS_OUTDIR: out, [PAUSE_ENV]: step, ...env }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const guard = setTimeout(() => child.kill('SIGKILL'), 50_000);
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += String(d);
      if (stderr.includes(`kmods: paused at ${step}`)) {
        child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => (signal === 'SIGKILL' && stderr.includes('paused at')
      ? resolve() : reject(new Error(`exited ${code ?? signal} before pausing at ${step}: ${stderr}`))));
  }).finally(() => clearTimeout(guard));
}

describe('a synthesis killed mid-write (SIGKILL)', () => {
  /** The example fleet with one module version changed, so the killed run would change several clusters' files. */
  function changedFleetFile(): string {
    const file = path.join(tempDir(), 'fleet.yaml');
    const text = fs.readFileSync(EXAMPLE, 'utf8').replace('version: "570.148.08"', 'version: "570.172.08"');
    expect(text).toContain('570.172.08');
    fs.writeFileSync(file, text);
    return file;
  }

  /** The next run (full: nothing carried over), failing at its first staged .yaml: it can only restore and clean, never write. */
  function failingNextRun(out: string): void {
    const failing: WriteFileSystem = { ...NODE_WRITE_FS, writeFileSync: (f, c) => {
      if (f.endsWith('.yaml')) throw new Error('injected: next run fails');
      NODE_WRITE_FS.writeFileSync(f, c);
    } };
    expect(() => synthesizeFleet(loadFleetFile(EXAMPLE), { outdir: out, fs: failing, full: true })).toThrow(/injected: next run fails/);
  }

  // KMODS_FULL=1: the whole folder is staged and swapped; without it, only the changed clusters' units are (StagedUpdate).
  const cases: ReadonlyArray<readonly [string, string, Record<string, string>, RegExp]> = [
    ['whole folder', 'write:1', { KMODS_FULL: '1' }, /^\.dist-staging-\d+-/],
    ['whole folder', 'write:40', { KMODS_FULL: '1' }, /^\.dist-staging-\d+-/],
    ['whole folder', 'between-renames', { KMODS_FULL: '1' }, /^\.dist-previous-\d+$/],
    ['changed units', 'write:1', {}, /^\.dist-update-\d+-/],
    ['changed units', 'unit:1', {}, /^\.dist-update-\d+-/],
    ['changed units', 'unit:3', {}, /^\.dist-update-\d+-/],
  ];
  test.each(cases)('%s, killed at %s: the next run restores dist/ byte for byte and removes the leftovers', async (_mode, step, env, leftover) => {
    const parent = tempDir();
    const out = path.join(parent, 'dist');
    synthesizeFleet(loadFleetFile(EXAMPLE), { outdir: out });
    const before = readTree(parent);
    const beforeOut = readTree(out);
    await killAt(step, changedFleetFile(), out, env);
    const left = fs.readdirSync(parent).sort();
    expect(left.some((n) => leftover.test(n))).toBe(true);
    if (step === 'between-renames') expect(left.includes('dist')).toBe(false);
    // Killed between units: dist/ holds some new units beside old ones until the next run rolls them back.
    if (step.startsWith('unit:')) expect(readTree(out)).not.toEqual(beforeOut);
    failingNextRun(out);
    expect(readTree(parent)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  }, 60_000);

  test.each([['whole folder', { KMODS_FULL: '1' }], ['changed units', {}]] as const)('%s, killed after the swap: the new output is complete, and the next run removes the old copy', async (_mode, env) => {
    const parent = tempDir();
    const out = path.join(parent, 'dist');
    synthesizeFleet(loadFleetFile(EXAMPLE), { outdir: out });
    const changed = changedFleetFile();
    const expected = path.join(tempDir(), 'dist');
    synthesizeFleet(loadFleetFile(changed), { outdir: expected });
    await killAt('after-swap', changed, out, env);
    expect(readTree(out)).toEqual(readTree(expected));
    expect(fs.readdirSync(parent).length).toBe(2);
    failingNextRun(out);
    expect(readTree(out)).toEqual(readTree(expected));
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  }, 60_000);
});
