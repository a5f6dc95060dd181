// The composition root: the only code that touches `process` directly. It keeps the warm path of
// `esc-kube token` small: a cache hit is answered by fast-token.js before the CLI framework, the YAML
// parser, the AWS SDK or the signer are loaded; everything else loads the full CLI.

import type { Deps } from './cli.js';

/** Runs esc-kube with the given arguments; returns the exit status. */
export async function main(argv: readonly string[], deps?: Deps): Promise<number> {
  // The caller's variables, as they were: what commands see, and what `env run` passes on.
  const callerEnviron: Readonly<Record<string, string | undefined>> = { ...process.env };
  // kubectl shows everything a plugin writes to stderr; the AWS SDK's Node-version notice is noise there.
  // The SDK reads it from the process; no command passes it on.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let tokenTierMissed = false;
  if (!deps && argv[0] === 'token') {
    const { cachedToken } = await import('./fast-token.js');
    const outcome = await cachedToken(argv, {
      environ: callerEnviron,
      cwd: process.cwd(),
      platform: process.platform,
      now: () => new Date(),
      stdout: process.stdout,
      stderr: process.stderr,
    }).catch(() => 'declined' as const);
    if (typeof outcome === 'object') return outcome.served;
    tokenTierMissed = outcome === 'missed';
  }
  const [{ runCli }, { processDeps }] = await Promise.all([import('./cli.js'), import('./process-deps.js')]);
  // Only after a real miss on the warm path may the command skip its own read of the token tier (a
  // request the warm path declined, such as one with a flag it does not know, must still be looked up).
  const run = deps ?? { ...processDeps(callerEnviron), tokenTierMissed };
  try {
    return await runCli(argv, run);
  } catch (e) {
    if ((e as { code?: string }).code !== 'needs-deep-stack') throw e;
    // An environment nests deeper than this thread's stack can follow: the same command on a large stack.
    if (deps) return runCli(argv, { ...deps, deepStack: true });
    const { runOnDeepStack } = await import('./deep-stack.js');
    return runOnDeepStack(new URL('./deep-worker.js', import.meta.url), argv, callerEnviron);
  }
}

