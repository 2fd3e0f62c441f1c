import { readTree } from '../lib/synth/synthesize-fleet';

/**
 * True when `other` holds exactly the files of `ours` (restricted to paths starting with
 * `prefix`), byte for byte. Used to check that the floor and the naive run wrote what ours wrote,
 * so the bench compares like with like.
 */
export function sameOutput(ours: string, other: string, prefix = ''): boolean {
  const a = readTree(ours);
  const b = readTree(other);
  const wanted = [...a.keys()].filter((p) => p.startsWith(prefix));
  if (wanted.length !== [...b.keys()].filter((p) => p.startsWith(prefix)).length) return false;
  return wanted.every((p) => b.get(p) === a.get(p));
}
