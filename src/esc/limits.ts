// Limits on evaluation, so that no environment, however written, can make esc-kube allocate without
// bound, hang or overflow its stack: a small file can double a value through references or builtins
// twenty times over, or chain thousands of references. Every step that builds something new (a copy
// through a reference, an interpolation, a builtin's result) is charged to one budget per evaluation.

import { NumberValue, type Value } from './value.js';

/** The most values (array elements, object properties, scalars) that one evaluation may build. */
export const MAX_EVALUATED_VALUES = 500_000;
/** The most characters of text that one evaluation may build (strings and keys, counted once per copy). */
export const MAX_EVALUATED_CHARS = 32 * 1024 * 1024;
/**
 * The deepest nesting of evaluation (objects and arrays within each other, and references to
 * references) on the main thread's stack. A deeper environment is evaluated again on a thread with a
 * larger stack (see src/deep-stack.ts), where the limits below apply.
 */
export const MAIN_STACK_DEPTH = 500;
/** The deepest nesting of evaluation on the large stack: yaml.v3's 10,000 levels and a margin. */
export const DEEP_STACK_DEPTH = 11_000;
/** yaml.v3's limit on nesting (parserc.go: "exceeded max depth of 10000"). */
export const MAX_YAML_DEPTH = 10_000;
/** At most this many "did you mean" searches per evaluation. */
export const MAX_SUGGESTIONS = 200;

/** What one evaluation has built so far. */
export class EvaluationBudget {
  values = 0;
  chars = 0;
  exceeded = false;

  /** Charges a step; false (and from then on always false) when it would go over a limit. */
  charge(values: number, chars: number): boolean {
    if (this.exceeded) return false;
    this.values += values;
    this.chars += chars;
    if (this.values > MAX_EVALUATED_VALUES || this.chars > MAX_EVALUATED_CHARS) this.exceeded = true;
    return !this.exceeded;
  }

  /** What is left, for measuring a value without walking more of it than could be afforded. */
  remaining(): { values: number; chars: number } {
    return { values: MAX_EVALUATED_VALUES - this.values, chars: MAX_EVALUATED_CHARS - this.chars };
  }
}

/**
 * The size of a value (its nodes, the base values it is merged over, and the characters of its strings
 * and keys), counting each shared node once and stopping as soon as either limit is passed.
 */
export function measureValue(v: Value, limit: { values: number; chars: number }): { values: number; chars: number } {
  const seen = new Set<Value>();
  const stack: Value[] = [v];
  let values = 0;
  let chars = 0;
  while (stack.length > 0 && values <= limit.values && chars <= limit.chars) {
    const x = stack.pop()!;
    if (seen.has(x)) continue;
    seen.add(x);
    values++;
    const r = x.repr;
    if (typeof r === 'string') chars += r.length;
    else if (r instanceof NumberValue) chars += r.text.length;
    else if (Array.isArray(r)) stack.push(...r);
    else if (r instanceof Map) {
      for (const [k, e] of r) {
        chars += k.length;
        stack.push(e);
      }
    }
    if (x.base) stack.push(x.base);
  }
  return { values, chars };
}

/** The diagnostic's words when the budget runs out. */
export const BUDGET_EXCEEDED = `this environment builds more than ${MAX_EVALUATED_VALUES.toLocaleString('en-US')} values or ${MAX_EVALUATED_CHARS / 1024 / 1024} MiB of text (esc-kube's limits); does a value double itself through references or builtins?`;

/** The diagnostic's words when evaluation nests deeper than `limit`. */
export function tooDeep(limit: number): string {
  return `nesting or a chain of references deeper than ${limit.toLocaleString('en-US')} levels (esc-kube's limit)`;
}
