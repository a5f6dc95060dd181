// The command line: registers the commands (one file each under commands/) and runs the one argv
// names. Everything it touches comes in through `Deps`, built by the composition root (main.ts) or by
// tests; the services commands share are built once per run (commands/context.ts).

import { Command, CommanderError, Option } from 'commander';
import { escapeControls, renderDiagnostics } from './esc/diagnostics.js';
import type { ProviderRegistry } from './esc/eval.js';
import type { ProviderSetup } from './providers/registry.js';
import type { CacheChoice } from './adapters/cache-setup.js';
import type { CallbackListener } from './login/oidc-login.js';
import type { EksClient, KubeconfigFile } from './use-cases/generate-kubeconfig.js';
import { resolveEnvDir } from './env-dir.js';
import { EscKubeError } from './errors.js';
import type { StoreFs } from './store/local-store.js';
import type { CommandRunner, PrivateFiles } from './use-cases/run-in-environment.js';
import { createCommandContext, type GlobalOptions } from './commands/context.js';
import { flagsOf, GLOBAL_OPTIONS } from './commands/options.js';
import { registerEnvOpen } from './commands/env-open.js';
import { registerEnvGet } from './commands/env-get.js';
import { registerEnvRun, separateRunCommand } from './commands/env-run.js';
import { registerEnvLs } from './commands/env-ls.js';
import { registerEnvCheck } from './commands/env-check.js';
import { registerKubeconfigGen } from './commands/kubeconfig-gen.js';
import { registerLogin } from './commands/login.js';
import { registerCache } from './commands/cache.js';
import { registerToken } from './commands/token.js';
import type { Environ } from './environ.js';

export type { Environ };

/** A text sink (stdout or stderr). */
export interface Writer {
  write(text: string): unknown;
}


/** Everything the CLI needs from the outside world. */
export interface Deps {
  stdout: Writer;
  stderr: Writer;
  environ: Environ;
  cwd: string;
  homedir: string;
  fs: StoreFs;
  runner: CommandRunner;
  files: PrivateFiles;
  now: () => Date;
  /** The providers available to `fn::open`. */
  providers: (setup: ProviderSetup) => ProviderRegistry;
  version: string;
  platform: NodeJS.Platform;
  /** EKS, for kubeconfig-gen. */
  eks: (environ: Environ) => EksClient;
  /** Reads a file as text; undefined when it does not exist. */
  readText: (path: string) => Promise<string | undefined>;
  /** The kubeconfig file, for kubeconfig-gen. */
  kubeconfig: KubeconfigFile;
  /** The loopback listener of the browser login. */
  loginListener: CallbackListener;
  /** The person's browser, for logins. */
  browser: { available(): boolean; open(url: string): Promise<void> };
  /** Whether stdin is a terminal (a person is there) when kubectl does not say. */
  stdinIsTTY: boolean;
  /** HTTP, for Pulumi Cloud. */
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  /** An AbortSignal that fires after `ms` (a deadline for HTTP calls). */
  deadline: (ms: number) => AbortSignal;
  /** Opens the credential cache for a --cache flag (the keychain's notices go to stderr). */
  cache: (flag: string | undefined) => CacheChoice;
  /** The warm path has just missed the token tier for this very request. */
  tokenTierMissed?: boolean;
  /** Running on a thread with a large stack: deep environments are evaluated here, not handed on. */
  deepStack?: boolean;
}

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
  registerKubeconfigGen(program, ctx);
  registerLogin(program, ctx);
  registerCache(program, ctx);
  registerToken(program, ctx);

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
