/** The nearest of several names to a mistyped one: for "did you mean" hints (env ids, unknown keys). */

/**
 * The name of `names` fewest edits from `name`, ignoring case, if within a third of its length (at
 * least one edit); the first of equals. With its edit distance, for callers that judge the match further.
 */
export function closestName(name: string, names: Iterable<string>): { name: string; distance: number } | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3));
  for (const candidate of new Set(names)) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance || (distance === bestDistance && best === undefined)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best === undefined ? undefined : { name: best, distance: bestDistance };
}

/** Levenshtein distance: the fewest insertions, deletions and substitutions from `a` to `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}
