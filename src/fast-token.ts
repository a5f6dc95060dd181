// The warm path of `esc-kube token`: answer from the token tier of the cache without loading the
// CLI framework, the YAML parser, the AWS SDK or the signer. Anything it does not handle (a miss,
// --refresh, an unknown flag, a malformed request) falls through to the full command, which reports
// errors properly.

import { homedir } from 'node:os';
import { execCredentialJson } from './aws/exec-credential.js';
import { resolveTokenRequest } from './token-request.js';
import { CredentialCache } from './cache/credential-cache.js';
import { cacheDir, cacheDirProblem } from './cache/file-store.js';
import { cacheMode, selectStore } from './cache/select-store.js';
import { tokenKey } from './cache/token-key.js';
import { resolveEnvDir } from './env-dir.js';

const VALUE_FLAGS = new Set(['--env', '--cluster', '--cluster-id', '--region', '--credentials', '--sts-host', '--env-dir', '--cache']);
/** Flags without a value that do not change the answer (--verbose only changes how failures are told). */
const NEUTRAL_FLAGS = new Set(['--verbose']);

/** Parses `token` flags; undefined for anything the fast path leaves to the full CLI. */
export function parseTokenArgs(argv: readonly string[]): Record<string, string> | undefined {
  if (argv[0] !== 'token') return undefined;
  const flags: Record<string, string> = {};
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (eq < 0 && NEUTRAL_FLAGS.has(name)) continue;
    if (!VALUE_FLAGS.has(name) || name in flags) return undefined;
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') return undefined;
    flags[name] = value;
  }
  return flags;
}

/** What the fast path reads from the process. */
export interface FastTokenContext {
  environ: Readonly<Record<string, string | undefined>>;
  cwd: string;
  platform: NodeJS.Platform;
  now: () => Date;
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
  const flags = parseTokenArgs(argv);
  if (!flags) return 'declined';
  const mode = cacheMode(flags['--cache'], ctx.environ);
  if (typeof mode !== 'string' || mode === 'none') return 'declined';
  const { info, envName, clusterId, region } = resolveTokenRequest(
    { env: flags['--env'], cluster: flags['--cluster'], clusterId: flags['--cluster-id'], region: flags['--region'] },
    ctx.environ.KUBERNETES_EXEC_INFO,
  );
  if (!info || !envName || !clusterId) return 'declined';
  const home = homedir();
  const key = tokenKey({
    envName,
    envDir: resolveEnvDir(flags['--env-dir'], ctx.environ, ctx.cwd, home),
    clusterId,
    region,
    credentialsPath: flags['--credentials'],
    stsHost: flags['--sts-host'],
    environ: ctx.environ,
  });
  const dir = cacheDir(ctx.environ, home);
  // A directory someone else could write into is not read here; the full command says why.
  if (cacheDirProblem(dir)) return 'declined';
  // No notice here: a miss falls through to the full command, which stores and tells.
  const store = selectStore({ mode, dir, environ: ctx.environ, platform: ctx.platform });
  const entry = await new CredentialCache(store, dir, ctx.now).getToken(key, ctx.environ);
  if (!entry) return 'missed';
  if (info.warning) ctx.stderr.write(`esc-kube: warning: ${info.warning}\n`);
  ctx.stdout.write(execCredentialJson(info.apiVersion, entry.token, new Date(entry.expiration)) + '\n');
  return { served: 0 };
}
