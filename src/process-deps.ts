// The real dependencies of the CLI, built from the running process (part of the composition root).

import { readdir, readFile, stat } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import type { Deps, Environ } from './cli.js';
import { processRunner } from './adapters/process-runner.js';
import { privateFiles } from './adapters/private-files.js';
import { realProviders } from './providers/registry.js';
import { VERSION } from './version.js';

/** Builds the real dependencies from the running process. */
export function processDeps(): Deps {
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
    platform: process.platform,
  };
}
