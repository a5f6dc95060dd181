// Small helpers that several commands share: failing with a usage error, selecting a path, tables,
// warnings.

import type { Writer } from '../deps.js';
import { renderDiagnostics } from '../esc/diagnostics.js';
import { EscKubeError } from '../errors.js';
import { parsePath, typedUnknownAt, valueAt } from '../esc/path.js';
import { environmentNotFound, type OpenedEnvironment } from '../use-cases/open-environment.js';
import type { LocalEnvironmentStore } from '../store/local-store.js';
import type { EnvironmentSource } from '../esc/eval.js';

/** Fails the command with a usage error (exit status 2). */
export function fail(message: string): never {
  throw new EscKubeError('usage', message);
}

/** The value at a property path of an opened environment, or a one-line error. */
export function select(env: OpenedEnvironment, path: string) {
  const parsed = parsePath(path);
  if ('error' in parsed) throw new EscKubeError('usage', parsed.error);
  // A path into a provider's unknown result (check mode) follows its schema: [secret] or [unknown].
  const v = valueAt(env.exported, parsed.accessors) ?? typedUnknownAt(env.value, parsed.accessors);
  if (!v) throw new EscKubeError('path-not-found', `environment ${JSON.stringify(env.name)} has no value at ${JSON.stringify(path)}`);
  return v;
}

/** Formats rows as left-aligned columns. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 2))).join('') + '\n').join('');
}

/** Prints an environment's warnings when it has nothing worse (errors are printed with the failure). */
export function printWarnings(env: OpenedEnvironment, stderr: Writer, compact: boolean): void {
  const warnings = env.diagnostics.filter((d) => d.severity === 'warning');
  if (warnings.length > 0 && env.diagnostics.every((d) => d.severity === 'warning')) {
    stderr.write(renderDiagnostics(warnings, env.lookup, compact) + '\n');
  }
}

/** The file of an environment in the local store, to change it; a missing one fails as opening it would, with how to create it. */
export async function environmentFile(store: LocalEnvironmentStore, name: string): Promise<EnvironmentSource & { file: string }> {
  const source = await store.load(name);
  if (source?.file === undefined) throw await environmentNotFound(name, store, true);
  return { ...source, file: source.file };
}
