import * as fs from 'fs';

/**
 * The environment variable that stops the write path at a named step, for tests that kill a
 * synthesis mid-write: `write:<n>` (after the n-th file is staged), `between-renames` (the old
 * output moved aside, the new one not yet in place) or `after-swap` (the old copy not yet removed).
 */
export const PAUSE_ENV = 'KMODS_TEST_PAUSE_AT';

/**
 * Called by the write path at each step. When PAUSE_ENV names this step, it prints
 * `kmods: paused at <step>` on stderr and blocks for good (the test then kills the process).
 * Without the variable it does nothing.
 */
export function checkpoint(step: string): void {
  if (process.env[PAUSE_ENV] !== step) return;
  fs.writeSync(2, `kmods: paused at ${step}\n`);
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(cell, 0, 0);
}
