// Evaluated values. A value may have a base: the value it overrides (from an import or an earlier
// definition), merged per JSON merge patch semantics. Object properties are read through keys() and
// property(), which see the base, while toString() deliberately sees only the value's own keys
// (pulumi/esc behaves this way; see the up-omnibus conformance case).

import type { SourceRange } from './diagnostics.js';
import type { Schema } from './schema.js';
import { compareGoStrings, formatGoFloat, goQuote, sortedGoKeys } from './go-compat.js';

/** A number as ESC keeps it: the text it prints, and the JavaScript value. */
export class NumberValue {
  constructor(readonly text: string) {}
  get value(): number {
    return Number(this.text);
  }
  /** A number from a JavaScript value, printed as Go prints a float64. */
  static of(n: number): NumberValue {
    return new NumberValue(Number.isInteger(n) && Math.abs(n) < 2 ** 53 ? String(n) : formatGoFloat(n));
  }
}

/** The representation of a value. */
export type Repr = null | boolean | NumberValue | string | Value[] | Map<string, Value>;

/** Where a value was defined; used to place diagnostics. */
export interface Definition {
  range?: SourceRange;
  path: string;
  env: string;
}

/** An evaluated value with its secrecy, unknown-ness and base. */
export class Value {
  base: Value | undefined;
  secret = false;
  unknown = false;
  /** Set by fn::final: overriding this value is ignored with a warning. */
  final = false;
  /** What an unknown value is known to be (a provider's output schema in check mode); unset means anything. */
  schema: Schema | undefined;
  private mergedKeys: string[] | undefined;
  private exported: Exported | undefined;

  constructor(
    public def: Definition,
    public repr: Repr,
  ) {}

  /** An unknown value (the result of an error, or of an input that is itself unknown). */
  static unknown(def: Definition, secret = false): Value {
    const v = new Value(def, null);
    v.unknown = true;
    v.secret = secret;
    return v;
  }

  isObject(): boolean {
    return this.unknown || this.repr instanceof Map;
  }

  /** The object keys, including the base's, sorted as Go sorts them. */
  keys(): string[] {
    if (this.mergedKeys) return this.mergedKeys;
    if (!(this.repr instanceof Map)) return [];
    const baseKeys = this.base?.keys() ?? [];
    const set = new Set([...baseKeys, ...this.repr.keys()]);
    this.mergedKeys = sortedGoKeys(set);
    return this.mergedKeys;
  }

  /** The named property, looking through to the base per JSON merge patch. */
  property(key: string): Value | undefined {
    if (this.repr instanceof Map) {
      return this.repr.get(key) ?? this.base?.property(key);
    }
    if (this.unknown) {
      const v = Value.unknown(this.def, this.secret);
      v.base = this.base?.property(key);
      return v;
    }
    return undefined;
  }

  containsUnknowns(): boolean {
    if (this.unknown) return true;
    if (Array.isArray(this.repr)) return this.repr.some((v) => v.containsUnknowns());
    if (this.repr instanceof Map) return this.keys().some((k) => this.property(k)!.containsUnknowns());
    return false;
  }

  containsSecrets(): boolean {
    if (this.secret) return true;
    if (Array.isArray(this.repr)) return this.repr.some((v) => v.containsSecrets());
    if (this.repr instanceof Map) return this.keys().some((k) => this.property(k)!.containsSecrets());
    return false;
  }

  /** Marks this value unknown or secret if any of the others contains unknowns or secrets. */
  combine(...others: Value[]): void {
    for (const o of others) {
      this.unknown = this.unknown || o.containsUnknowns();
      this.secret = this.secret || o.containsSecrets();
    }
  }

  /** Merges this value over a base. Mutates: callers copy first. */
  merge(base: Value | undefined): void {
    if (!base || base === this) return;
    if (this.base) this.base.merge(base);
    else this.base = base;
    if (this.repr instanceof Map) {
      for (const [k, p] of this.repr) p.merge(this.base.property(k));
    }
    this.mergedKeys = undefined;
    this.exported = undefined;
  }

  /**
   * The string form used by interpolation and fn::toString: scalars as text, null as "", arrays and
   * objects as quoted, comma-joined elements (`"k"="v"`), using only the value's own keys.
   */
  toStringForm(): { text: string; unknown: boolean; secret: boolean } {
    if (this.unknown) return { text: '[unknown]', unknown: true, secret: this.secret };
    let unknown = false;
    let secret = this.secret;
    let text = '';
    const r = this.repr;
    if (r === null) text = '';
    else if (typeof r === 'boolean') text = r ? 'true' : 'false';
    else if (r instanceof NumberValue) text = r.text;
    else if (typeof r === 'string') text = r;
    else if (Array.isArray(r)) {
      text = r
        .map((v) => {
          const s = v.toStringForm();
          unknown ||= s.unknown;
          secret ||= s.secret;
          return goQuote(s.text);
        })
        .join(',');
    } else {
      text = sortedGoKeys(r.keys())
        .map((k) => {
          const s = r.get(k)!.toStringForm();
          unknown ||= s.unknown;
          secret ||= s.secret;
          return `${goQuote(k)}=${goQuote(s.text)}`;
        })
        .join(',');
    }
    return { text, unknown, secret };
  }

