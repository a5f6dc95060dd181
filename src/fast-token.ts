// The warm path of `esc-kube token`: answer from the token tier of the cache without loading the
// CLI framework, the YAML parser, the AWS SDK or the signer. It parses argv from the command's own
// option table (commands/token-options.ts). Anything it does not handle (a miss, --refresh, a flag
// commander would refuse, a malformed request) falls through to the full command, which reports
// errors properly.

import { execCredentialJson } from './aws/exec-credential.js';
import { resolveTokenRequest } from './token-request.js';
import type { CacheChoice } from './adapters/cache-setup.js';
import { resolveEnvDir } from './env-dir.js';
import { parseTokenArgv, tokenKeyFor } from './commands/token-options.js';
import type { Environ } from './environ.js';

/** The warm path's narrow view of the composition root. */
export interface FastTokenContext {
  environ: Environ;
  cwd: string;
  homedir: string;
  /** Opens the credential cache for a --cache flag, silently (the full command tells). */
  cache: (flag: string | undefined) => CacheChoice;
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

/**
 * What the fast path did: answered (`served`, with the exit status), looked in the token tier and found
 * nothing usable (`missed`: the full command need not look again before its lock), or did not look at
 * all (`declined`: the full command must read the cache itself).
 */
export type FastOutcome = { served: number } | 'missed' | 'declined';

/** Serves a cached token when the token tier has one. */
export async function cachedToken(argv: readonly string[], ctx: FastTokenContext): Promise<FastOutcome> {
  const flags = parseTokenArgv(argv);
  // --refresh asks for a new token: the full command makes it.
  if (!flags || flags.refresh) return 'declined';
  const { info, envName, clusterId, region, role } = resolveTokenRequest(flags, ctx.environ.KUBERNETES_EXEC_INFO);
  if (!info || !envName || !clusterId) return 'declined';
  // An invalid mode, no cache, or a directory someone else could write into: the full command says why.
  const choice = ctx.cache(flags.cache);
  if (choice.kind !== 'cache') return 'declined';
  const key = tokenKeyFor(flags, { envName, clusterId, region, role }, resolveEnvDir(flags.envDir, ctx.environ, ctx.cwd, ctx.homedir), ctx.environ);
  const entry = await choice.cache.getToken(key, ctx.environ);
  if (!entry) return 'missed';
  if (info.warning) ctx.stderr.write(`esc-kube: warning: ${info.warning}\n`);
  ctx.stdout.write(execCredentialJson(info.apiVersion, entry.token, new Date(entry.expiration)) + '\n');
  return { served: 0 };
}
