// JSON Schema as pulumi/esc v0.25 understands it (schema/schema.go, eval/eval_validate.go), ported branch
// by branch with upstream's messages: fn::validate, builtin argument types and provider inputs and
// outputs all go through it. Failures are reported at the offending value's own definition.

import { RE2JS } from 're2js';
import { marshalGoJson } from './json.js';
import { NumberValue, Value, type Exported } from './value.js';

/** A schema as written: JSON data (numbers as JavaScript numbers or as ESC number text). */
export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

/** A compiled schema (upstream's schema.Schema after Compile). */
export interface Schema {
  always?: boolean;
  never?: boolean;
  defs?: Record<string, Schema>;
  /** `$ref` as written, and the subschema it names once compiled. */
  $ref?: string;
  ref?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  prefixItems?: Schema[];
  items?: Schema;
  additionalProperties?: Schema;
  properties?: Record<string, Schema>;
  type?: string;
  const?: { value: unknown };
  enum?: unknown[];
  multipleOf?: string;
  maximum?: string;
  exclusiveMaximum?: string;
  minimum?: string;
  exclusiveMinimum?: string;
  maxLength?: string;
  minLength?: string;
  pattern?: string;
  maxItems?: string;
  minItems?: string;
  maxProperties?: string;
  minProperties?: string;
  required?: string[];
  dependentRequired?: Record<string, string[]>;
  /** An ESC extension: values of this schema are secret (provider outputs). */
  secret?: boolean;
}

/** The schema that accepts anything (schema.Always). */
export const ALWAYS: Schema = { always: true };
/** The schema that accepts nothing (schema.Never). */
export const NEVER: Schema = { never: true };

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

/** Thrown by {@link compileSchema} with upstream's Compile error text. */
export class SchemaError extends Error {}

const compiled = new WeakMap<object, Schema>();

/**
 * Decodes and compiles a schema (json.Unmarshal into schema.Schema, then Compile): `$ref`s of the form
 * `#/$defs/name` are resolved, numeric keywords parsed and patterns compiled. Throws SchemaError.
 */
export function compileSchema(json: JsonSchema): Schema {
  if (typeof json === 'object' && json !== null) {
    const known = compiled.get(json);
    if (known) return known;
  }
  const root = decode(json);
  link(root, root, new Set());
  if (typeof json === 'object' && json !== null) compiled.set(json, root);
  return root;
}

function numberText(v: unknown): string | undefined {
  if (v instanceof NumberValue) return v.text;
  if (typeof v === 'number') return NumberValue.of(v).text;
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof NumberValue);
}

function decode(json: unknown): Schema {
  if (json === true) return { always: true };
  if (json === false) return { never: true };
  const s: Schema = {};
  if (!isRecord(json)) return s;
  const sub = (v: unknown) => decode(v);
  const subs = (v: unknown) => (Array.isArray(v) ? v.map(sub) : undefined);
  const map = (v: unknown) => (isRecord(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sub(x)])) : undefined);
  if (isRecord(json.$defs)) s.defs = map(json.$defs);
  if (typeof json.$ref === 'string' && json.$ref !== '') s.$ref = json.$ref;
  if (Array.isArray(json.anyOf) && json.anyOf.length > 0) s.anyOf = subs(json.anyOf);
  if (Array.isArray(json.oneOf) && json.oneOf.length > 0) s.oneOf = subs(json.oneOf);
  if (Array.isArray(json.prefixItems) && json.prefixItems.length > 0) s.prefixItems = subs(json.prefixItems);
  if (json.items !== undefined && json.items !== null) s.items = sub(json.items);
  if (json.additionalProperties !== undefined && json.additionalProperties !== null) s.additionalProperties = sub(json.additionalProperties);
  if (isRecord(json.properties)) s.properties = map(json.properties);
  if (typeof json.type === 'string') s.type = json.type;
  // `const: null` is "no const" to upstream (omitempty into an `any`).
  if (json.const !== undefined && json.const !== null) s.const = { value: json.const };
  if (Array.isArray(json.enum) && json.enum.length > 0) s.enum = json.enum;
  for (const k of ['multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'maxItems', 'minItems', 'maxProperties', 'minProperties'] as const) {
    const t = numberText(json[k]);
    if (t !== undefined) s[k] = t;
  }
  if (typeof json.pattern === 'string' && json.pattern !== '') s.pattern = json.pattern;
  if (Array.isArray(json.required)) s.required = json.required.filter((r): r is string => typeof r === 'string');
  if (isRecord(json.dependentRequired)) {
    s.dependentRequired = Object.fromEntries(Object.entries(json.dependentRequired).map(([k, v]) => [k, Array.isArray(v) ? v.filter((r): r is string => typeof r === 'string') : []]));
  }
  if (json.secret === true) s.secret = true;
  return s;
}

