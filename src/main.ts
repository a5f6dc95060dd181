// The composition root, with root.ts: the only code that touches `process` directly. It keeps the warm
// path of `esc-kube token` small: a cache hit is answered by fast-token.js, given a narrow view of the
// process (its variables and places, and the credential cache), before the CLI framework, the YAML
// parser, the AWS SDK or the signer are loaded; everything else loads the full CLI and root.ts.

import { writeSync } from 'node:fs';
import type { Deps } from './deps.js';
import { chooseCredentialCache } from './adapters/cache-setup.js';
import type { Environ } from './environ.js';

/**
 * Imports a module for main: the full command's (specifiers relative to this module, as in dist/) or
 * Node's own. main.cjs compiled from V8's code cache cannot use import() itself (boot.ts).
 */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

const importModule: ModuleImporter = (specifier) => import(specifier);

/** Runs esc-kube with the given arguments; returns the exit status. */
export async function main(argv: readonly string[], deps?: Deps, importer: ModuleImporter = importModule): Promise<number> {
  const load = <T>(specifier: string) => importer(specifier) as Promise<T>;
  if (deps) return runWith(argv, deps, (await load<typeof import('./cli.js')>('./cli.js')).runCli);
  let tokenTierMissed = false;
  if (argv.includes('token')) {
    const { cachedToken } = await import('./fast-token.js');
    // The warm path only reads the variables (and $HOME is what os.homedir() would answer first).
    const environ: Environ = process.env;
    const home = environ.HOME || (await load<typeof import('node:os')>('node:os')).homedir();
    const outcome = await cachedToken(argv, {
      environ,
      cwd: process.cwd(),
      homedir: home,
      // Silent: a miss falls through to the full command, which stores and tells.
      cache: (flag) => chooseCredentialCache(flag, { environ, homedir: home, platform: process.platform, now: () => new Date() }),
      // Written straight to the descriptors: creating process.stdout's stream costs a hit ~2 ms.
      stdout: { write: (text: string) => writeFully(1, text) },
      stderr: { write: (text: string) => writeFully(2, text) },
    }).catch(() => 'declined' as const);
    if (typeof outcome === 'object') return outcome.served;
    tokenTierMissed = outcome === 'missed';
  }
  // The caller's variables, as they were: what commands see, and what `env run` passes on.
  const callerEnviron: Environ = { ...process.env };
  // kubectl shows everything a plugin writes to stderr; the AWS SDK's Node-version notice is noise there.
  // The SDK reads it from the process; no command passes it on.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [{ runCli }, { processDeps }] = await Promise.all([load<typeof import('./cli.js')>('./cli.js'), load<typeof import('./root.js')>('./root.js')]);
  // Only after a real miss on the warm path may the command skip its own read of the token tier (a
  // request the warm path declined, such as one with a flag it does not know, must still be looked up).
  try {
    return await runCli(argv, { ...processDeps(callerEnviron, chooseCredentialCache), tokenTierMissed });
  } catch (e) {
    if ((e as { code?: string }).code !== 'needs-deep-stack') throw e;
    // An environment nests deeper than this thread's stack can follow: the same command on a large stack.
    const { runOnDeepStack } = await load<typeof import('./adapters/deep-stack.js')>('./adapters/deep-stack.js');
    return runOnDeepStack(argv, callerEnviron);
  }
}

/** Runs the CLI with injected dependencies (tests); a deep environment runs again here, flagged as on a deep stack. */
async function runWith(argv: readonly string[], deps: Deps, runCli: typeof import('./cli.js').runCli): Promise<number> {
  try {
    return await runCli(argv, deps);
  } catch (e) {
    if ((e as { code?: string }).code !== 'needs-deep-stack' || deps.deepStack) throw e;
    return runCli(argv, { ...deps, deepStack: true });
  }
}

/** Writes all of `text` to a descriptor; a non-blocking pipe that is full is left to the stream. */
function writeFully(fd: 1 | 2, text: string): void {
  const bytes = Buffer.from(text);
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(fd, bytes, done);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    (fd === 1 ? process.stdout : process.stderr).write(bytes.subarray(done));
  }
}
