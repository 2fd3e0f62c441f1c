import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root (two levels above test/support). */
export const REPO_ROOT = resolve(__dirname, '..', '..');

/**
 * The folder with upstream CRDs and schemas: `../shared` relative to the repo root.
 * `KMODS_SHARED_DIR` overrides it (for unusual checkouts).
 */
export function sharedDir(): string {
  return process.env.KMODS_SHARED_DIR ? resolve(process.env.KMODS_SHARED_DIR) : resolve(REPO_ROOT, '..', 'shared');
}

/** True when running under CI (`CI=true`): a missing `../shared` must fail the suite, not skip it. */
export function isCi(): boolean {
  return process.env.CI === 'true';
}

/** Why the shared folder is unusable, or undefined when it is fine. */
export function sharedMissingReason(): string | undefined {
  const dir = sharedDir();
  for (const sub of ['crds', join('schemas', 'kubernetes'), join('schemas', 'ignition')]) {
    if (!existsSync(join(dir, sub))) {
      return `schema folder ${join(dir, sub)} is missing (expected ../shared next to the repo root)`;
    }
  }
  return undefined;
}

/**
 * Whether schema tests can run. Under CI a missing folder throws, so the test file fails at collection;
 * elsewhere it prints the reason once and returns false, so `describe.skipIf(!sharedAvailable())` skips visibly.
 */
export function sharedAvailable(): boolean {
  const reason = sharedMissingReason();
  if (reason === undefined) return true;
  if (isCi()) throw new Error(`CI=true and ${reason}`);
  if (!warned) {
    warned = true;
    console.warn(`[schema tests skipped] ${reason}`);
  }
  return false;
}
let warned = false;

/** The shared folder, or an error (always, CI or not) when it is missing. For code that cannot work without it. */
export function requireShared(): string {
  const reason = sharedMissingReason();
  if (reason !== undefined) throw new Error(reason);
  return sharedDir();
}
