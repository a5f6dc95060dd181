// The command line: maps argv to use-case inputs (commands translate, use cases decide). Everything
// it touches comes in through `Deps`, built by the composition root (main.ts) or by tests.

import { Command, CommanderError, Option } from 'commander';
import { escapeControls, renderDiagnostics } from './esc/diagnostics.js';
import { decodeYaml, type ObjectEntry, type SyntaxNode } from './esc/syntax.js';
import { redactDefinition } from './esc/redact-source.js';
import type { ProviderRegistry } from './esc/eval.js';
import type { ProviderSetup } from './providers/registry.js';
import { getToken } from './use-cases/get-token.js';
import type { LoginConfig } from './login/oidc-login.js';
import { loginSource, loginTimeoutMs } from './login/login-source.js';
import { lockOptionsForLogin } from './cache/file-lock.js';
import { cloudTimeoutMs, openInCloudIfThere } from './pulumi/cloud.js';
import { generateKubeconfig, type EksClient, type KubeconfigFile } from './use-cases/generate-kubeconfig.js';
import { resolveTokenRequest } from './token-request.js';
import { resolveEnvDir } from './env-dir.js';
import { CredentialCache } from './cache/credential-cache.js';
import { cacheDir, cacheDirProblem } from './cache/file-store.js';
import { cacheMode, selectStore } from './cache/select-store.js';
import { cachingStsClient } from './cache/caching-sts.js';
import { tokenKey } from './cache/token-key.js';
import type { OpenedSession, StsClient } from './providers/aws-login.js';
import { projectEnvironment } from './esc/projection.js';
import { EscKubeError } from './errors.js';
import { formatDotenv, formatJson, formatShell, formatString, formatYaml, parsePath, selectPath } from './format.js';
import { LocalEnvironmentStore, type StoreFs } from './store/local-store.js';
import { openEnvironment, requireNoErrors, requireValues, type OpenedEnvironment } from './use-cases/open-environment.js';
import { DEEP_STACK_DEPTH, MAIN_STACK_DEPTH } from './esc/limits.js';
import { runInEnvironment, type CommandRunner, type PrivateFiles } from './use-cases/run-in-environment.js';

/** A text sink (stdout or stderr). */
export interface Writer {
  write(text: string): unknown;
}

/** Environment variables, read only through this. */
export type Environ = Readonly<Record<string, string | undefined>>;

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
  /** The person's browser, for logins. */
  browser: { available(): boolean; open(url: string): Promise<void> };
  /** Whether stdin is a terminal (a person is there) when kubectl does not say. */
  stdinIsTTY: boolean;
  /** HTTP, for Pulumi Cloud. */
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  /** The warm path has just missed the token tier for this very request. */
  tokenTierMissed?: boolean;
  /** Running on a thread with a large stack: deep environments are evaluated here, not handed on. */
  deepStack?: boolean;
}

export { resolveEnvDir };

const FORMATS = ['json', 'yaml', 'dotenv', 'shell', 'string'] as const;
const CACHE_OFF = 'the credential cache is off (--cache none or $ESC_KUBE_CACHE=none)';
const CACHE_HELP = 'keychain, file or none (default: $ESC_KUBE_CACHE, else keychain)';

