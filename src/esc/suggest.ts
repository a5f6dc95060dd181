// "did you mean" suggestions for misspelt names.

/** The edit distance between two strings (by code point), counting a swap of neighbours as one edit. */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[x.length]![y.length]!;
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