  /** The merged, serialisable form of this value. Memoised: values are not changed after export. */
  export(): Exported {
    if (this.exported) return this.exported;
    let value: Exported['value'];
    const r = this.repr;
    if (Array.isArray(r)) value = r.map((v) => v.export());
    else if (r instanceof Map) {
      const o: Record<string, Exported> = {};
      for (const k of this.keys()) setOwn(o, k, this.property(k)!.export());
      value = o;
    } else value = r;
    this.exported = { value, secret: this.secret, unknown: this.unknown };
    return this.exported;
  }
}

/** The exported form of a value: plain data with per-node secret and unknown flags. */
export interface Exported {
  value: null | boolean | NumberValue | string | Exported[] | { [key: string]: Exported };
  secret: boolean;
  unknown: boolean;
}

/** Deep-copies a value graph (keeping shared nodes shared), so that merging the copy leaves the original intact. */
export function copyValue(v: Value, memo?: Map<Value, Value>): Value;
export function copyValue(v: Value | undefined, memo?: Map<Value, Value>): Value | undefined;
export function copyValue(v: Value | undefined, memo = new Map<Value, Value>()): Value | undefined {
  if (!v) return undefined;
  const seen = memo.get(v);
  if (seen) return seen;
  const c = new Value(v.def, null);
  memo.set(v, c);
  const r = v.repr;
  if (Array.isArray(r)) c.repr = r.map((e) => copyValue(e, memo)!);
  else if (r instanceof Map) c.repr = new Map([...r].map(([k, e]) => [k, copyValue(e, memo)!]));
  else c.repr = r;
  c.base = copyValue(v.base, memo);
  c.secret = v.secret;
  c.unknown = v.unknown;
  c.final = v.final;
  c.schema = v.schema;
  return c;
}

/** Builds a value from exported data (provider outputs, JSON); `secret` marks every node secret. */
export function valueFromExported(e: Exported, def: Definition, secret = false): Value {
  const v = new Value(def, null);
  v.secret = e.secret || secret;
  v.unknown = e.unknown;
  const r = e.value;
  if (Array.isArray(r)) v.repr = r.map((x) => valueFromExported(x, def, secret));
  else if (r !== null && typeof r === 'object' && !(r instanceof NumberValue)) {
    v.repr = new Map(Object.keys(r).sort(compareGoStrings).map((k) => [k, valueFromExported(r[k]!, def, secret)]));
  } else v.repr = r;
  return v;
}

/** Defines an own enumerable property, safe for keys such as "__proto__". */
export function setOwn<T>(o: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Wraps plain JSON-like data (numbers, strings, ...) as exported data with the given secrecy. */
export function exportedFromPlain(data: unknown, secret = false): Exported {
  if (data === null || data === undefined) return { value: null, secret, unknown: false };
  if (typeof data === 'boolean' || typeof data === 'string') return { value: data, secret, unknown: false };
  if (typeof data === 'number') return { value: NumberValue.of(data), secret, unknown: false };
  if (data instanceof NumberValue) return { value: data, secret, unknown: false };
  if (Array.isArray(data)) return { value: data.map((d) => exportedFromPlain(d, secret)), secret, unknown: false };
  const o: Record<string, Exported> = {};
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) setOwn(o, k, exportedFromPlain(v, secret));
  return { value: o, secret, unknown: false };
}

/** Converts exported data to plain JSON values, secrets in plaintext and unknowns as "[unknown]". */
export function exportedToPlain(e: Exported): unknown {
  if (e.unknown) return '[unknown]';
  const r = e.value;
  if (r instanceof NumberValue) return r.value;
  if (Array.isArray(r)) return r.map(exportedToPlain);
  if (r !== null && typeof r === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(r)) setOwn(o, k, exportedToPlain(r[k]!));
    return o;
  }
  return r;
}

/** Lists the paths of every secret node, containers included, as arrays of keys and indices. */
export function secretPaths(e: Exported, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (e.secret) out.push(path);
  const r = e.value;
  if (Array.isArray(r)) r.forEach((x, i) => secretPaths(x, [...path, i], out));
  else if (r !== null && typeof r === 'object' && !(r instanceof NumberValue)) {
    for (const k of Object.keys(r)) secretPaths(r[k]!, [...path, k], out);
  }
  return out;
}
