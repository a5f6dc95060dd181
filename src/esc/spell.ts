// Upstream's spelling helpers, ported branch by branch so that esc-kube's messages match pulumi/esc
// (v0.25): `internal/spell` (Nearest, SortByEditDistance) and `diags.NonExistentFieldFormatter`.
// Go compares bytes, so these work on UTF-8 bytes, not on code points.

import { MAX_SUGGESTION_CANDIDATES, suggest } from './suggest.js';

const utf8 = new TextEncoder();

/** Lower-cases and drops underscores, as spell.fold does ("ignore underscores and case when matching"). */
function fold(s: string): Uint8Array {
  return utf8.encode(s.replaceAll('_', '').toLowerCase());
}

/**
 * The Levenshtein distance of two byte strings (spell.levenshtein). With `max`, it may stop early and
 * return an approximate value above it.
 */
function levenshtein(a: Uint8Array, b: Uint8Array, max?: number): number {
  let x = a;
  let y = b;
  if (x.length > y.length) [x, y] = [y, x];
  // Remove the common prefix (upstream only trims when the strings differ within x).
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i]) {
      x = x.subarray(i);
      y = y.subarray(i);
      break;
    }
  }
  if (x.length === 0) return y.length;
  if (max !== undefined && Math.abs(x.length - y.length) > max) return Math.abs(x.length - y.length);
  const row = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    row[0] = i;
    let best = i;
    let prev = i - 1;
    for (let j = 1; j <= y.length; j++) {
      const k = Math.min(prev + (x[i - 1] !== y[j - 1] ? 1 : 0), 1 + row[j - 1]!, 1 + row[j]!);
      prev = row[j]!;
      row[j] = k;
      best = Math.min(best, k);
    }
    if (max !== undefined && best > max) return best;
  }
  return row[y.length]!;
}

/**
 * The candidate nearest to `x` (spell.Nearest): at most 50% typos, ties to the earlier candidate.
 * Upstream iterates a Go map, so its pick among equally near names is random; pass candidates in a
 * fixed order to get a stable answer.
 */
export function nearest(x: string, candidates: Iterable<string>): string | undefined {
  const fx = fold(x);
  let best: string | undefined;
  let bestD = Math.floor((fx.length + 1) / 2);
  for (const c of candidates) {
    const d = levenshtein(fx, fold(c), bestD);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

/** A copy of `words` sorted, stably, by edit distance from `x` (spell.SortByEditDistance). */
export function sortByEditDistance(x: string, words: readonly string[]): string[] {
  const fx = fold(x);
  return words
    .map((w, i) => ({ w, i, d: levenshtein(fx, fold(w)) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((e) => e.w);
}

/**
 * Upstream's warning for a key that no field of a record matches (diags.NonExistentFieldFormatter with
 * no element limit): "Field 'k' does not exist on Object 'o'. Existing fields are: 'a', 'b'".
 */
export function nonExistentFieldMessage(objectName: string, key: string, fields: readonly string[]): string {
  const parent = `Object '${objectName}'`;
  const quoted = fields.map((f) => `'${f}'`);
  const body = quoted.length === 0 ? `${parent} has no fields` : `Existing fields are: ${sortByEditDistance(key, quoted).join(', ')}`;
  return `Field '${key}' does not exist on ${parent}. ${body}`;
}

/**
 * `; did you mean "x"?` for the candidate closest to `name`, or "": upstream's Nearest first (over the
 * candidates in the order given: upstream iterates a Go map, so its pick among equally near names is
 * random), then esc-kube's own suggest, which also knows transpositions and camelCase suffixes
 * (keyId -> accessKeyId). At most MAX_SUGGESTION_CANDIDATES candidates are looked at.
 */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const some = candidates.slice(0, MAX_SUGGESTION_CANDIDATES);
  const hint = nearest(name, some) ?? suggest(name, some);
  return hint ? `; did you mean ${JSON.stringify(hint)}?` : '';
}
