// What `esc run` and `esc open --format dotenv` project from an environment: each scalar entry of
// `environmentVariables` becomes a variable and each scalar entry of `files` a file whose path goes
// into the named variable. Objects and arrays are skipped; null becomes "".

import { errorDiag, type Diagnostic } from './diagnostics.js';
import { NumberValue, type Exported, type Value } from './value.js';

/** What a name under `environmentVariables` or `files` must look like: a POSIX shell variable name. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One projected entry: its text and whether it is secret. */
export interface ProjectedEntry {
  value: string;
  secret: boolean;
}

/** The projection of an environment. */
export interface Projection {
  environmentVariables: Record<string, ProjectedEntry>;
  files: Record<string, ProjectedEntry>;
}

/** The text ESC projects for a scalar, or undefined for objects, arrays and unknowns. */
export function scalarText(e: Exported): string | undefined {
  if (e.unknown) return undefined;
  const r = e.value;
  if (r === null) return '';
  if (typeof r === 'boolean') return r ? 'true' : 'false';
  if (r instanceof NumberValue) return r.text;
  if (typeof r === 'string') return r;
  return undefined;
}

function projectSection(root: Exported | undefined, key: string): Record<string, ProjectedEntry> {
  // No prototype: a variable named __proto__ is a variable like any other.
  const out: Record<string, ProjectedEntry> = Object.create(null) as Record<string, ProjectedEntry>;
  const r = root?.value;
  if (!r || typeof r !== 'object' || Array.isArray(r) || r instanceof NumberValue) return out;
  const section = Object.hasOwn(r, key) ? r[key] : undefined;
  const s = section?.value;
  if (!s || typeof s !== 'object' || Array.isArray(s) || s instanceof NumberValue) return out;
  for (const name of Object.keys(s)) {
    const entry = s[name]!;
    const text = scalarText(entry);
    if (text !== undefined) out[name] = { value: text, secret: entry.secret };
  }
  return out;
}

/**
 * Error diagnostics for names under `environmentVariables` and `files` that are not variable names
 * (`[A-Za-z_][A-Za-z0-9_]*`). Such a name would be code in `env open -f shell|dotenv` output and an
 * invalid entry in a child's environment; the summary never repeats it (the snippet shows where it is).
 */
export function checkProjectionNames(root: Value | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const section of ['environmentVariables', 'files'] as const) {
    const s = root?.isObject() && !root.unknown ? root.property(section) : undefined;
    if (!s || s.unknown || !s.isObject()) continue;
    for (const key of s.keys()) {
      if (VARIABLE_NAME.test(key)) continue;
      const def = s.property(key)?.def ?? s.def;
      const what = section === 'files' ? 'a files entry (the variable that holds its path)' : 'an environmentVariables entry';
      out.push(errorDiag('name', `invalid name for ${what}: expected letters, digits and _, not starting with a digit`, def.env, def.range, def.path));
    }
  }
  return out;
}

/** Projects `environmentVariables` and `files` from an exported environment. */
export function projectEnvironment(root: Exported | undefined): Projection {
  return { environmentVariables: projectSection(root, 'environmentVariables'), files: projectSection(root, 'files') };
}