/** Resolves references and checks the numeric keywords and patterns (schema.compile). */
function link(s: Schema | undefined, root: Schema, seen: Set<Schema>): void {
  if (!s || seen.has(s)) return;
  seen.add(s);
  const ref = s.$ref;
  if (ref !== undefined) {
    const name = ref.startsWith('#/$defs/') ? ref.slice('#/$defs/'.length) : undefined;
    if (name === undefined || name.includes('/')) throw new SchemaError('only fragment references of the form #/$defs/ref are supported');
    let unescaped: string;
    try {
      unescaped = decodeURIComponent(name);
    } catch {
      throw new SchemaError(`invalid URL escape ${JSON.stringify(name)}`);
    }
    const target = root.defs && Object.hasOwn(root.defs, unescaped) ? root.defs[unescaped] : undefined;
    if (!target) throw new SchemaError(`unknown subschema ${ref}`);
    s.ref = target;
    link(target, root, seen);
  }
  for (const x of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.prefixItems ?? []), s.items, s.additionalProperties, ...Object.values(s.properties ?? {})]) link(x, root, seen);
  for (const k of ['maxLength', 'minLength', 'maxItems', 'minItems', 'maxProperties', 'minProperties'] as const) {
    const t = s[k];
    // strconv.ParseUint(n, 10, 0)
    if (t !== undefined && !/^[0-9]+$/.test(t)) throw new SchemaError(`strconv.ParseUint: parsing ${JSON.stringify(t)}: invalid syntax`);
  }
  if (s.pattern !== undefined) {
    const re = compilePattern(s.pattern);
    if (typeof re === 'string') throw new SchemaError(re);
  }
}

/** The JSON type name of a known value, as upstream's validator names it. */
export function typeName(v: Value): string {
  const r = v.repr;
  if (r === null) return 'null';
  if (typeof r === 'boolean') return 'boolean';
  if (r instanceof NumberValue) return 'number';
  if (typeof r === 'string') return 'string';
  if (Array.isArray(r)) return 'array';
  return 'object';
}

/** The schema of property `name` of values of schema `s` (schema.Property). */
export function propertySchema(s: Schema, name: string): Schema {
  const oneOf = [...(s.anyOf ?? []).map((x) => propertySchema(x, name)), ...(s.oneOf ?? []).map((x) => propertySchema(x, name))];
  let own: Schema | undefined = NEVER;
  if (s.type === 'object') own = s.properties && Object.hasOwn(s.properties, name) ? s.properties[name] : s.additionalProperties;
  oneOf.push(own ?? NEVER);
  return union(oneOf);
}

/** The schema of element `index` of values of schema `s` (schema.Item). */
export function itemSchema(s: Schema, index: number): Schema {
  const oneOf = [...(s.anyOf ?? []).map((x) => itemSchema(x, index)), ...(s.oneOf ?? []).map((x) => itemSchema(x, index))];
  let own: Schema | undefined = NEVER;
  if (s.type === 'array') own = s.prefixItems && index < s.prefixItems.length ? s.prefixItems[index] : s.items;
  oneOf.push(own ?? NEVER);
  return union(oneOf);
}

function union(oneOf: Schema[]): Schema {
  const kept = oneOf.filter((s) => !s.never);
  if (kept.length === 0) return NEVER;
  if (kept.length === 1) return kept[0]!;
  return { oneOf: kept };
}

/** Receives each validation failure with the value it concerns. */
export type ValidationReporter = (value: Value, message: string) => void;

/** Options of {@link validateValue}. */
export interface ValidateOptions {
  /**
   * An esc-kube addition for provider inputs: a property that `additionalProperties: false` rejects is
   * reported as `unknown property "k"` (upstream fails such a value without a word).
   */
  explainUnknownProperties?: (value: Value, key: string, known: string[]) => void;
}

/** Validates a value against a schema (upstream's validateElement), reporting each failure. */
export function validateValue(v: Value, accept: Schema, report: ValidationReporter, options: ValidateOptions = {}): boolean {
  return new Validator(report, options).element(v, accept);
}

/** The JSON text of a constant as upstream prints it (jsonRepr: Go's json.Marshal). */
function jsonRepr(c: unknown): string {
  return marshalGoJson(toExported(c));
}

