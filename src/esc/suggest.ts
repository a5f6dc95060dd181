// "did you mean" suggestions for misspelt names.

/** The Levenshtein edit distance between two strings (by code point). */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length]!;
}

/**
 * The closest candidate to a misspelt name, if it is close enough to be a likely typo: at most one
 * edit per three characters (at least one), and never the whole word.
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  if (name === '') return undefined;
  const limit = Math.max(1, Math.floor([...name].length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === name) continue;
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d <= limit && d < [...name].length && d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
