// Use case: run a command inside an environment, as `esc run` does. The environment's
// `environmentVariables` are set, each `files` entry is written to a private temporary file whose path
// goes into the named variable, `${path}` references in the arguments are replaced by values, and the
// files are removed however the command ends.

import { formatAccess, parseTemplate } from '../esc/ast.js';
import { projectEnvironment, scalarText } from '../esc/projection.js';
import { NumberValue, secretPaths, type Exported } from '../esc/value.js';
import { EscKubeError } from '../errors.js';
import { valueAt } from '../esc/path.js';
import { compactJson } from '../esc/render-json.js';
import type { OpenedEnvironment } from '../esc/opened-environment.js';

/** Runs a child process and resolves its exit status (128 + signal number when killed by a signal). */
export interface CommandRunner {
  run(command: string, args: string[], opts: { env: Record<string, string>; interactive: boolean; secrets: string[] }): Promise<number>;
}

/** Writes private temporary files (mode 0600 in a 0700 directory) and removes them again. */
export interface PrivateFiles {
  write(contents: Record<string, string>): Promise<{ paths: Record<string, string>; cleanup(): Promise<void> }>;
}

/** What `env run` is asked to do. */
export interface RunInput {
  env: OpenedEnvironment;
  command: string;
  args: string[];
  /** Connect the command to the terminal and do not redact its output. */
  interactive: boolean;
  /** Allow `${path}` arguments that are secret (they are visible to every user in the process list). */
  secretArguments: boolean;
  /** The variables of esc-kube's own process, which the command inherits. */
  baseEnv: Record<string, string | undefined>;
}

/** Runs the command and returns its exit status. */
export async function runInEnvironment(input: RunInput, deps: { runner: CommandRunner; files: PrivateFiles }): Promise<number> {
  const args = input.args.map((a) => interpolateArgument(a, input.env.exported, input.secretArguments));
  const projection = projectEnvironment(input.env.exported);
  // No prototype: a variable named __proto__ is a variable like any other.
  const env: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(input.baseEnv)) if (v !== undefined) env[k] = v;
  for (const [k, v] of Object.entries(projection.environmentVariables)) env[k] = v.value;
  const contents: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(projection.files)) contents[k] = v.value;
  const written = await deps.files.write(contents);
  try {
    Object.assign(env, written.paths);
    return await deps.runner.run(input.command, args, { env, interactive: input.interactive, secrets: collectSecrets(input.env.exported) });
  } finally {
    await written.cleanup();
  }
}

/**
 * Replaces `${path}` references in a command argument with values of the environment. Only arguments
 * that contain `${` are interpolated (there `$${` escapes a literal `${`), so shell text such as `$$` or
 * `$HOME` passes through untouched.
 */
export function interpolateArgument(arg: string, root: Exported | undefined, allowSecrets = false): string {
  if (!arg.includes('${')) return arg;
  const { parts, diagnostics: diags } = parseTemplate(arg, '<argv>');
  if (diags.length > 0) throw new EscKubeError('usage', `invalid reference in argument ${JSON.stringify(arg)}: ${diags[0]!.summary}`);
  let out = '';
  for (const p of parts) {
    out += p.text;
    if (!p.access) continue;
    const v = valueAt(root, p.access);
    if (!v) {
      const shown = arg.slice(arg.indexOf('${'), arg.indexOf('}', arg.indexOf('${')) + 1);
      // Most often meant for the shell ("sh -c 'echo ${HOME}'"): $$ passes a $ through.
      throw new EscKubeError('path-not-found', `argument ${JSON.stringify(arg)} refers to ${shown}, which the environment does not define; to pass ${shown} to the command as it is (for a shell to expand), write $${shown}`);
    }
    // A value is secret, or holds one, when any of its nodes is.
    if (!allowSecrets && secretPaths(v).length > 0) {
      throw new EscKubeError(
        'secret-argument',
        `an argument refers to \${${formatAccess(p.access)}}, which is secret: arguments are visible to every user in the process list (ps); pass it in environmentVariables or files instead, or allow it with --show-secrets`,
      );
    }
    out += scalarText(v) ?? compactJson(v);
  }
  return out;
}

/** Every secret string in the environment (for redacting the command's output). */
export function collectSecrets(e: Exported | undefined, out: string[] = []): string[] {
  if (!e) return out;
  const r = e.value;
  if (Array.isArray(r)) r.forEach((x) => collectSecrets(x, out));
  else if (r !== null && typeof r === 'object' && !(r instanceof NumberValue)) Object.values(r).forEach((x) => collectSecrets(x, out));
  else if (e.secret) {
    const t = scalarText(e);
    if (t && t.length >= 3) out.push(t);
  }
  return [...new Set(out)];
}
