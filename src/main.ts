// The composition root: the only module that touches `process`, the clock, the file system and the
// network directly. It builds the real adapters and hands them to the CLI.

import { readdir, readFile, stat } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { runCli, type Deps, type Environ } from './cli.js';
import { processRunner } from './adapters/process-runner.js';
import { privateFiles } from './adapters/private-files.js';
import { realProviders } from './providers/registry.js';
import { VERSION } from './version.js';

/** Builds the real dependencies from the running process. */
export function processDeps(): Deps {
  // kubectl shows everything a plugin writes to stderr; the AWS SDK's Node-version notice is noise there.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    environ: process.env as Environ,
    cwd: process.cwd(),
    homedir: homedir(),
    fs: { stat, readFile, readdir: (p) => readdir(p, { withFileTypes: true }) },
    runner: processRunner(process),
    files: privateFiles(tmpdir()),
    now: () => new Date(),
    providers: realProviders,
    version: VERSION,
  };
}

/** Runs esc-kube with the given arguments; returns the exit status. */
export async function main(argv: readonly string[], deps: Deps = processDeps()): Promise<number> {
  return runCli(argv, deps);
}
