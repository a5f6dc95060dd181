// Output formats for evaluated environments (`env open --format`, `env get`), and property paths.

import { stringify as yamlStringify } from 'yaml';
import { parseInterpolation, type Accessor } from './esc/ast.js';
import type { Diagnostic } from './esc/diagnostics.js';
import { scalarText, VARIABLE_NAME, type Projection } from './esc/projection.js';
import { EscKubeError } from './errors.js';
import { exportedToPlain, NumberValue, type Exported } from './esc/value.js';

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

/** YAML; secrets become "[secret]" when `redact`. */
export function formatYaml(e: Exported | undefined, redact = false): string {
  const plain = e ? exportedToPlain(redact ? redactExported(e) : e) : null;
  return yamlStringify(plain, { lineWidth: 0 });
}

/** Replaces every secret node with the "[secret]" placeholder. */
export function redactExported(e: Exported): Exported {
  if (e.secret) return { value: REDACTED, secret: true, unknown: false };
  const r = e.value;
  if (Array.isArray(r)) return { ...e, value: r.map(redactExported) };
  if (r !== null && typeof r === 'object' && !(r instanceof NumberValue)) {
    const o: Record<string, Exported> = {};
    for (const k of Object.keys(r)) Object.defineProperty(o, k, { value: redactExported(r[k]!), enumerable: true });
    return { ...e, value: o };
  }
  return e;
}

/**
 * `KEY=value` lines that godotenv (joho/godotenv, parser.go) reads back exactly and that a POSIX shell
 * can source without running anything, reading back the same bytes. Throws for a value no quoting can
 * carry both ways (see {@link dotenvQuote}).
 */
export function formatDotenv(p: Projection): string {
  return variables(p)
    .map(([k, v]) => `${k}=${dotenvQuote(k, v.value)}\n`)
    .join('');
}

// Inside double quotes a shell gives these four a meaning (and removes a backslash only before them);
// godotenv removes the backslash before any character but $, and turns \$ into $ when it expands.
const dotenvEscapes: Record<string, string> = { '\\': '\\\\', '"': '\\"', $: '\\$', '`': '\\`' };

/**
 * Quotes a value for dotenv. Single quotes where the value has none (and does not end in an odd
 * number of backslashes): godotenv and shells both take the text between them as it is. Otherwise
 * double quotes with \\, \", \$ and \` escaped, which both read back as written. Two things neither quoting carries: a CR LF pair (godotenv turns every CR LF
 * of the file into LF before parsing) and, in double quotes, a final " (godotenv trims quote characters
 * from the end of a double-quoted value, escaped or not).
 */
export function dotenvQuote(name: string, s: string): string {
  if (s.includes('\r\n')) throw unrepresentable(name, 'a CR LF pair (godotenv reads it as LF)');
  // godotenv takes a quote after an odd number of backslashes for an escaped one, even in single quotes.
  const trailingBackslashes = s.length - s.replace(/\\+$/, '').length;
  if (!s.includes("'") && trailingBackslashes % 2 === 0) return `'${s}'`;
  if (s.endsWith('"')) throw unrepresentable(name, "both ' and a final \" (godotenv trims the quote)");
  return '"' + s.replace(/[\\"$`]/g, (c) => dotenvEscapes[c]!) + '"';
}

function unrepresentable(name: string, what: string): EscKubeError {
  return new EscKubeError('format', `the value of ${name} cannot be written as dotenv exactly: it has ${what}; use --format shell or json`);
}

/** `export KEY='value'` lines for POSIX shells (sh, dash, bash, zsh): sourcing them runs nothing. */
export function formatShell(p: Projection): string {
  return variables(p)
    .map(([k, v]) => `export ${k}=${shellQuote(v.value)}\n`)
    .join('');
}

/** The variables to print; a name that is not a variable name never gets here (openEnvironment reports it). */
function variables(p: Projection): [string, { value: string }][] {
  const entries = Object.entries(p.environmentVariables);
  for (const [k, v] of entries) {
    if (!VARIABLE_NAME.test(k)) throw new EscKubeError('internal', 'internal error: an invalid variable name reached the output');
    if (v.value.includes('\0')) throw new EscKubeError('format', `the value of ${k} has a NUL character, which no environment variable can hold`);
  }
  return entries;
}

/** Quotes a string for a POSIX shell. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The text of a value for `--format string`: scalars as text, anything else as JSON. */
export function formatString(e: Exported | undefined): string {
  if (!e) return '';
  return scalarText(e) ?? formatJson(e);
}

/** Parses a property path such as `aws.login["key"][0]`; returns the accessors or an error message. */
export function parsePath(path: string): { accessors: Accessor[] } | { error: string } {
  const diags: Diagnostic[] = [];
  const node = {
    kind: 'string' as const,
    value: '${' + path + '}',
    path: '',
    range: { env: '<path>', start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } },
  };
  const parts = parseInterpolation(node, '<path>', diags);
  if (diags.length > 0 || parts.length !== 1 || !parts[0]!.access || parts[0]!.text !== '') {
    return { error: `invalid property path ${JSON.stringify(path)}: ${diags[0]?.summary ?? 'expected a path such as a.b["c"][0]'}` };
  }
  return { accessors: parts[0]!.access };
}

/** Follows accessors through exported data; undefined when the path does not exist. */
export function selectPath(e: Exported | undefined, accessors: readonly Accessor[]): Exported | undefined {
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
