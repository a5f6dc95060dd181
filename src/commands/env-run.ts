// esc-kube env run [-i] [--show-secrets] ENV [--] COMMAND [ARGS...]: a command in the environment (like `esc run`).

import type { Command } from 'commander';
import { runInEnvironment } from '../use-cases/run-in-environment.js';
import type { CommandContext } from './context.js';
import { fail } from './shared.js';

/** What env run was asked. */
export interface EnvRunInput {
  name: string;
  command: string;
  args: string[];
  interactive: boolean;
  /** Whether ${path} arguments may be secret (-i or --show-secrets). */
  secretArguments: boolean;
}

/** Maps argv to the input: a leading `--` is dropped, and a command is required. */
export function envRunInput(name: string, command: readonly string[], opts: { interactive?: boolean; showSecrets?: boolean }): EnvRunInput {
  const argv = command[0] === '--' ? command.slice(1) : [...command];
  if (argv.length === 0) fail('env run needs a command: esc-kube env run ENV -- COMMAND [ARGS...]');
  const [cmd, ...args] = argv as [string, ...string[]];
  const interactive = opts.interactive ?? false;
  return { name, command: cmd, args, interactive, secretArguments: interactive || (opts.showSecrets ?? false) };
}

/** Options that take a value, before `env run`'s environment name (global and run's own). */
const RUN_VALUE_OPTIONS = new Set(['--env-dir', '--backend']);

/**
 * Everything after `env run`'s environment name belongs to the command (`env run ENV cmd --flag` runs
 * `cmd --flag`, as `esc run` does): a `--` is put after the name, unless one is there already.
 */
export function separateRunCommand(argv: readonly string[]): string[] {
  let i = argv.findIndex((a, k) => a === 'run' && argv[k - 1] === 'env');
  if (i < 0) return [...argv];
  for (i++; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return [...argv];
    if (!a.startsWith('-') || a === '-') break;
    if (RUN_VALUE_OPTIONS.has(a)) i++;
  }
  if (i + 1 >= argv.length || argv[i + 1] === '--') return [...argv];
  return [...argv.slice(0, i + 1), '--', ...argv.slice(i + 1)];
}

/** Registers `env run`. */
export function registerEnvRun(env: Command, ctx: CommandContext): void {
  env
    .command('run')
    .description('run a command with the environment\'s environmentVariables and files (like `esc run`)')
    .addHelpText('after', `\nExamples:\n  $ esc-kube env run aws-sandbox aws sts get-caller-identity\n  $ esc-kube env run -i aws-sandbox -- kubectl get pods\n  $ esc-kube env run aws-sandbox sh -c 'echo "$AWS_REGION $\${HOME}"'\n`)
    .argument('<env>', 'environment name')
    .argument('<command...>', 'the command and its arguments (everything after ENV; -- may come first); ${path} in arguments is replaced by values, $${...} passes ${...} on')
    .option('-i, --interactive', 'connect the command to the terminal and do not redact secrets in its output (also allows secret ${path} arguments)')
    .option('--show-secrets', 'allow ${path} arguments that are secret (every user can see arguments in the process list)')
    .action(async (name: string, command: string[], opts: { interactive?: boolean; showSecrets?: boolean }) => {
      const input = envRunInput(name, command, opts);
      const opened = await ctx.open(input.name);
      ctx.setExitCode(
        await runInEnvironment(
          { env: opened, command: input.command, args: input.args, interactive: input.interactive, secretArguments: input.secretArguments, baseEnv: ctx.deps.environ },
          { runner: ctx.deps.runner, files: ctx.deps.files },
        ),
      );
    });
}
