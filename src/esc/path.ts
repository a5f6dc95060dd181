// Property paths over evaluated values (`aws.login["key"][0]`): what `env open PATH`, `--credentials`,
// `--from` and `${...}` in `env run` arguments name.

import { parseTemplate, type Accessor } from './ast.js';
import { NumberValue, type Exported, type Value } from './value.js';
import { ALWAYS, itemSchema, propertySchema } from './schema.js';

/** Parses a property path; returns its accessors or an error message. */
export function parsePath(path: string): { accessors: Accessor[] } | { error: string } {
  const { parts, diagnostics } = parseTemplate('${' + path + '}', '<path>');
  if (diagnostics.length > 0 || parts.length !== 1 || !parts[0]!.access || parts[0]!.text !== '') {
    return { error: `invalid property path ${JSON.stringify(path)}: ${diagnostics[0]?.summary ?? 'expected a path such as a.b["c"][0]'}` };
  }
  return { accessors: parts[0]!.access };
}

/** The value at a path (accessors) of exported data; undefined when the path does not exist. */
export function valueAt(e: Exported | undefined, accessors: readonly Accessor[]): Exported | undefined {
  let cur = e;
  for (const a of accessors) {
    const r = cur?.value;
    if (!cur || r === null || typeof r !== 'object' || r instanceof NumberValue) return undefined;
    if (Array.isArray(r)) {
      if (a.kind !== 'subscript' || typeof a.index !== 'number') return undefined;
      cur = r[a.index];
    } else {
      const key = a.kind === 'name' ? a.name : String(a.index);
      cur = Object.hasOwn(r, key) ? r[key] : undefined;
    }
  }
  return cur;
}

/**
 * The value at a path that runs into an unknown value (check mode: a provider's result), followed
 * through the unknown's schema as `${...}` would be: unknown, and secret where the schema says so.
 * Undefined when the path leaves the known part where the schema does not go.
 */
export function typedUnknownAt(v: Value | undefined, accessors: readonly Accessor[]): Exported | undefined {
  let cur = v;
  let rest = accessors;
  while (cur && !cur.unknown && rest.length > 0) {
    const a = rest[0]!;
    const r = cur.repr;
    if (Array.isArray(r)) cur = a.kind === 'subscript' && typeof a.index === 'number' ? r[a.index] : undefined;
    else if (r instanceof Map) cur = cur.property(a.kind === 'name' ? a.name : String(a.index));
    else cur = undefined;
    rest = rest.slice(1);
  }
  if (!cur?.unknown) return undefined;
  let s = cur.schema ?? ALWAYS;
  let secret = cur.secret;
  for (const a of rest) {
    if (s.always) break;
    if (s.type === 'array' && a.kind === 'subscript' && typeof a.index === 'number' && a.index >= 0) s = itemSchema(s, a.index);
    else if (s.type === 'object') s = propertySchema(s, a.kind === 'name' ? a.name : String(a.index));
    else return undefined;
    if (s.never) return undefined;
    secret ||= s.secret === true;
  }
  return { value: null, secret, unknown: true };
}
