// Output formats for evaluated environments (`env open --format`, `env get`).

import { stringify as yamlStringify } from 'yaml';
import { scalarText, VARIABLE_NAME, type Projection } from './esc/projection.js';
import { EscKubeError } from './errors.js';
import { exportedToPlain, NumberValue, type Exported } from './esc/value.js';
import { formatJson, REDACTED } from './esc/render-json.js';

export { formatJson, REDACTED } from './esc/render-json.js';

/** YAML; secrets become "[secret]" when `redact`. */
export function formatYaml(e: Exported | undefined, redact = false): string {
  const plain = e ? exportedToPlain(redact ? redactExported(e) : e) : null;
  return yamlStringify(plain, { lineWidth: 0 });
}

/** Replaces every secret node with the "[secret]" placeholder. */
function redactExported(e: Exported): Exported {
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
