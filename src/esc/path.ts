// Property paths over evaluated values (`aws.login["key"][0]`): what `env open PATH`, `--credentials`,
// `--from` and `${...}` in `env run` arguments name.

import { parseTemplate, type Accessor } from './ast.js';
import { NumberValue, type Exported } from './value.js';

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