function toExported(c: unknown): Exported {
  const e = (value: Exported['value']): Exported => ({ value, secret: false, unknown: false });
  if (c === null || c === undefined) return e(null);
  if (typeof c === 'boolean' || typeof c === 'string' || c instanceof NumberValue) return e(c);
  if (typeof c === 'number') return e(NumberValue.of(c));
  if (Array.isArray(c)) return e(c.map(toExported));
  const o: Record<string, Exported> = {};
  for (const [k, v] of Object.entries(c as Record<string, unknown>)) o[k] = toExported(v);
  return e(o);
}

function numberOf(t: string): number {
  return Number(t);
}

class Validator {
  constructor(
    private readonly report: ValidationReporter,
    private readonly options: ValidateOptions,
  ) {}

  private fail(v: Value, message: string): false {
    this.report(v, message);
    return false;
  }

  /** Runs `f` on a validator that collects its reports, so that a failing alternative can be reported whole. */
  private trial(f: (sub: Validator) => boolean): { ok: boolean; reports: [Value, string][] } {
    const reports: [Value, string][] = [];
    const sub = new Validator((v, m) => reports.push([v, m]), this.options);
    return { ok: f(sub), reports };
  }

  element(v: Value, accept: Schema): boolean {
    if (accept.always) return true;
    if (accept.never) return false;
    if (v.unknown) return this.schemaType(v.schema ?? ALWAYS, accept, v);
    const rok = !accept.ref || this.element(v, accept.ref);
    const aok = this.atLeastOne(accept.anyOf, (s) => (sub) => sub.element(v, s), v);
    const ook = this.oneOf(v, accept);
    const cok = accept.const === undefined || equalsConst(v, accept.const.value) || this.fail(v, `expected ${jsonRepr(accept.const.value)}`);
    const eok = this.enumOk(v, accept);
    const tok = this.type(v, accept);
    return rok && aok && ook && cok && eok && tok;
  }

  private oneOf(v: Value, accept: Schema): boolean {
    if (!accept.oneOf) return true;
    let matched = false;
    const all: [Value, string][] = [];
    for (const s of accept.oneOf) {
      const t = this.trial((sub) => sub.element(v, s));
      if (t.ok) {
        if (matched) return this.fail(v, 'exactly one subschema may match');
        matched = true;
      }
      all.push(...t.reports);
    }
    if (matched) return true;
    for (const [x, m] of all) this.report(x, m);
    return this.fail(v, 'exactly one subschema must match');
  }

  private enumOk(v: Value, accept: Schema): boolean {
    if (!accept.enum) return true;
    if (accept.enum.some((c) => equalsConst(v, c))) return true;
    if (accept.enum.length === 1) return this.fail(v, `expected ${jsonRepr(accept.enum[0])}`);
    return this.fail(v, `expected one of ${jsonRepr(accept.enum)}`);
  }

  private checkType(v: Value, actual: string, accept: Schema): boolean {
    if (accept.type !== undefined && accept.type !== '' && actual !== accept.type) return this.fail(v, `expected ${accept.type}, got ${actual}`);
    return true;
  }

  private type(v: Value, accept: Schema): boolean {
    const actual = typeName(v);
    if (!this.checkType(v, actual, accept)) return false;
    const r = v.repr;
    if (r instanceof NumberValue) return this.number(v, r, accept);
    if (typeof r === 'string') return this.string(v, r, accept);
    if (Array.isArray(r)) return this.array(r, v, accept);
    if (r instanceof Map) return this.object(v, accept);
    return true;
  }

  private number(v: Value, n: NumberValue, accept: Schema): boolean {
    let ok = true;
    const x = n.value;
    if (accept.multipleOf !== undefined && !Number.isInteger(x / numberOf(accept.multipleOf))) ok = this.fail(v, `expected a multiple of ${accept.multipleOf}`);
    if (accept.minimum !== undefined && x < numberOf(accept.minimum)) ok = this.fail(v, `expected a number greater than or equal to ${accept.minimum}`);
    if (accept.exclusiveMinimum !== undefined && x <= numberOf(accept.exclusiveMinimum)) ok = this.fail(v, `expected a number greater than ${accept.exclusiveMinimum}`);
    // Upstream's text has no space before the number here.
    if (accept.maximum !== undefined && x > numberOf(accept.maximum)) ok = this.fail(v, `expected a number less than or equal to${accept.maximum}`);
    if (accept.exclusiveMaximum !== undefined && x >= numberOf(accept.exclusiveMaximum)) ok = this.fail(v, `expected a number less than ${accept.exclusiveMaximum}`);
    return ok;
  }

