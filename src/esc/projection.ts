// What `esc run` and `esc open --format dotenv` project from an environment: each scalar entry of
// `environmentVariables` becomes a variable and each scalar entry of `files` a file whose path goes
// into the named variable. Objects and arrays are skipped; null becomes "".

import { NumberValue, type Exported } from './value.js';

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
  const out: Record<string, ProjectedEntry> = {};
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

/** Projects `environmentVariables` and `files` from an exported environment. */
export function projectEnvironment(root: Exported | undefined): Projection {
  return { environmentVariables: projectSection(root, 'environmentVariables'), files: projectSection(root, 'files') };
}
