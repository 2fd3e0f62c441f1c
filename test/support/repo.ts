import { execFileSync, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** A fresh temporary folder. */
export function tempDir(prefix = 'kmods-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Copies a folder tree (for tests that must not touch the committed dist/). */
export function copyTree(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}

/** Runs the default app (apps/main.ts) as `cdk8s synth` would, with the given environment. */
export function runMainApp(env: Record<string, string>): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [require.resolve('tsx/cli'), path.join(REPO_ROOT, 'apps', 'main.ts')], {
    cwd: REPO_ROOT, env: { ...process.env, ...env }, encoding: 'utf8',
  });
}

/** Runs `cdk8s synth` through the real CLI, as a user would. */
export function runCdk8sSynth(env: Record<string, string>): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth', '--no-check-upgrade'], {
    cwd: REPO_ROOT, env: { ...process.env, ...env }, encoding: 'utf8',
  });
}

/** Output of a command, for messages. */
export function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8' });
}
