// What every command is given: the services the composition root's Deps make possible, built once per
// run (the store, the providers, the credential cache, opening and checking environments), and the
// run's outcome (exit status, compact messages). Commands translate argv; these services do the work.

import type { Deps } from '../deps.js';
import type { CredentialCache } from '../cache/credential-cache.js';
import { cachingStsClient } from '../cache/caching-sts.js';
import { environmentRegion } from '../aws/environment-credentials.js';
import { decryptSecret } from '../esc/local-secret.js';
import { resolveEnvDir } from '../env-dir.js';
import { EscKubeError } from '../errors.js';
import { DEEP_STACK_DEPTH, MAIN_STACK_DEPTH } from '../esc/limits.js';
import { loginSource } from '../login/login-source.js';
import type { LoginConfig } from '../login/oidc-login.js';
import type { OpenedSession, StsClient } from '../providers/aws-login.js';
import { cloudTimeoutMs, openInCloudIfThere } from '../pulumi/cloud.js';
import { LocalEnvironmentStore } from '../store/local-store.js';
import { openEnvironment, requireNoErrors, requireValues, type OpenEnvironmentDeps, type OpenedEnvironment } from '../use-cases/open-environment.js';
import { printWarnings } from './shared.js';
import { defined } from '../defined.js';

/** A login source and whether it is the only thing wanted (esc-kube login). */
export interface LoginChoice {
  source: (config: LoginConfig | undefined) => Promise<string | undefined>;
  only?: boolean;
}

/** The session tier to use: a wrapper, none (null), or the default cache's (undefined). */
export type SessionTier = ((sts: StsClient, endpoint: string) => StsClient) | null | undefined;

/** How to open: the STS session tier, the login, and the region the request names (for STS's endpoint). */
export interface OpenOptions {
  /** Receives the STS sessions that aws-login opens. */
  sessions?: OpenedSession[];
  wrapSts?: SessionTier;
  login?: LoginChoice;
  /** The region the request names (--region or the cluster's extension): esc-kube's STS calls go there. */
  region?: string;
}

/** The services and the run state that commands share. */
export interface CommandContext {
  readonly deps: Deps;
  /** The environment store's directory: --env-dir, else $ESC_KUBE_ENV_DIR, else the default. */
  envDir(): string;
  /** What opening needs: the store, the providers (with the given session tier and login), the context. */
  openDeps(options?: Omit<OpenOptions, 'wrapSts'> & { wrapSts?: (sts: StsClient, endpoint: string) => StsClient; regionOf?: string }): OpenEnvironmentDeps;
  /** Opens an environment (from Pulumi Cloud when it is there), printing warnings and failing on errors. */
  open(name: string, options?: OpenOptions): Promise<OpenedEnvironment>;
  /** Opens an environment as `open` does, but hands back its diagnostics instead of printing or failing on them (doctor). */
  openUnchecked(name: string, options?: OpenOptions): Promise<OpenedEnvironment>;
  /** Evaluates as upstream's CheckEnvironment: no provider is invoked, so no credentials or network are needed. */
  check(name: string, showSecrets?: boolean): Promise<OpenedEnvironment>;
  /** Prints an environment's warnings and fails on its errors or when it is empty. */
  usable(env: OpenedEnvironment): OpenedEnvironment;
  /** The credential cache for --cache / $ESC_KUBE_CACHE, or undefined for none (or an untrusted directory). */
  credentialCache(flag: string | undefined): CredentialCache | undefined;
  /** What logins need: the Deps, and where to tell the person. */
  readonly loginDeps: Deps & { notify: (m: string) => void };
  /** Sets the run's exit status (env run passes its command's on; env check fails on errors). */
  setExitCode(code: number): void;
  /** Keeps messages to one line per finding (token: kubectl shows a plugin's stderr as is). */
  setCompact(): void;
  readonly compact: boolean;
}

/** The program's global options, as parsed. */
export interface GlobalOptions {
  envDir?: string;
  backend?: 'local' | 'pulumi';
}

