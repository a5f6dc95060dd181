// JSON text of evaluated values as esc-kube prints them: number text kept, secrets optionally shown as
// "[secret]", unknowns as "[unknown]"; pretty or compact.

import { NumberValue, type Exported } from './value.js';

/** The placeholder shown instead of a secret. */
export const REDACTED = '[secret]';

/** Indentation costs depth x 2 characters a line: past this much of it, the JSON is printed compact instead. */
export const MAX_INDENT_CHARS = 16 * 1024 * 1024;

/**
 * Pretty JSON (2-space indent) that keeps number text; secrets become "[secret]" when `redact`. A value
 * nested so deeply that indenting it would take more than {@link MAX_INDENT_CHARS} characters (the
 * indentation of deep nesting grows with the square of the depth) is printed compact.
 */
export function formatJson(e: Exported | undefined, redact = false): string {
  return renderJson(e, redact, '', indentCost(e) <= MAX_INDENT_CHARS);
}

/** The characters of indentation pretty-printing would take, counted no further than the limit. */
function indentCost(e: Exported | undefined): number {
  let cost = 0;
  const stack: [Exported, number][] = e ? [[e, 0]] : [];
  while (stack.length > 0 && cost <= MAX_INDENT_CHARS) {
    const [x, depth] = stack.pop()!;
    cost += depth * 2;
    const r = x.value;
    if (Array.isArray(r)) for (const c of r) stack.push([c, depth + 1]);
    else if (r !== null && typeof r === 'object' && !(r instanceof NumberValue)) for (const k of Object.keys(r)) stack.push([r[k]!, depth + 1]);
  }
  return cost;
}

function renderJson(e: Exported | undefined, redact: boolean, indent: string, pretty: boolean): string {
  if (!e) return 'null';
  if (redact && e.secret) return JSON.stringify(REDACTED);
  if (e.unknown) return JSON.stringify('[unknown]');
  const r = e.value;
  if (r === null) return 'null';
  if (typeof r === 'boolean') return String(r);
  if (r instanceof NumberValue) return Number.isFinite(r.value) ? r.text : JSON.stringify(r.text);
  if (typeof r === 'string') return JSON.stringify(r);
  const inner = pretty ? indent + '  ' : '';
  const nl = pretty ? '\n' : '';
  if (Array.isArray(r)) {
    if (r.length === 0) return '[]';
    return `[${nl}${r.map((x) => inner + renderJson(x, redact, inner, pretty)).join(`,${nl}`)}${nl}${indent}]`;
  }
  const keys = Object.keys(r);
  if (keys.length === 0) return '{}';
  return `{${nl}${keys.map((k) => `${inner}${JSON.stringify(k)}:${pretty ? ' ' : ''}${renderJson(r[k], redact, inner, pretty)}`).join(`,${nl}`)}${nl}${indent}}`;
}

/** Compact JSON (no whitespace), number text kept: a value written into one command-line argument. */
export function compactJson(e: Exported | undefined): string {
  return renderJson(e, false, '', false);
}
