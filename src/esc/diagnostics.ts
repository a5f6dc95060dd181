// Diagnostics: document mistakes found while loading or evaluating an environment. They carry the
// environment, the position and the document path, and evaluation keeps going after one so that a
// user sees all of them at once (as pulumi/esc does).

import { defined } from '../defined.js';

/** A stable class for each kind of diagnostic; tests assert on these, not on wording. */
export type DiagnosticCode =
  | 'yaml'
  | 'syntax'
  | 'reference'
  | 'cycle'
  | 'import'
  | 'type'
  | 'builtin'
  | 'provider'
  | 'reserved-key'
  | 'duplicate-key'
  | 'final'
  | 'name'
  | 'limit'
  | 'depth'
  | 'internal';

/** A position in a document: 1-based line and column, 0-based offset. */
export interface Position {
  line: number;
  column: number;
  offset: number;
}

/** Where a diagnostic or a node sits: the environment, its file, and the start and end positions. */
export interface SourceRange {
  env: string;
  file?: string;
  start: Position;
  end: Position;
}

/** One finding about an environment definition. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  code: DiagnosticCode;
  summary: string;
  /** The environment the finding belongs to. */
  env: string;
  range?: SourceRange;
  /** The document path, e.g. `values.aws.region`. */
  path?: string;
  /** A finer code for provider failures (`aws-login.no-oidc-token`), which tests and scripts can rely on. */
  detail?: string;
}

/** Builds an error diagnostic. */
export function errorDiag(code: DiagnosticCode, summary: string, env: string, range?: SourceRange, path?: string): Diagnostic {
  return { severity: 'error', code, summary, env, ...defined({ range, path: path || undefined }) };
}

/** Builds a warning diagnostic. */
export function warningDiag(code: DiagnosticCode, summary: string, env: string, range?: SourceRange, path?: string): Diagnostic {
  return { severity: 'warning', code, summary, env, ...defined({ range, path: path || undefined }) };
}

/** True when any diagnostic is an error. */
export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/**
 * Text from data (file names, import names, source lines, messages from servers) made safe for a
 * terminal: every control character (C0 but tab, DEL, C1) becomes a visible \\xNN or \\uNNNN escape, so
 * that no escape sequence reaches the terminal. With `keepNewlines`, line feeds stay.
 */
export function escapeControls(text: string, keepNewlines = false): string {
  return text.replace(keepNewlines ? /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g : /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** The widest part of a source line a snippet shows. */
const SNIPPET_WIDTH = 120;

/** Looks up the source text of an environment so that a diagnostic can show its line. */
export type SourceLookup = (env: string) => { file: string; text: string } | undefined;

/**
 * Renders a diagnostic like a compiler does:
 * `aws-sandbox.yaml:7:15: error: unknown property "regoin"; did you mean "region"?`, then the source
 * line and a caret under the column.
 */
export function renderDiagnostic(d: Diagnostic, lookup?: SourceLookup, compact = false): string {
  const src = lookup?.(d.env);
  return render(d, src && { file: src.file, lines: src.text.split(/\r?\n/) }, compact);
}

function render(d: Diagnostic, src: { file: string; lines: string[] } | undefined, compact: boolean): string {
  const file = d.range?.file ?? src?.file ?? d.env;
  const where = d.range ? `${file}:${d.range.start.line}:${d.range.start.column}` : file;
  const head = escapeControls(`${where}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.summary}`);
  if (!d.range || !src || compact) return head;
  const fullLine = src.lines[d.range.start.line - 1];
  if (fullLine === undefined) return head;
  // A long line is shown as a window around the column, marked with an ellipsis where it is cut.
  let column = d.range.start.column;
  let line = fullLine;
  if (line.length > SNIPPET_WIDTH) {
    const from = Math.max(0, Math.min(column - 1 - SNIPPET_WIDTH / 2, line.length - SNIPPET_WIDTH));
    line = (from > 0 ? '…' : '') + line.slice(from, from + SNIPPET_WIDTH) + (from + SNIPPET_WIDTH < fullLine.length ? '…' : '');
    column = column - from + (from > 0 ? 1 : 0);
  }
  const gutter = String(d.range.start.line);
  const pad = ' '.repeat(gutter.length);
  const width =
    d.range.end.line === d.range.start.line ? Math.max(1, d.range.end.column - d.range.start.column) : Math.max(1, line.length - column + 1);
  const caret = ' '.repeat(Math.max(0, column - 1)) + '^' + '~'.repeat(Math.max(0, Math.min(width, 80, line.length - column + 1) - 1));
  return `${head}\n${pad} |\n${gutter} | ${escapeControls(line)}\n${pad} | ${caret}`;
}

/** Renders every diagnostic, errors first, in document order; `compact` leaves out the source lines. */
export function renderDiagnostics(diags: readonly Diagnostic[], lookup?: SourceLookup, compact = false): string {
  const ordered = [...diags].sort((a, b) => {
    if (a.severity !== b.severity) return a.severity === 'error' ? -1 : 1;
    if (a.env !== b.env) return a.env < b.env ? -1 : 1;
    return (a.range?.start.offset ?? 0) - (b.range?.start.offset ?? 0);
  });
  // One lookup (and one split into lines) per environment, however many diagnostics it has.
  const sources = new Map<string, { file: string; lines: string[] } | undefined>();
  const linesOf = (env: string) => {
    if (!sources.has(env)) {
      const src = lookup?.(env);
      sources.set(env, src && { file: src.file, lines: src.text.split(/\r?\n/) });
    }
    return sources.get(env);
  };
  return ordered.map((d) => render(d, linesOf(d.env), compact)).join('\n');
}
