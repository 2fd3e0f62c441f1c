import { readTree } from '../lib/synth/synthesize-fleet';

/**
 * True when `other` holds exactly the files of `ours` (restricted to paths starting with
 * `prefix`), byte for byte. Used to check that the floor and the naive run wrote what ours wrote,
 * so the bench compares like with like. The output's own bookkeeping files at its top (the
 * marker and the incremental state file, both starting with '.') are not compared.
 */
export function sameOutput(ours: string, other: string, prefix = ''): boolean {
  const objectsOnly = (tree: Map<string, string>): Map<string, string> => new Map([...tree].filter(([p]) => !p.startsWith('.')));
  const a = objectsOnly(readTree(ours));
  const b = objectsOnly(readTree(other));
  const wanted = [...a.keys()].filter((p) => p.startsWith(prefix));
  if (wanted.length !== [...b.keys()].filter((p) => p.startsWith(prefix)).length) return false;
  return wanted.every((p) => b.get(p) === a.get(p));
}
