// What the CLI needs from the outside world, as the composition root (root.ts) or a test builds it.

import type { CacheChoice } from './adapters/cache-setup.js';
import type { Environ } from './environ.js';
import type { ProviderRegistry } from './esc/eval.js';
import type { CallbackListener } from './login/oidc-login.js';
import type { ProviderSetup } from './providers/registry.js';
import type { EnvironmentFiles, StoreFs } from './store/local-store.js';
import type { StsEndpointSettings } from './aws/endpoints.js';
import type { RoleChainer } from './aws/role-chain.js';
import type { IdentityClient } from './aws/identity.js';
import type { EnvironmentsKey } from './esc/local-secret.js';
import type { EksClient, KubeconfigFile } from './use-cases/generate-kubeconfig.js';
import type { CommandRunner, PrivateFiles } from './use-cases/run-in-environment.js';

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
  /** STS in a region, for role chaining (token --role-arn) and doctor's identity check. */
  sts: (region: string, settings: StsEndpointSettings) => RoleChainer & IdentityClient;
  /** The user's environments key, for secrets in local environments. */
  envKey: EnvironmentsKey;
  /** Random bytes (nonces). */
  random: (n: number) => Buffer;
  /** Writes environment files (env init, set, rm). */
  environmentFiles: EnvironmentFiles;
  /** Reads all of stdin (a value given as "-"). */
  readStdin: () => Promise<string>;
  /** Asks a question on stderr and reads one line of stdin; undefined at its end or on an interrupt. */
  prompt: (question: string) => Promise<string | undefined>;
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
