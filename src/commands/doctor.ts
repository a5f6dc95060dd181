// esc-kube doctor: what is wrong, one line a check (ok, warn, fail), each failure with what to do;
// --output json for scripts. The checks are the use case's (use-cases/diagnose.ts); this file maps the
// options and builds their view of the process: the store, the cache, the keychain, the kubeconfigs.

import { Option, type Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { basename, isAbsolute, resolve } from 'node:path';
import { stsEndpointSettings } from '../aws/endpoints.js';
import { cacheMode, DATA_KEY_NAME } from '../adapters/select-store.js';
import { LocalEnvironmentStore } from '../store/local-store.js';
import { openEnvironment } from '../use-cases/open-environment.js';
import { diagnose, type Check, type CacheView, type DoctorInput, type KubeconfigUser } from '../use-cases/diagnose.js';
import type { OpenedSession } from '../providers/aws-login.js';
import type { CommandContext } from './context.js';
import { CACHE_HELP } from './options.js';
import type { Environ } from '../environ.js';
import { defined } from '../defined.js';

/** doctor's options, as commander parses them. */
export interface DoctorOptions {
  env?: string;
  cluster?: string;
  region?: string;
  roleArn?: string;
  kubeconfig?: string;
  output: 'text' | 'json';
  cache?: string;
}

/** Maps the options to the use case's input: the kubeconfigs are --kubeconfig, else $KUBECONFIG's files, else ~/.kube/config. */
export function doctorInput(opts: DoctorOptions, at: { environ: Environ; cwd: string; homedir: string }): DoctorInput {
  const files = opts.kubeconfig !== undefined ? [opts.kubeconfig] : (at.environ.KUBECONFIG ?? '').split(':').filter((p) => p !== '');
  const kubeconfigs = (files.length > 0 ? files : [`${at.homedir}/.kube/config`]).map((f) => (isAbsolute(f) ? f : resolve(at.cwd, f)));
  return { kubeconfigs, ...defined({ env: opts.env || undefined, cluster: opts.cluster || undefined, region: opts.region || undefined, roleArn: opts.roleArn || undefined }) };
}

/** The findings as lines: status, check, detail; the fix indented below a warn or a fail. */
export function doctorLines(checks: readonly Check[]): string {
  return checks.map((c) => `${c.status.padEnd(4)}  ${c.check.padEnd(12)} ${c.detail}\n${c.fix ? `      ${''.padEnd(12)} → ${c.fix}\n` : ''}`).join('');
}

/** The kubeconfig users whose exec runs esc-kube, and the clusters' extension environments for them. */
export function esckubeUsers(file: string, text: string): KubeconfigUser[] {
  const doc = (parseYaml(text) ?? {}) as { users?: unknown; contexts?: unknown; clusters?: unknown };
  const list = (x: unknown) => (Array.isArray(x) ? (x as Record<string, unknown>[]) : []);
  const clusters = new Map(list(doc.clusters).map((c) => [String(c.name), (c.cluster ?? {}) as { extensions?: unknown }]));
  const out: KubeconfigUser[] = [];
  for (const u of list(doc.users)) {
    const exec = ((u.user ?? {}) as { exec?: { command?: unknown; apiVersion?: unknown; args?: unknown } }).exec;
    if (!exec || typeof exec.command !== 'string' || !/^esc-kube(\.cmd)?$/.test(basename(exec.command))) continue;
    const name = String(u.name);
    const extensionEnvs = list(doc.contexts)
      .map((c) => (c.context ?? {}) as { user?: unknown; cluster?: unknown })
      .filter((c) => c.user === name)
      .flatMap((c) => list(clusters.get(String(c.cluster))?.extensions))
      .map((e) => (e.extension as { env?: unknown } | undefined)?.env)
      .filter((e): e is string => typeof e === 'string' && e !== '');
    out.push({ file, name, apiVersion: typeof exec.apiVersion === 'string' ? exec.apiVersion : '', args: Array.isArray(exec.args) ? exec.args.map(String) : [], extensionEnvs });
  }
  return out;
}

/** Registers `doctor`. */
export function registerDoctor(program: Command, ctx: CommandContext): void {
  const { deps } = ctx;
  program
    .command('doctor')
    .description('check the environment, the credentials and who STS says they are, the clock, the cache, the keychain and the kubeconfig entries that run esc-kube (and with --cluster, a token, the cluster and its access entries); one line a check')
    .addHelpText('after', `\nExamples:\n  $ esc-kube doctor\n  $ esc-kube doctor --env aws-sandbox --cluster demo\n  $ esc-kube doctor --env aws-sandbox --output json\n`)
    .option('--env <env>', 'the environment to check (its credentials, identity and clock)')
    .option('--cluster <name>', 'also make a token for this EKS cluster and check the cluster and its access entries')
    .option('--region <region>', "AWS region (default: the environment's)")
    .option('--role-arn <arn>', 'the role the token chains to, as token --role-arn')
    .option('--kubeconfig <file>', 'the kubeconfig to look through (default: the files of $KUBECONFIG, else ~/.kube/config)')
    .addOption(new Option('--output <format>', 'text, or json for scripts').choices(['text', 'json']).default('text'))
    .option('--cache <mode>', CACHE_HELP)
    .action(async (opts: DoctorOptions) => {
      const input = doctorInput(opts, { environ: deps.environ, cwd: deps.cwd, homedir: deps.homedir });
      const sts = (region: string) => deps.sts(region, stsEndpointSettings(deps.environ));
      const checks = await diagnose(input, {
        environ: deps.environ,
        now: deps.now,
        envDir: ctx.envDir(),
        listEnvironments: async (dir) => ((await isDirectory(deps, dir)) ? new LocalEnvironmentStore(dir, deps.fs).list() : undefined),
        open: async (name) => {
          const sessions: OpenedSession[] = [];
          const env = await ctx.openUnchecked(name, { sessions, ...defined({ region: input.region }) });
          return { env, sessions };
        },
        checkIn: (dir, name) => openEnvironment(name, { ...ctx.openDeps(), store: new LocalEnvironmentStore(dir, deps.fs), mode: 'check' }),
        identity: sts,
        chain: sts,
        eks: deps.eks(deps.environ),
        cache: () => cacheView(ctx, opts.cache),
        kubeconfigUsers: async (files) => {
          const users: KubeconfigUser[] = [];
          const unreadable: { file: string; why: string }[] = [];
          for (const file of files) {
            const text = await deps.readText(file);
            if (text === undefined) continue;
            try {
              users.push(...esckubeUsers(file, text));
            } catch (e) {
              unreadable.push({ file, why: `not a kubeconfig: ${(e as Error).message.split('\n')[0]}` });
            }
          }
          return { users, unreadable };
        },
        dirExists: (path) => isDirectory(deps, path),
      });
      if (opts.output === 'json') deps.stdout.write(JSON.stringify({ checks }, null, 2) + '\n');
      else deps.stdout.write(doctorLines(checks));
      if (checks.some((c) => c.status === 'fail')) ctx.setExitCode(1);
    });
}

async function isDirectory(deps: CommandContext['deps'], path: string): Promise<boolean> {
  try {
    return (await deps.fs.stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The cache and the keychain behind it, as doctor reports them; the keychain is asked for the cache key once. */
async function cacheView(ctx: CommandContext, flag: string | undefined): Promise<CacheView> {
  const { deps } = ctx;
  const mode = cacheMode(flag, deps.environ);
  const choice = deps.cache(flag);
  if (choice.kind === 'off') return { kind: 'off', why: flag !== undefined ? '--cache none' : '$ESC_KUBE_CACHE=none' };
  if (choice.kind === 'untrusted') return { kind: 'problem', problem: choice.problem };
  if (choice.kind === 'invalid') return { kind: 'problem', problem: choice.error };
  const cache = choice.cache;
  const entries = await cache.list();
  const label = `${cache.dir}, sealed with the key in ${cache.keys.kind === 'keychain' ? cache.keys.label : `the file ${DATA_KEY_NAME}.key`}`;
  if (mode === 'file') return { kind: 'cache', label, entries, keychain: { kind: 'unused', why: flag !== undefined ? '--cache file' : '$ESC_KUBE_CACHE=file' } };
  const key = await cache.keys.get();
  // Asked for the key, the store has used the keychain or fallen back to the key file, and says why.
  const keychain =
    cache.keys.kind === 'keychain'
      ? { kind: 'reachable' as const, label: cache.keys.label, hasKey: key !== undefined }
      : { kind: 'unreachable' as const, why: cache.keys.unavailable ?? 'the OS keychain did not answer' };
  return { kind: 'cache', label, entries, keychain };
}
