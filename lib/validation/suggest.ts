/**
 * "Did you mean …": the closest candidate by edit distance (insertions, deletions,
 * substitutions and swaps of neighbours), when it is close enough to be a typo.
 */

/** Names longer than this are not compared (edit distance is quadratic in the length). */
const MAX_COMPARED_LENGTH = 64;

/** The candidate closest to `given`, if at most a third of its characters differ (and at least one). */
export function closestMatch(given: string, candidates: Iterable<string>): string | undefined {
  if (given.length === 0 || given.length > MAX_COMPARED_LENGTH) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === given || candidate.length > MAX_COMPARED_LENGTH) continue;
    const d = candidate.toLowerCase() === given.toLowerCase() ? 0.5 : editDistance(given, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  const limit = Math.max(1, Math.floor(Math.max(given.length, best?.length ?? 0) / 3));
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

/** `allowed: a, b, c` text with a suggestion, e.g. `did you mean "nvidia"? allowed: gpfs, nvidia`. */
export function allowedWithSuggestion(given: unknown, candidates: ReadonlyArray<string>, none = 'none defined'): string {
  const list = candidates.length > 0 ? candidates.join(', ') : none;
  const suggestion = typeof given === 'string' ? closestMatch(given, candidates) : undefined;
  return suggestion !== undefined ? `${list} (did you mean "${suggestion}"?)` : list;
}

/** Optimal string alignment distance (Damerau–Levenshtein without repeated edits of one substring). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_2, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
