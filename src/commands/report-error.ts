// How a failure reaches the person: one line (plus positioned diagnostics), never a stack trace
// unless --verbose, and the exit status.

import { CommanderError } from 'commander';
import type { Writer } from '../deps.js';
import { escapeControls, renderDiagnostics } from '../esc/diagnostics.js';
import { EscKubeError } from '../errors.js';

/** Prints an error as one line (plus diagnostics) and returns its exit status. */
export function reportError(e: unknown, stderr: Writer, verbose: boolean, compact = false): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    return 2;
  }
  if (e instanceof EscKubeError) {
    stderr.write(`esc-kube: ${escapeControls(e.message)}\n`);
    const diags = e.options.diagnostics;
    if (diags && diags.length > 0) stderr.write(renderDiagnostics(diags, e.options.lookup, compact) + '\n');
    if (verbose && e.cause instanceof Error) stderr.write(`caused by: ${e.cause.stack ?? e.cause.message}\n`);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  stderr.write(`esc-kube: internal error: ${escapeControls(err.message)}\n`);
  if (verbose) stderr.write(`${err.stack}\n`);
  else stderr.write('esc-kube: run again with --verbose for details, and please report this as a bug\n');
  return 1;
}
