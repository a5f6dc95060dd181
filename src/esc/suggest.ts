// "did you mean" suggestions for misspelt names.

/**
 * The edit distance between two strings (by code point), counting a swap of neighbours as one edit.
 * With `max`, it stops as soon as the distance must exceed it and returns `max + 1`.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > max) return max + 1;
  // Three rolling rows (the one before last is for transpositions) instead of a whole table.
  let prev2 = new Int32Array(y.length + 1);
  let prev = Int32Array.from({ length: y.length + 1 }, (_, j) => j);
  let cur = new Int32Array(y.length + 1);
  let prevRowMin = 0;
  for (let i = 1; i <= x.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    // A swap steps over one row, so only two rows over the bound in a row prove the distance is.
    if (rowMin > max && prevRowMin > max) return max + 1;
    prevRowMin = rowMin;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[y.length]!;
}

/** Names longer than this get no suggestion (a typo of a long name is seldom one edit away anyway). */
export const MAX_SUGGESTED_NAME = 64;
/** At most this many candidates are compared with a name. */
export const MAX_SUGGESTION_CANDIDATES = 1000;

/**
 * The closest candidate to a misspelt name, if it is close enough to be a likely typo: at most one
 * edit per three characters (at least one), and never the whole word.
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const length = [...name].length;
  if (name === '' || length > MAX_SUGGESTED_NAME) return undefined;
  const limit = Math.max(1, Math.floor(length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  let looked = 0;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    if (c === name) continue;
    if (++looked > MAX_SUGGESTION_CANDIDATES) break;
    // The distance is at least the difference in length: most candidates need no table at all.
    if (Math.abs([...c].length - length) > limit) continue;
    const d = editDistance(lower, c.toLowerCase(), Math.min(limit, bestDistance));
    if (d <= limit && d < length && d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best ?? camelSuffix(name, candidates);
}

/**
 * The shortest candidate whose last camelCase words are the name (`keyId` -> `accessKeyId`): a
 * common slip when a provider's outputs are guessed from another tool's names.
 */
function camelSuffix(name: string, candidates: Iterable<string>): string | undefined {
  if (name.length < 2 || name.length > MAX_SUGGESTED_NAME) return undefined;
  const lower = name.toLowerCase();
  let best: string | undefined;
  let looked = 0;
  for (const c of candidates) {
    if (++looked > MAX_SUGGESTION_CANDIDATES) break;
    if (c.length <= name.length || !c.toLowerCase().endsWith(lower)) continue;
    const boundary = c[c.length - name.length]!;
    if (boundary !== boundary.toUpperCase() || boundary === boundary.toLowerCase()) continue;
    if (best === undefined || c.length < best.length) best = c;
  }
  return best;
}