  private string(v: Value, s: string, accept: Schema): boolean {
    let ok = true;
    // Go's len(): bytes, not characters.
    const len = Buffer.byteLength(s, 'utf8');
    if (accept.minLength !== undefined && len < numberOf(accept.minLength)) ok = this.fail(v, `expected a string of at least length ${accept.minLength}`);
    if (accept.maxLength !== undefined && len > numberOf(accept.maxLength)) ok = this.fail(v, `expected a string of at most length ${accept.maxLength}`);
    if (accept.pattern !== undefined) {
      const re = compilePattern(accept.pattern);
      if (typeof re !== 'string' && !re.matcher(s).find()) ok = this.fail(v, `string must match the pattern ${goQuoteString(accept.pattern)}`);
    }
    return ok;
  }

  private array(elements: Value[], v: Value, accept: Schema): boolean {
    let ok = true;
    if (accept.minItems !== undefined && elements.length < numberOf(accept.minItems)) ok = this.fail(v, `expected an array with at least ${accept.minItems} items`);
    if (accept.maxItems !== undefined && elements.length > numberOf(accept.maxItems)) ok = this.fail(v, `expected an array with at most ${accept.maxItems} items`);
    elements.forEach((e, i) => {
      const s = accept.prefixItems && i < accept.prefixItems.length ? accept.prefixItems[i] : accept.items;
      if (!this.element(e, s ?? ALWAYS)) ok = false;
    });
    return ok;
  }

  private object(v: Value, accept: Schema): boolean {
    const keys = v.keys();
    let ok = true;
    if (accept.minProperties !== undefined && keys.length < numberOf(accept.minProperties)) ok = this.fail(v, `expected an object with at least ${accept.minProperties} properties`);
    if (accept.maxProperties !== undefined && keys.length > numberOf(accept.maxProperties)) ok = this.fail(v, `expected an object with at most ${accept.maxProperties} properties`);
    const known = Object.keys(accept.properties ?? {});
    for (const k of keys) {
      const child = v.property(k)!;
      const s = accept.properties && Object.hasOwn(accept.properties, k) ? accept.properties[k]! : (accept.additionalProperties ?? ALWAYS);
      if (!this.element(child, s)) {
        ok = false;
        if (s.never) this.options.explainUnknownProperties?.(child, k, known);
      }
    }
    const missing = (accept.required ?? []).filter((k) => !keys.includes(k));
    for (const [k, required] of Object.entries(accept.dependentRequired ?? {})) {
      if (keys.includes(k)) missing.push(...required.filter((r) => !keys.includes(r)));
    }
    if (missing.length > 0) ok = this.fail(v, `missing required properties: ${missing.join(', ')}`);
    return ok;
  }

  /** Whether schema `accept` admits every value of schema `x` (validateSchemaType), for unknown values. */
  schemaType(x: Schema, accept: Schema, at: Value): boolean {
    if (accept.always) return true;
    if (accept.never) return false;
    if (x.always) return true;
    if (x.never) return false;
    const refOK = !accept.ref || this.schemaType(x, accept.ref, at);
    const xRefOK = !x.ref || this.schemaType(x.ref, accept, at);
    const xAnyOfOK = this.atLeastOne(x.anyOf, (xs) => (sub) => sub.schemaType(xs, accept, at), at);
    const xOneOfOK = this.atLeastOne(x.oneOf, (xs) => (sub) => sub.schemaType(xs, accept, at), at);
    const typeOK = x.type === undefined || x.type === '' || this.checkType(at, x.type, accept);
    const anyOfOK = this.atLeastOne(accept.anyOf, (as) => (sub) => sub.schemaType(x, as, at), at);
    const oneOfOK = this.atLeastOne(accept.oneOf, (as) => (sub) => sub.schemaType(x, as, at), at);
    let complexOK = true;
    if (x.type === 'array') complexOK = this.schemaArray(x, accept, at);
    if (x.type === 'object') complexOK = this.schemaObject(x, accept, at);
    return refOK && xRefOK && xAnyOfOK && xOneOfOK && typeOK && anyOfOK && oneOfOK && complexOK;
  }

  /** anyOf (of values and of schemas): when no alternative passes, every alternative's failures, then the summary. */
  private atLeastOne(subs: Schema[] | undefined, check: (s: Schema) => (sub: Validator) => boolean, at: Value): boolean {
    if (!subs) return true;
    let matched = false;
    const all: [Value, string][] = [];
    for (const s of subs) {
      const t = this.trial(check(s));
      if (t.ok) matched = true;
      all.push(...t.reports);
    }
    if (matched) return true;
    for (const [x, m] of all) this.report(x, m);
    return this.fail(at, 'at least one subschema must match');
  }

