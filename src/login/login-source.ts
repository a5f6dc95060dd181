// The interactive login as aws-login's fifth token source: the environment's `oidc.login`, else the
// `login` of esc-kube's config file ($XDG_CONFIG_HOME/esc-kube/config.yaml).

import { configDir } from '../env-dir.js';
import { parse as parseYaml } from 'yaml';
import { EscKubeError } from '../errors.js';
import type { CredentialCache } from '../cache/credential-cache.js';
import { loginIdToken, LoginError, type LoginConfig, type LoginDeps } from './oidc-login.js';
import type { Environ } from '../environ.js';
import { defined } from '../defined.js';

/** What a login source needs from the outside world. */
export interface LoginSourceDeps {
  environ: Environ;
  homedir: string;
  now: () => Date;
  notify: (message: string) => void;
  browser: LoginDeps['browser'];
  readText: (path: string) => Promise<string | undefined>;
  loginListener: LoginDeps['listener'];
  deadline: LoginDeps['deadline'];
}

/** How this call may log in. */
export interface LoginSourceOptions {
  cache: CredentialCache | undefined;
  interactive: boolean;
  device: boolean;
  env: string;
  /** Told the issuer of each login that succeeded (for `esc-kube login`). */
  done?: (issuer: string) => void;
}

/** The default time a person has to finish a login. */
export const LOGIN_TIMEOUT_SECONDS = 180;

/** The time a person has to finish a login: $ESC_KUBE_LOGIN_TIMEOUT seconds, else 180 s. */
export function loginTimeoutMs(environ: Environ): number {
  const seconds = Number(environ.ESC_KUBE_LOGIN_TIMEOUT ?? LOGIN_TIMEOUT_SECONDS);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : LOGIN_TIMEOUT_SECONDS) * 1000;
}

/** A token source for aws-login: an ID token from a login, or undefined when no login is configured. */
export function loginSource(deps: LoginSourceDeps, opts: LoginSourceOptions): (config: LoginConfig | undefined) => Promise<string | undefined> {
  return async (config) => {
    const cfg = config ?? (await loginFromConfigFile(deps));
    if (!cfg) return undefined;
    try {
      const idToken = await loginIdToken(cfg, {
        cache: opts.cache,
        now: deps.now,
        notify: deps.notify,
        browser: deps.browser,
        interactive: opts.interactive,
        device: opts.device,
        timeoutMs: loginTimeoutMs(deps.environ),
        env: opts.env,
        listener: deps.loginListener,
        deadline: deps.deadline,
      });
      opts.done?.(cfg.issuer);
      return idToken;
    } catch (e) {
      if (e instanceof LoginError) throw new Error(`login: ${e.message}`);
      throw e;
    }
  };
}

/** The `login` section of esc-kube's config file, if there is one. */
export async function loginFromConfigFile(deps: Pick<LoginSourceDeps, 'environ' | 'homedir' | 'readText'>): Promise<LoginConfig | undefined> {
  const file = `${configDir(deps.environ, deps.homedir)}/config.yaml`;
  const text = await deps.readText(file);
  if (text === undefined) return undefined;
  let login: unknown;
  try {
    login = (parseYaml(text) as { login?: unknown } | null)?.login;
  } catch (e) {
    throw new EscKubeError('usage', `${file} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (login === undefined || login === null) return undefined;
  const l = login as Partial<LoginConfig>;
  if (typeof l.issuer !== 'string' || typeof l.clientId !== 'string') throw new EscKubeError('usage', `${file}: login needs issuer and clientId`);
  return { issuer: l.issuer, clientId: l.clientId, ...defined({ scopes: Array.isArray(l.scopes) ? l.scopes.map(String) : undefined, listen: typeof l.listen === 'string' ? l.listen : undefined }) };
}
