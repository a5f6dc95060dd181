// esc-kube cache ls and cache clear: the credential cache's entries (never a secret).

import type { Command } from 'commander';
import type { CacheMeta } from '../cache/credential-cache.js';
import type { CommandContext } from './context.js';
import { CACHE_HELP } from './options.js';
import { table } from './shared.js';
import { plural } from '../text.js';

const CACHE_OFF = 'the credential cache is off (--cache none or $ESC_KUBE_CACHE=none)';

/** The table cache ls prints: one row an entry, the secret parts never among them. */
export function cacheRows(entries: readonly CacheMeta[]): string {
  const rows = entries.map((m) => [m.key, m.kind, m.env ?? '-', m.kind === 'token' ? (m.cluster ?? '-') : (m.role ?? '-'), m.region ?? '-', m.expires, m.store]);
  return table([['KEY', 'KIND', 'ENVIRONMENT', 'CLUSTER/ROLE', 'REGION', 'EXPIRES', 'STORE'], ...rows]);
}

/** Which entries cache clear removes: all, or those of one environment. */
export function clearFilter(opts: { env?: string }): ((m: CacheMeta) => boolean) | undefined {
  return opts.env === undefined ? undefined : (m) => m.env === opts.env;
}

/** Registers `cache ls` and `cache clear`. */
export function registerCache(program: Command, ctx: CommandContext): void {
  const { deps } = ctx;
  const cache = program.command('cache').description('the credential cache (tokens and STS sessions, encrypted in files; the key in the OS keychain)');
  cache
    .command('ls')
    .description('list cached entries: key, kind, environment, cluster, expiry and store (never a secret)')
    .addHelpText('after', `\nExamples:\n  $ esc-kube cache ls\n  $ esc-kube cache ls --cache file\n`)
    .option('--cache <mode>', CACHE_HELP)
    .action(async (opts: { cache?: string }) => {
      const c = ctx.credentialCache(opts.cache);
      if (!c) return void deps.stderr.write(`esc-kube: ${CACHE_OFF}\n`);
      deps.stdout.write(cacheRows(await c.list()));
    });
  cache
    .command('clear')
    .description('remove cached tokens and sessions (all, or those of one environment)')
    .addHelpText('after', `\nExamples:\n  $ esc-kube cache clear\n  $ esc-kube cache clear --env aws-sandbox\n`)
    .option('--env <env>', 'only the entries made for this environment')
    .option('--cache <mode>', CACHE_HELP)
    .action(async (opts: { env?: string; cache?: string }) => {
      const c = ctx.credentialCache(opts.cache);
      if (!c) return void deps.stderr.write(`esc-kube: ${CACHE_OFF}\n`);
      const n = await c.clear(clearFilter(opts));
      deps.stderr.write(`esc-kube: removed ${plural(n, 'cache entry', 'cache entries')}\n`);
    });
}