/** Builds the services of one run; `globals` reads the global options once argv is parsed. */
export function createCommandContext(deps: Deps, globals: () => GlobalOptions): CommandContext & { readonly exitCode: number } {
  let exitCode = 0;
  let compact = false;
  let untrustedNoted = false;
  const envDir = () => resolveEnvDir(globals().envDir, deps.environ, deps.cwd, deps.homedir);
  const openInCloud = (name: string): Promise<OpenedEnvironment | undefined> =>
    openInCloudIfThere(name, globals().backend, {
      environ: deps.environ,
      homedir: deps.homedir,
      readText: deps.readText,
      fetch: deps.fetch,
      sleep: deps.sleep,
      clock: () => deps.now().getTime(),
      deadline: deps.deadline,
      timeoutMs: cloudTimeoutMs(deps.environ),
    });
  const loginDeps = { ...deps, notify: (m: string) => deps.stderr.write(`esc-kube: ${m}\n`) };
  const openDeps: CommandContext['openDeps'] = ({ sessions, wrapSts, login, region, regionOf } = {}) => {
    const user = deps.environ.USER ?? deps.environ.LOGNAME ?? 'unknown';
    // The environment's own region, for STS, read offline (check mode opens nothing) and only when an
    // STS call is about to be made: most opens never need it, and it costs an evaluation.
    const environmentRegionOf =
      regionOf === undefined
        ? undefined
        : // A pass that fails (an environment too deep for this stack, say) only leaves the region to the process.
          async () => environmentRegion((await openEnvironment(regionOf, { ...openDeps(), mode: 'check' }).catch(() => undefined))?.exported);
    const providers = deps.providers({
      environ: deps.environ,
      now: deps.now,
      ...defined({ sessions: sessions && { record: (s: OpenedSession) => sessions.push(s) }, wrapSts, login: login?.source, loginOnly: login?.only, region, environmentRegion: environmentRegionOf }),
    });
    return {
      store: new LocalEnvironmentStore(envDir(), deps.fs, localDecrypter),
      providers,
      context: { pulumi: { user: { id: user, login: user } } },
      maxDepth: deps.deepStack ? DEEP_STACK_DEPTH : MAIN_STACK_DEPTH,
      handOnWhenTooDeep: !deps.deepStack,
    };
  };
  // The environments key is read only when a ciphertext is met.
  const localDecrypter = { decrypt: async (payload: Uint8Array) => Buffer.from(decryptSecret(await deps.envKey.get(), payload), 'utf8') };
  const credentialCache: CommandContext['credentialCache'] = (flag) => {
    const choice = deps.cache(flag);
    switch (choice.kind) {
      case 'invalid':
        throw new EscKubeError('usage', choice.error);
      case 'off':
        return undefined;
      case 'untrusted':
        if (!untrustedNoted) deps.stderr.write(`esc-kube: note: not using the credential cache: ${choice.problem}\n`);
        untrustedNoted = true;
        return undefined;
      case 'cache':
        return choice.cache;
    }
  };
  const usable = (env: OpenedEnvironment): OpenedEnvironment => {
    printWarnings(env, deps.stderr, compact);
    requireNoErrors(env);
    requireValues(env);
    return env;
  };
  const ctx = {
    deps,
    loginDeps,
    envDir,
    openDeps,
    credentialCache,
    usable,
    async open(name: string, options: OpenOptions = {}) {
      return usable(await ctx.openUnchecked(name, options));
    },
    async openUnchecked(name: string, { sessions, wrapSts, login, region }: OpenOptions = {}) {
      // The default cache (one lookup), for what the caller did not bring: every command reuses cached
      // STS sessions and logins, as token does (env run would otherwise call STS each time).
      const cache = wrapSts === undefined || login === undefined ? credentialCache(undefined) : undefined;
      const sessionTier =
        wrapSts !== undefined ? (wrapSts ?? undefined) : cache ? (sts: StsClient, endpoint: string) => cachingStsClient(sts, cache, { endpoint, refresh: false, env: name }) : undefined;
      const loginFor = login ?? { source: loginSource(loginDeps, { cache, interactive: deps.stdinIsTTY, device: false, env: name }) };
      return (await openInCloud(name)) ?? (await openEnvironment(name, openDeps({ ...defined({ sessions, wrapSts: sessionTier, region }), login: loginFor, regionOf: name })));
    },
    async check(name: string, showSecrets = false) {
      return (await openInCloud(name)) ?? (await openEnvironment(name, { ...openDeps(), mode: 'check', showSecrets }));
    },
    setExitCode: (code: number) => void (exitCode = code),
    setCompact: () => void (compact = true),
    get compact() {
      return compact;
    },
    get exitCode() {
      return exitCode;
    },
  };
  return ctx;
}
