// The command line: registers the commands (one file each under commands/) and runs the one argv
// names. Everything it touches comes in through `Deps`, built by the composition root (main.ts) or by
// tests; the services commands share are built once per run (commands/context.ts).

import { Command, Option } from 'commander';
import type { Deps } from './deps.js';
import { reportError } from './commands/report-error.js';
import { resolveEnvDir } from './env-dir.js';
import { EscKubeError } from './errors.js';
import { createCommandContext, type GlobalOptions } from './commands/context.js';
import { flagsOf, GLOBAL_OPTIONS } from './commands/options.js';
import { registerEnvOpen } from './commands/env-open.js';
import { registerEnvGet } from './commands/env-get.js';
import { registerEnvRun, separateRunCommand } from './commands/env-run.js';
import { registerEnvLs } from './commands/env-ls.js';
import { registerEnvCheck } from './commands/env-check.js';
import { registerEnvSet } from './commands/env-set.js';
import { registerEnvRm } from './commands/env-rm.js';
import { registerEnvInit } from './commands/env-init.js';
import { registerEnvKey } from './commands/env-key.js';
import { registerEnvEdit } from './commands/env-edit.js';
import { registerKubeconfigGen } from './commands/kubeconfig-gen.js';
import { registerLogin } from './commands/login.js';
import { registerCache } from './commands/cache.js';
import { registerToken } from './commands/token.js';
import { registerDoctor } from './commands/doctor.js';

export { reportError } from './commands/report-error.js';
export type { Deps, Environ, Writer } from './deps.js';
export { resolveEnvDir, separateRunCommand };

/** Runs the CLI and returns the exit status; it never ends the process itself. */
export async function runCli(argv: readonly string[], deps: Deps): Promise<number> {
  const program = new Command('esc-kube')
    .description('Kubernetes credentials for EKS from Pulumi ESC environments: a kubectl exec credential plugin')
    .version(deps.version, '--version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => deps.stdout.write(s), writeErr: (s) => deps.stderr.write(s) });
  for (const o of GLOBAL_OPTIONS) program.addOption(o.choices ? new Option(flagsOf(o), o.help).choices(o.choices) : new Option(flagsOf(o), o.help));
  const ctx = createCommandContext(deps, () => program.opts<GlobalOptions>());

  const env = program.command('env').description('open, inspect and run commands in ESC environments');
  registerEnvOpen(env, ctx);
  registerEnvGet(env, ctx);
  registerEnvRun(env, ctx);
  registerEnvLs(env, ctx);
  registerEnvCheck(env, ctx);
  registerEnvInit(env, ctx);
  registerEnvSet(env, ctx);
  registerEnvRm(env, ctx);
  registerEnvEdit(env, ctx);
  registerEnvKey(env, ctx);
  registerKubeconfigGen(program, ctx);
  registerLogin(program, ctx);
  registerCache(program, ctx);
  registerToken(program, ctx);
  registerDoctor(program, ctx);

  if (argv.length === 0) {
    deps.stderr.write(program.helpInformation());
    return 2;
  }
  try {
    await program.parseAsync(separateRunCommand(argv), { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    // Handed to the composition root, which runs the command again on a thread with a larger stack.
    if (e instanceof EscKubeError && e.code === 'needs-deep-stack' && !deps.deepStack) throw e;
    return reportError(e, deps.stderr, argv.includes('--verbose'), ctx.compact);
  }
}