/** Runs the CLI and returns the exit status. Never calls process.exit. */
export async function runCli(argv: readonly string[], deps: Deps): Promise<number> {
  const verbose = argv.includes('--verbose');
  let exitCode = 0;
  // kubectl shows a plugin's stderr as is: keep token errors to one line per finding.
  let compact = false;
  const program = new Command('esc-kube')
    .description('Kubernetes credentials for EKS from Pulumi ESC environments: a kubectl exec credential plugin')
    .version(deps.version, '--version', 'print the version')
    .option('--env-dir <dir>', 'directory of environment definitions (default: $ESC_KUBE_ENV_DIR, else $XDG_CONFIG_HOME/esc-kube/environments)')
    .option('--verbose', 'print stack traces of internal errors')
    .addOption(new Option('--backend <backend>', 'where ORG/PROJECT/ENV environments are: pulumi (Pulumi Cloud) or local (default: Pulumi Cloud when an access token is available)').choices(['local', 'pulumi']))
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => deps.stdout.write(s), writeErr: (s) => deps.stderr.write(s) });

  const envDir = () => resolveEnvDir(program.opts<{ envDir?: string }>().envDir, deps.environ, deps.cwd, deps.homedir);
  const openInCloud = (name: string): Promise<OpenedEnvironment | undefined> =>
    openInCloudIfThere(name, program.opts<{ backend?: 'local' | 'pulumi' }>().backend, {
      environ: deps.environ,
      homedir: deps.homedir,
      readText: deps.readText,
      fetch: deps.fetch,
      sleep: deps.sleep,
      clock: () => deps.now().getTime(),
      timeoutMs: cloudTimeoutMs(deps.environ),
    });
  const loginDeps = { ...deps, notify: (m: string) => deps.stderr.write(`esc-kube: ${m}\n`) };
  const context = (
    sessions?: OpenedSession[],
    wrapSts?: (sts: StsClient, endpoint: string) => StsClient,
    login?: { source: (config: LoginConfig | undefined) => Promise<string | undefined>; only?: boolean },
  ) => {
    const store = new LocalEnvironmentStore(envDir(), deps.fs);
    const user = deps.environ.USER ?? deps.environ.LOGNAME ?? 'unknown';
    const providers = deps.providers({
      environ: deps.environ,
      now: deps.now,
      ...(sessions ? { sessions: { record: (s: OpenedSession) => sessions.push(s) } } : {}),
      ...(wrapSts ? { wrapSts } : {}),
      ...(login ? { login: login.source, ...(login.only ? { loginOnly: true } : {}) } : {}),
    });
    return { store, providers, context: { pulumi: { user: { id: user, login: user } } }, maxDepth: deps.deepStack ? DEEP_STACK_DEPTH : MAIN_STACK_DEPTH, handOnWhenTooDeep: !deps.deepStack };
  };
  let untrustedNoted = false;
  /** The credential cache for --cache / $ESC_KUBE_CACHE, or undefined for none (or an untrusted directory). */
  const credentialCache = (flag: string | undefined): CredentialCache | undefined => {
    const mode = cacheMode(flag, deps.environ);
    if (typeof mode !== 'string') throw new EscKubeError('usage', mode.error);
    if (mode === 'none') return undefined;
    const dir = cacheDir(deps.environ, deps.homedir);
    const problem = cacheDirProblem(dir);
    if (problem) {
      if (!untrustedNoted) deps.stderr.write(`esc-kube: note: not using the credential cache: ${problem}\n`);
      untrustedNoted = true;
      return undefined;
    }
    const store = selectStore({ mode, dir, environ: deps.environ, platform: deps.platform, notice: (m) => deps.stderr.write(`esc-kube: ${m}\n`) });
    return new CredentialCache(store, dir, deps.now, lockOptionsForLogin(loginTimeoutMs(deps.environ)));
  };
  const open = async (
    name: string,
    sessions?: OpenedSession[],
    /** The session tier: undefined for the default cache's, null for none (--cache none). */
    wrapSts?: ((sts: StsClient, endpoint: string) => StsClient) | null,
    login?: { source: (config: LoginConfig | undefined) => Promise<string | undefined>; only?: boolean },
  ): Promise<OpenedEnvironment> => {
    // The default cache (one lookup), for what the caller did not bring: every command reuses cached
    // STS sessions and logins, as token does (env run would otherwise call STS each time).
    const cache = wrapSts === undefined || login === undefined ? credentialCache(undefined) : undefined;
    const sessionTier =
      wrapSts !== undefined ? (wrapSts ?? undefined) : cache ? (sts: StsClient, endpoint: string) => cachingStsClient(sts, cache, { endpoint, refresh: false, env: name }) : undefined;
    const loginFor = login ?? { source: loginSource(loginDeps, { cache, interactive: deps.stdinIsTTY, device: false, env: name }) };
    return usable((await openInCloud(name)) ?? (await openEnvironment(name, context(sessions, sessionTier, loginFor))));
  };
  /** Prints an environment's warnings and fails on its errors or when it is empty. */
  const usable = (env: OpenedEnvironment): OpenedEnvironment => {
    printWarnings(env, deps.stderr, compact);
    requireNoErrors(env);
    requireValues(env);
    return env;
  };
  /** Evaluates as upstream's CheckEnvironment: no provider is invoked, so no credentials or network are needed. */
  const check = async (name: string, showSecrets = false): Promise<OpenedEnvironment> =>
    (await openInCloud(name)) ?? (await openEnvironment(name, { ...context(), mode: 'check', showSecrets }));

  const env = program.command('env').description('open, inspect and run commands in ESC environments');
  env
    .command('open')
    .description('evaluate an environment and print its values, secrets included (like `esc env open`)')
    .addHelpText('after', `\nExamples:\n  $ esc-kube env open local-static --env-dir examples\n  $ esc-kube env open aws-sandbox aws.login.accessKeyId -f string\n  $ eval "$(esc-kube env open aws-sandbox -f shell)"\n`)
    .argument('<env>', 'environment name (NAME or PROJECT/NAME)')
    .argument('[path]', 'a property path within the values, e.g. aws.login.accessKeyId')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('json'))
    .action(async (name: string, path: string | undefined, opts: { format: (typeof FORMATS)[number] }) => {
      const opened = await open(name);
      const selected = path === undefined ? opened.exported : select(opened, path);
      const render = (): string => {
        switch (opts.format) {
          case 'json':
            return formatJson(selected) + '\n';
          case 'yaml':
            return formatYaml(selected);
          case 'string':
            return formatString(selected) + '\n';
          default: {
            if (path !== undefined) fail('--format dotenv and shell print the whole environment; drop PATH');
            const projection = projectEnvironment(selected);
            if (Object.keys(projection.files).length > 0) deps.stderr.write('esc-kube: note: `files` entries are only written by `esc-kube env run`\n');
            return opts.format === 'dotenv' ? formatDotenv(projection) : formatShell(projection);
          }
        }
      };
      deps.stdout.write(render());
    });
  env
    .command('get')
    .description('print the definition and the checked value of an environment or one of its paths (providers are not opened: their outputs are [unknown]); secrets are hidden')
    .addHelpText('after', `\nExamples:\n  $ esc-kube env get aws-sandbox\n  $ esc-kube env get aws-sandbox environmentVariables.AWS_REGION\n`)
    .argument('<env>', 'environment name')
    .argument('[path]', 'a property path within the values')
    .option('--show-secrets', 'show secret values in plaintext')
    .action(async (name: string, path: string | undefined, opts: { showSecrets?: boolean }) => {
      // As esc env get: the value is checked, not opened (provider outputs are [unknown]).
      const opened = usable(await check(name, opts.showSecrets ?? false));
      const selected = path === undefined ? opened.exported : select(opened, path);
      const source = opened.sources.get(name);
      const definition = source ? definitionOf(opts.showSecrets ? source.text : redactDefinition(source.text), path) : '(the definition is in Pulumi Cloud: esc env get shows it)\n';
      deps.stdout.write(`# Value\n${formatJson(selected, !opts.showSecrets)}\n\n# Definition (${source?.file ?? name})\n${definition}`);
    });
  env
    .command('run')
    .description('run a command with the environment\'s environmentVariables and files (like `esc run`)')
    .addHelpText('after', `\nExamples:\n  $ esc-kube env run aws-sandbox aws sts get-caller-identity\n  $ esc-kube env run -i aws-sandbox -- kubectl get pods\n  $ esc-kube env run aws-sandbox sh -c 'echo "$AWS_REGION $\${HOME}"'\n`)
    .argument('<env>', 'environment name')
    .argument('<command...>', 'the command and its arguments (everything after ENV; -- may come first); ${path} in arguments is replaced by values, $${...} passes ${...} on')
    .option('-i, --interactive', 'connect the command to the terminal and do not redact secrets in its output (also allows secret ${path} arguments)')
    .option('--show-secrets', 'allow ${path} arguments that are secret (every user can see arguments in the process list)')
    .action(async (name: string, command: string[], opts: { interactive?: boolean; showSecrets?: boolean }) => {
      const opened = await open(name);
      const argvOfCommand = command[0] === '--' ? command.slice(1) : command;
      if (argvOfCommand.length === 0) fail('env run needs a command: esc-kube env run ENV -- COMMAND [ARGS...]');
      const [cmd, ...args] = argvOfCommand as [string, ...string[]];
      exitCode = await runInEnvironment(
        { env: opened, command: cmd, args, interactive: opts.interactive ?? false, secretArguments: (opts.interactive ?? false) || (opts.showSecrets ?? false), baseEnv: deps.environ },
        { runner: deps.runner, files: deps.files },
      );
    });
  env
    .command('ls')
    .description('list the environments in the store')
    .addHelpText('after', `\nExamples:\n  $ esc-kube env ls\n  $ esc-kube env ls --env-dir examples\n`)
    .action(async () => {
      const { store } = context();
      const names = await store.list();
      deps.stdout.write(names.map((n) => n + '\n').join(''));
      if (names.length === 0) deps.stderr.write(`esc-kube: no environments in ${store.dir}\n`);
    });
  env
    .command('check')
    .description('check an environment without opening its providers (no credentials or network needed) and print its diagnostics; exit 1 when any is an error')
    .addHelpText('after', `\nExamples:\n  $ esc-kube env check aws-sandbox\n  $ esc-kube env check eks-sandbox --env-dir examples\n`)
    .argument('<env>', 'environment name')
    .action(async (name: string) => {
      const opened = await check(name);
      const errors = opened.diagnostics.filter((d) => d.severity === 'error').length;
      const warnings = opened.diagnostics.length - errors;
      if (opened.diagnostics.length > 0) deps.stderr.write(renderDiagnostics(opened.diagnostics, opened.lookup) + '\n');
      deps.stdout.write(`${name}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
      if (errors > 0) exitCode = 1;
    });

  program
    .command('kubeconfig-gen')
    .description('write kubeconfig entries whose user runs `esc-kube token`, merged into your kubeconfig')
    .addHelpText('after', `\nExamples:\n  $ esc-kube kubeconfig-gen --env aws-sandbox --cluster demo --region us-west-2\n  $ esc-kube kubeconfig-gen --env aws-sandbox --cluster demo --cluster staging --shared-user\n  $ esc-kube kubeconfig-gen --env eks-sandbox --from kubeconfig --dry-run\n`)
    .requiredOption('--env <env>', 'environment with the AWS credentials and region')
    .option('--cluster <name>', 'EKS cluster name (repeat for several); found with EKS DescribeCluster', (v: string, prev: string[] = []) => [...prev, v])
    .option('--from <path>', 'instead of DescribeCluster, rewrite the kubeconfig stored at this path of the environment (e.g. kubeconfig)')
    .option('--region <region>', 'AWS region (default: the environment\'s)')
    .option('--credentials <path>', 'path of a credentials object in the environment (default: its AWS_* environmentVariables)')
    .option('--kubeconfig <file>', 'kubeconfig to merge into (default: the first file of $KUBECONFIG, else ~/.kube/config)')
    .option('--alias <name>', 'context name (default: the cluster ARN, as aws eks update-kubeconfig)')
    .addOption(new Option('--api-version <version>', 'ExecCredential version of the exec entry').choices(['v1', 'v1beta1']).default('v1beta1'))
    .option('--shared-user', 'one user entry for all clusters; each cluster carries its parameters in the client.authentication.k8s.io/exec extension')
    .option('--dry-run', 'print the merged kubeconfig instead of writing it')
    .action(
      async (opts: { env: string; cluster?: string[]; from?: string; region?: string; credentials?: string; kubeconfig?: string; alias?: string; apiVersion: 'v1' | 'v1beta1'; sharedUser?: boolean; dryRun?: boolean }) => {
        const dir = envDir();
        const defaultDir = resolveEnvDir(undefined, { XDG_CONFIG_HOME: deps.environ.XDG_CONFIG_HOME }, deps.cwd, deps.homedir);
        const fromVar = (deps.environ.KUBECONFIG ?? '').split(':').find((p) => p !== '');
        const rawTarget = opts.kubeconfig ?? fromVar ?? `${deps.homedir}/.kube/config`;
        const target = rawTarget.startsWith('/') ? rawTarget : `${deps.cwd}/${rawTarget}`;
        const result = await generateKubeconfig(
          {
            env: opts.env,
            clusters: opts.cluster ?? [],
            ...(opts.from !== undefined ? { from: opts.from } : {}),
            ...(opts.region ? { region: opts.region } : {}),
            ...(opts.credentials ? { credentialsPath: opts.credentials } : {}),
            ...(opts.alias !== undefined ? { alias: opts.alias } : {}),
            apiVersion: opts.apiVersion,
            sharedUser: opts.sharedUser ?? false,
            dryRun: opts.dryRun ?? false,
            ...(dir !== defaultDir ? { envDirArg: dir } : {}),
            target,
          },
          { open, eks: deps.eks(deps.environ), environ: deps.environ, file: deps.kubeconfig },
        );
        if (result.modeChangedFrom !== undefined) {
          deps.stderr.write(`esc-kube: note: ${target} was mode ${result.modeChangedFrom.toString(8).padStart(4, '0')}; it is now 0600 (only you can read it)\n`);
        }
        if (result.written) deps.stderr.write(`esc-kube: updated ${target}; current context: ${result.currentContext}\n`);
        else deps.stdout.write(result.text);
      },
    );

  program
    .command('login')
    .description('log in to the identity provider of an environment\'s aws-login (oidc.login) ahead of time')
    .addHelpText('after', `\nExamples:\n  $ esc-kube login                     # the login of ~/.config/esc-kube/config.yaml\n  $ esc-kube login --env aws-sandbox\n  $ esc-kube login --env aws-sandbox --device\n`)
    .option('--env <env>', 'environment whose oidc.login to use (default: the login of ~/.config/esc-kube/config.yaml)')
    .option('--device', 'use the device authorization grant instead of a browser')
    .option('--cache <mode>', CACHE_HELP)
    .action(async (opts: { env?: string; device?: boolean; cache?: string }) => {
      const issuers: string[] = [];
      const source = loginSource(loginDeps, { cache: credentialCache(opts.cache), interactive: true, device: opts.device ?? false, env: opts.env ?? '', done: (i) => issuers.push(i) });
      if (opts.env === undefined) {
        // No environment: the login of the config file, as the help says.
        if ((await source(undefined)) === undefined) {
          throw new EscKubeError('usage', `login needs --env ENV (an environment with aws-login oidc.login), or a login section in ${configFile(deps)}`);
        }
      } else {
        await open(opts.env, undefined, undefined, { source, only: true });
        if (issuers.length === 0) throw new EscKubeError('usage', `environment ${JSON.stringify(opts.env)} has no aws-login oidc to log in for`);
      }
      deps.stderr.write(`esc-kube: logged in to ${[...new Set(issuers)].join(', ')}\n`);
    });
  program
    .command('logout')
    .description('forget stored logins (ID and refresh tokens): all, or those of one environment')
    .addHelpText('after', `\nExamples:\n  $ esc-kube logout\n  $ esc-kube logout --env aws-sandbox\n`)
    .option('--env <env>', 'only the logins made for this environment')
    .option('--cache <mode>', CACHE_HELP)
    .action(async (opts: { env?: string; cache?: string }) => {
      const c = credentialCache(opts.cache);
      const n = c ? await c.clear((m) => m.kind === 'login' && (opts.env === undefined || m.env === opts.env)) : 0;
      deps.stderr.write(`esc-kube: forgot ${n} login${n === 1 ? '' : 's'}\n`);
    });

  const cache = program.command('cache').description('the credential cache (tokens and STS sessions in the OS keychain or in files)');
  cache
    .command('ls')
    .description('list cached entries: key, kind, environment, cluster, expiry and store (never a secret)')
    .addHelpText('after', `\nExamples:\n  $ esc-kube cache ls\n  $ esc-kube cache ls --cache file\n`)
    .option('--cache <mode>', CACHE_HELP)
    .action(async (opts: { cache?: string }) => {
      const c = credentialCache(opts.cache);
      if (!c) return void deps.stderr.write(`esc-kube: ${CACHE_OFF}\n`);
      const rows = (await c.list()).map((m) => [m.key, m.kind, m.env ?? '-', m.kind === 'token' ? (m.cluster ?? '-') : (m.role ?? '-'), m.region ?? '-', m.expires, m.store]);
      deps.stdout.write(table([['KEY', 'KIND', 'ENVIRONMENT', 'CLUSTER/ROLE', 'REGION', 'EXPIRES', 'STORE'], ...rows]));
    });
  cache
    .command('clear')
    .description('remove cached tokens and sessions (all, or those of one environment)')
    .addHelpText('after', `\nExamples:\n  $ esc-kube cache clear\n  $ esc-kube cache clear --env aws-sandbox\n`)
    .option('--env <env>', 'only the entries made for this environment')
    .option('--cache <mode>', CACHE_HELP)
    .action(async (opts: { env?: string; cache?: string }) => {
      const c = credentialCache(opts.cache);
      if (!c) return void deps.stderr.write(`esc-kube: ${CACHE_OFF}\n`);
      const n = await c.clear(opts.env === undefined ? undefined : (m) => m.env === opts.env);
      deps.stderr.write(`esc-kube: removed ${n} cache entr${n === 1 ? 'y' : 'ies'}\n`);
    });

  program
    .command('token')
    .description('print an ExecCredential with an EKS token, for a kubeconfig exec entry (kubectl runs this)')
    .addHelpText('after', `\nExamples:\n  $ esc-kube token --env aws-sandbox --cluster demo --region us-west-2\n  $ KUBERNETES_EXEC_INFO='{"apiVersion":"client.authentication.k8s.io/v1"}' esc-kube token --env aws-sandbox --cluster demo\n`)
    .option('--env <env>', 'environment with the AWS credentials (default: "env" of the cluster exec extension)')
    .option('--cluster <name>', 'EKS cluster name (default: "cluster" of the cluster exec extension)')
    .option('--cluster-id <id>', 'the cluster id of an EKS local cluster on Outposts, signed instead of the name')
    .option('--region <region>', 'AWS region (default: the environment\'s AWS_REGION, AWS_DEFAULT_REGION or pulumiConfig aws:region)')
    .option('--credentials <path>', 'path of a credentials object in the environment, e.g. aws.login (default: its AWS_* environmentVariables)')
    .option('--sts-host <host>', 'STS host named in the token (default: the standard host of the region)')
    .option('--cache <mode>', CACHE_HELP)
    .option('--refresh', 'skip the cache, then update it')
    .action(async (opts: { env?: string; cluster?: string; clusterId?: string; region?: string; credentials?: string; stsHost?: string; cache?: string; refresh?: boolean }) => {
      compact = true;
      const c = credentialCache(opts.cache);
      const refresh = opts.refresh ?? false;
      const { info, envName, clusterId, region } = resolveTokenRequest(opts, deps.environ.KUBERNETES_EXEC_INFO);
      const tokenCache =
        c && envName && clusterId
          ? {
              cache: c,
              refresh,
              ...(deps.tokenTierMissed ? { knownMiss: true } : {}),
              key: tokenKey({ envName, envDir: envDir(), clusterId, region, credentialsPath: opts.credentials, stsHost: opts.stsHost, environ: deps.environ }),
            }
          : undefined;
      const wrapSts = c && envName ? (sts: StsClient, endpoint: string) => cachingStsClient(sts, c, { endpoint, refresh, env: envName }) : null;
      // kubectl says whether a person is there; run by hand, a terminal on stdin does.
      const interactive = deps.environ.KUBERNETES_EXEC_INFO ? (info?.interactive ?? false) : deps.stdinIsTTY;
      const login = { source: loginSource(loginDeps, { cache: c, interactive, device: false, env: envName ?? '' }) };
      const result = await getToken(
        {
          ...(opts.env ? { env: opts.env } : {}),
          ...(opts.cluster ? { cluster: opts.cluster } : {}),
          ...(opts.clusterId ? { clusterId: opts.clusterId } : {}),
          ...(opts.region ? { region: opts.region } : {}),
          ...(opts.credentials ? { credentialsPath: opts.credentials } : {}),
          ...(opts.stsHost ? { stsHost: opts.stsHost } : {}),
        },
        {
          environ: deps.environ,
          now: deps.now,
          warn: (m) => deps.stderr.write(`esc-kube: warning: ${m}\n`),
          open: async (name) => {
            const sessions: OpenedSession[] = [];
            const env = await open(name, sessions, wrapSts, login);
            return { env, sessions };
          },
          ...(tokenCache ? { tokenCache } : {}),
        },
      );
      deps.stdout.write(result.json + '\n');
    });

  if (argv.length === 0) {
    deps.stderr.write(program.helpInformation());
    return 2;
  }
  try {
    await program.parseAsync(separateRunCommand(argv), { from: 'user' });
    return exitCode;
  } catch (e) {
    // Handed to the composition root, which runs the command again on a thread with a larger stack.
    if (e instanceof EscKubeError && e.code === 'needs-deep-stack' && !deps.deepStack) throw e;
    return reportError(e, deps.stderr, verbose, compact);
  }
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

/** The config file of the laptop login. */
function configFile(deps: Pick<Deps, 'environ' | 'homedir'>): string {
  return `${deps.environ.XDG_CONFIG_HOME || `${deps.homedir}/.config`}/esc-kube/config.yaml`;
}

/** Formats rows as left-aligned columns. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 2))).join('') + '\n').join('');
}

function select(env: OpenedEnvironment, path: string) {
  const parsed = parsePath(path);
  if ('error' in parsed) throw new EscKubeError('usage', parsed.error);
  const v = selectPath(env.exported, parsed.accessors);
  if (!v) throw new EscKubeError('path-not-found', `environment ${JSON.stringify(env.name)} has no value at ${JSON.stringify(path)}`);
  return v;
}

function fail(message: string): never {
  throw new EscKubeError('usage', message);
}

/** The YAML lines that define the document, or the value at a path (undefined when an import defines it). */
function definitionOf(text: string, path: string | undefined): string {
  const whole = text.endsWith('\n') ? text : text + '\n';
  if (path === undefined) return whole;
  const parsed = parsePath(path);
  const doc = decodeYaml(text, '<get>').node;
  let node: SyntaxNode | undefined = doc?.kind === 'object' ? doc.entries.find((e) => e.key.value === 'values')?.value : undefined;
  let keyLine: number | undefined;
  for (const a of 'accessors' in parsed ? parsed.accessors : []) {
    if (node?.kind === 'object') {
      const entry: ObjectEntry | undefined = node.entries.find((e) => e.key.value === (a.kind === 'name' ? a.name : String(a.index)));
      keyLine = entry?.key.range.start.line;
      node = entry?.value;
    } else if (node?.kind === 'array' && a.kind === 'subscript' && typeof a.index === 'number') {
      node = node.elements[a.index];
      keyLine = node?.range.start.line;
    } else node = undefined;
  }
  if (!node || keyLine === undefined) return `(${path} is not defined here: it comes from an imported environment)\n`;
  const lines = text.split('\n').slice(keyLine - 1, Math.max(keyLine, node.range.end.line - (node.range.end.column === 1 ? 1 : 0)));
  return lines.join('\n') + '\n';
}

function printWarnings(env: OpenedEnvironment, stderr: Writer, compact: boolean): void {
  const warnings = env.diagnostics.filter((d) => d.severity === 'warning');
  if (warnings.length > 0 && env.diagnostics.every((d) => d.severity === 'warning')) {
    stderr.write(renderDiagnostics(warnings, env.lookup, compact) + '\n');
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
