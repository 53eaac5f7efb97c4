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

/**
 * `; did you mean "V"?` naming the nearest of `known` to each of the mistyped `names` that has one
 * (`"b" for "a", ...` when there are several), or '' when none is near.
 */
export function didYouMean(names: readonly string[], known: Iterable<string>): string {
  const candidates = [...known];
  const nearest = names.flatMap((name) => {
    const match = closestName(name, candidates);
    // a name with no letter left in place ("x" for "c") is no near miss
    if (match === undefined || match.distance >= Math.min(name.length, match.name.length)) return [];
    return [names.length > 1 ? `"${match.name}" for "${name}"` : `"${match.name}"`];
  });
  return nearest.length > 0 ? `; did you mean ${nearest.join(', ')}?` : '';
}

/**
 * Optimal string alignment distance: the fewest insertions, deletions, substitutions and swaps of
 * two neighbouring letters from `a` to `b` (a swap, the commonest typo, "wtmc" for "wtcm", is one
 * edit, as in commander's suggestions for options; Levenshtein counts it as two).
 */
function editDistance(a: string, b: string): number {
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) current[j] = Math.min(current[j]!, beforePrevious[j - 2]! + 1);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length]!;
}
