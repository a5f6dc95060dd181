// esc-kube env check ENV: every diagnostic, offline (upstream's CheckEnvironment).

import type { Command } from 'commander';
import type { Diagnostic } from '../esc/diagnostics.js';
import { renderDiagnostics } from '../esc/diagnostics.js';
import type { CommandContext } from './context.js';
import { plural } from '../text.js';

/** The summary line and exit status of a check: 1 when any diagnostic is an error. */
export function checkSummary(name: string, diagnostics: readonly Diagnostic[]): { line: string; exitCode: number } {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  return { line: `${name}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`, exitCode: errors > 0 ? 1 : 0 };
}

/** Registers `env check`. */
export function registerEnvCheck(env: Command, ctx: CommandContext): void {
  env
    .command('check')
    .description('check an environment without opening its providers (no credentials or network needed) and print its diagnostics; exit 1 when any is an error')
    .addHelpText('after', `\nExamples:\n  $ esc-kube env check aws-sandbox\n  $ esc-kube env check eks-sandbox --env-dir examples\n`)
    .argument('<env>', 'environment name')
    .action(async (name: string) => {
      const opened = await ctx.check(name);
      if (opened.diagnostics.length > 0) ctx.deps.stderr.write(renderDiagnostics(opened.diagnostics, opened.lookup) + '\n');
      const { line, exitCode } = checkSummary(name, opened.diagnostics);
      ctx.deps.stdout.write(line);
      ctx.setExitCode(exitCode);
    });
}