  private schemaArray(x: Schema, accept: Schema, at: Value): boolean {
    let ok = true;
    const xp = x.prefixItems ?? [];
    const ap = accept.prefixItems ?? [];
    const n = Math.min(xp.length, ap.length);
    for (let i = 0; i < n; i++) ok = this.schemaType(xp[i]!, ap[i]!, at) && ok;
    for (let i = n; i < xp.length; i++) ok = this.schemaType(xp[i]!, accept.items ?? ALWAYS, at) && ok;
    for (let i = n; i < ap.length; i++) ok = this.schemaType(x.items ?? ALWAYS, ap[i]!, at) && ok;
    if (x.items && !x.items.never) ok = this.schemaType(x.items, accept.items ?? ALWAYS, at) && ok;
    return ok;
  }

  private schemaObject(x: Schema, accept: Schema, at: Value): boolean {
    let ok = true;
    for (const [name, px] of Object.entries(x.properties ?? {})) {
      const pa = accept.properties && Object.hasOwn(accept.properties, name) ? accept.properties[name]! : (accept.additionalProperties ?? ALWAYS);
      ok = this.schemaType(px, pa, at) && ok;
    }
    if (!x.additionalProperties) {
      const xreq = new Set(x.required ?? []);
      const checkRequired = (names: string[]) => {
        let fine = true;
        for (const name of names) {
          if (!xreq.has(name)) fine = this.fail(at, `${name}: missing required property`);
        }
        return fine;
      };
      ok = checkRequired(accept.required ?? []) && ok;
      for (const [name, req] of Object.entries(accept.dependentRequired ?? {})) if (xreq.has(name)) ok = checkRequired(req) && ok;
    } else if (!x.additionalProperties.never) {
      ok = this.schemaType(x.additionalProperties, accept.additionalProperties ?? ALWAYS, at) && ok;
    }
    return ok;
  }
}

/** Go's %q of a string (strconv.Quote), for the printable ASCII and common escapes. */
function goQuoteString(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, '\\x$1');
}

/** Whether a known value equals a JSON constant (equalsConst; numbers compare by their text, as json.Number does). */
function equalsConst(v: Value, c: unknown): boolean {
  const r = v.repr;
  if (c === null) return r === null;
  if (typeof c === 'boolean' || typeof c === 'string') return r === c;
  if (c instanceof NumberValue || typeof c === 'number') return r instanceof NumberValue && r.text === numberText(c);
  if (Array.isArray(c)) return Array.isArray(r) && r.length === c.length && c.every((x, i) => equalsConst(r[i]!, x));
  if (isRecord(c)) {
    if (!(r instanceof Map)) return false;
    const keys = Object.keys(c);
    return r.size === keys.length && keys.every((k) => r.has(k) && equalsConst(r.get(k)!, c[k]));
  }
  return false;
}

/** upstream's JSONSchemaSchema: what a `fn::validate` schema must look like. */
export const JSON_SCHEMA_SCHEMA: Schema = (() => {
  const ref = { $ref: '#/$defs/schema' };
  const num = { type: 'number' };
  const str = { type: 'string' };
  return compileSchema({
    $defs: {
      schema: {
        anyOf: [
          { type: 'boolean' },
          {
            type: 'object',
            properties: {
              $defs: { type: 'object', additionalProperties: ref },
              $ref: str,
              anyOf: { type: 'array', items: ref },
              oneOf: { type: 'array', items: ref },
              prefixItems: { type: 'array', items: ref },
              items: ref,
              additionalProperties: ref,
              properties: { type: 'object', additionalProperties: ref },
              type: { type: 'string', enum: ['string', 'number', 'boolean', 'array', 'object', 'null'] },
              const: {},
              enum: { type: 'array' },
              multipleOf: num,
              maximum: num,
              exclusiveMaximum: num,
              minimum: num,
              exclusiveMinimum: num,
              maxLength: num,
              minLength: num,
              pattern: str,
              maxItems: num,
              minItems: num,
              uniqueItems: { type: 'boolean' },
              maxProperties: num,
              minProperties: num,
              required: { type: 'array', items: str },
              dependentRequired: { type: 'object', additionalProperties: { type: 'array', items: str } },
              title: str,
              description: str,
              default: {},
              deprecated: { type: 'boolean' },
              examples: { type: 'array' },
            },
          },
        ],
      },
    },
    $ref: '#/$defs/schema',
  });
})();
