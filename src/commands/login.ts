// esc-kube login [--env ENV] [--device] and esc-kube logout [--env ENV]: the laptop login, ahead of time.

import type { Command } from 'commander';
import { configDir } from '../env-dir.js';
import { EscKubeError } from '../errors.js';
import { loginSource } from '../login/login-source.js';
import type { CommandContext } from './context.js';
import { CACHE_HELP } from './options.js';
import { plural } from '../text.js';
import type { Environ } from '../environ.js';

/** What login was asked: the environment whose oidc.login to use (else the config file's), and how. */
export interface LoginInput {
  env: string | undefined;
  device: boolean;
  cache: string | undefined;
}

/** Maps argv to the input. */
export function loginInput(opts: { env?: string; device?: boolean; cache?: string }): LoginInput {
  return { env: opts.env, device: opts.device ?? false, cache: opts.cache };
}

/** The config file of the laptop login. */
export function loginConfigFile(environ: Environ, homedir: string): string {
  return `${configDir(environ, homedir)}/config.yaml`;
}

/** Registers `login` and `logout`. */
export function registerLogin(program: Command, ctx: CommandContext): void {
  const { deps } = ctx;
  program
    .command('login')
    .description('log in to the identity provider of an environment\'s aws-login (oidc.login) ahead of time')
    .addHelpText('after', `\nExamples:\n  $ esc-kube login                     # the login of ~/.config/esc-kube/config.yaml\n  $ esc-kube login --env aws-sandbox\n  $ esc-kube login --env aws-sandbox --device\n`)
    .option('--env <env>', 'environment whose oidc.login to use (default: the login of ~/.config/esc-kube/config.yaml)')
    .option('--device', 'use the device authorization grant instead of a browser')
    .option('--cache <mode>', CACHE_HELP)
    .action(async (opts: { env?: string; device?: boolean; cache?: string }) => {
      const input = loginInput(opts);
      const issuers: string[] = [];
      const source = loginSource(ctx.loginDeps, { cache: ctx.credentialCache(input.cache), interactive: true, device: input.device, env: input.env ?? '', done: (i) => issuers.push(i) });
      if (input.env === undefined) {
        // No environment: the login of the config file, as the help says.
        if ((await source(undefined)) === undefined) {
          throw new EscKubeError('usage', `login needs --env ENV (an environment with aws-login oidc.login), or a login section in ${loginConfigFile(deps.environ, deps.homedir)}`);
        }
      } else {
        await ctx.open(input.env, { login: { source, only: true } });
        if (issuers.length === 0) throw new EscKubeError('usage', `environment ${JSON.stringify(input.env)} has no aws-login oidc to log in for`);
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
      const c = ctx.credentialCache(opts.cache);
      const n = c ? await c.clear((m) => m.kind === 'login' && (opts.env === undefined || m.env === opts.env)) : 0;
      deps.stderr.write(`esc-kube: forgot ${plural(n, 'login')}\n`);
    });
}
