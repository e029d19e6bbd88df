/**
 * Telling a typo from a name that is simply unknown: the names within a small edit distance.
 */

/** Levenshtein distance, bounded: anything above `max` is `max + 1`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length];
}

/**
 * The names of `known` that `name` looks like a typo of (at most two edits away), sorted; none for
 * names of three characters or fewer, where two edits make anything out of anything.
 */
export function nearMisses(name: string, known: Iterable<string>): string[] {
  if (name.length <= 3) return [];
  return [...new Set(known)].filter((k) => k !== name && editDistance(name, k, 2) <= 2).sort();
}
