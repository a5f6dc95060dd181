// A JSON Schema subset for fn::validate and for builtin argument types. Failures are reported at the
// offending value's own definition ("expected string, got number"), as pulumi/esc reports them.

import { Value, NumberValue } from './value.js';
import { suggest } from './suggest.js';
import { RE2JS } from 're2js';

const patterns = new Map<string, RE2JS | string>();

/**
 * Compiles a `pattern` as Go's regexp package does (RE2 syntax, such as `(?i)`, and matching in
 * linear time: no pattern can hang evaluation, as a backtracking JavaScript RegExp can); a pattern
 * that does not compile gives Go's error text.
 */
export function compilePattern(pattern: string): RE2JS | string {
  let re = patterns.get(pattern);
  if (re === undefined) {
    try {
      re = RE2JS.compile(pattern);
    } catch (e) {
      re = (e as Error).message;
    }
    patterns.set(pattern, re);
  }
  return re;
}

/** A JSON Schema document (the subset: type, const, enum, properties, required, items, ...). */
export type Schema = boolean | { [keyword: string]: unknown };

/** Receives each validation failure with the value it concerns. */
export type ValidationReporter = (value: Value, message: string) => void;

/** The JSON type name of a known value, as Go's ESC schema names it. */
export function typeName(v: Value): string {
  const r = v.repr;
  if (r === null) return 'null';
  if (typeof r === 'boolean') return 'boolean';
  if (r instanceof NumberValue) return 'number';
  if (typeof r === 'string') return 'string';
  if (Array.isArray(r)) return 'array';
  return 'object';
}

/** Validates a value against a schema, reporting every failure; unknown values always pass. */
export function validateValue(v: Value, schema: Schema, report: ValidationReporter): boolean {
  if (v.unknown || schema === true) return true;
  if (schema === false) {
    report(v, 'no value is allowed here');
    return false;
  }
  const s = schema;
  const actual = typeName(v);
  const r = v.repr;
  let ok = true;
  const fail = (msg: string) => {
    report(v, msg);
    ok = false;
  };

  if (s.type !== undefined) {
    const types = (Array.isArray(s.type) ? s.type : [s.type]) as string[];
    const matches = types.some((t) => t === actual || (t === 'integer' && r instanceof NumberValue && Number.isInteger(r.value)));
    if (!matches) {
      report(v, `expected ${types.join(' or ')}, got ${actual}`);
      return false;
    }
  }
  if ('const' in s && !deepEqualPlain(plain(v), s.const)) fail(`expected ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.enum) && !s.enum.some((e) => deepEqualPlain(plain(v), e))) {
    fail(`expected one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  }
  if (typeof r === 'string') {
    const len = [...r].length;
    if (typeof s.minLength === 'number' && len < s.minLength) fail(`expected a string of at least ${s.minLength} characters`);
    if (typeof s.maxLength === 'number' && len > s.maxLength) fail(`expected a string of at most ${s.maxLength} characters`);
    if (typeof s.pattern === 'string') {
      const re = compilePattern(s.pattern);
      if (typeof re === 'string') fail(`invalid pattern ${JSON.stringify(s.pattern)}: ${re}`);
      else if (!re.matcher(r).find()) fail(`expected a string matching ${JSON.stringify(s.pattern)}`);
    }
  }
  if (r instanceof NumberValue) {
    const n = r.value;
    if (typeof s.minimum === 'number' && n < s.minimum) fail(`expected a number >= ${s.minimum}`);
    if (typeof s.maximum === 'number' && n > s.maximum) fail(`expected a number <= ${s.maximum}`);
    if (typeof s.exclusiveMinimum === 'number' && n <= s.exclusiveMinimum) fail(`expected a number > ${s.exclusiveMinimum}`);
    if (typeof s.exclusiveMaximum === 'number' && n >= s.exclusiveMaximum) fail(`expected a number < ${s.exclusiveMaximum}`);
    if (typeof s.multipleOf === 'number' && s.multipleOf > 0 && !Number.isInteger(n / s.multipleOf)) fail(`expected a multiple of ${s.multipleOf}`);
  }
  if (Array.isArray(r)) {
    if (typeof s.minItems === 'number' && r.length < s.minItems) fail(`expected at least ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && r.length > s.maxItems) fail(`expected at most ${s.maxItems} items`);
    const prefix = Array.isArray(s.prefixItems) ? (s.prefixItems as Schema[]) : [];
    r.forEach((el, i) => {
      const itemSchema = i < prefix.length ? prefix[i] : (s.items as Schema | undefined);
      if (itemSchema !== undefined && !validateValue(el, itemSchema, report)) ok = false;
    });
  }
  if (r instanceof Map) {
    const keys = v.keys();
    if (Array.isArray(s.required)) {
      const missing = (s.required as string[]).filter((k) => !keys.includes(k));
      if (missing.length > 0) fail(`missing required properties: ${missing.join(', ')}`);
    }
    if (typeof s.minProperties === 'number' && keys.length < s.minProperties) fail(`expected at least ${s.minProperties} properties`);
    if (typeof s.maxProperties === 'number' && keys.length > s.maxProperties) fail(`expected at most ${s.maxProperties} properties`);
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const k of keys) {
      const child = v.property(k)!;
      if (Object.hasOwn(props, k)) {
        if (!validateValue(child, props[k]!, report)) ok = false;
      } else if (s.additionalProperties === false) {
        const hint = suggest(k, Object.keys(props));
        report(child, `unknown property ${JSON.stringify(k)}${hint ? `; did you mean ${JSON.stringify(hint)}?` : ''}`);
        ok = false;
      } else if (s.additionalProperties !== undefined && s.additionalProperties !== true) {
        if (!validateValue(child, s.additionalProperties as Schema, report)) ok = false;
      }
    }
  }
  if (Array.isArray(s.allOf)) for (const sub of s.allOf as Schema[]) if (!validateValue(v, sub, report)) ok = false;
  for (const kw of ['anyOf', 'oneOf'] as const) {
    const subs = s[kw];
    if (!Array.isArray(subs)) continue;
    const passing = (subs as Schema[]).filter((sub) => validateValue(v, sub, () => {})).length;
    if (kw === 'anyOf' ? passing === 0 : passing !== 1) fail(`expected a value matching ${kw === 'anyOf' ? 'any' : 'exactly one'} of ${subs.length} schemas`);
  }
  if (s.not !== undefined && validateValue(v, s.not as Schema, () => {})) fail('value matches a schema it must not match');
  return ok;
}

function plain(v: Value): unknown {
  const r = v.repr;
  if (r instanceof NumberValue) return r.value;
  if (Array.isArray(r)) return r.map(plain);
  if (r instanceof Map) return Object.fromEntries(v.keys().map((k) => [k, plain(v.property(k)!)]));
  return r;
}

function deepEqualPlain(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => deepEqualPlain((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
