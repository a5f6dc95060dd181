// The real dependencies of the CLI, built from the running process (part of the composition root).

import { readdir, readFile, stat } from 'node:fs/promises';
import { sdkEksClient } from './adapters/eks-client.js';
import { systemBrowser } from './adapters/browser.js';
import { EscKubeError, describeSystemError } from './errors.js';
import { homedir, tmpdir } from 'node:os';
import type { Deps, Environ } from './cli.js';
import { processRunner } from './adapters/process-runner.js';
import { kubeconfigFile } from './adapters/kubeconfig-file.js';
import { processIsAlive } from './cache/file-lock.js';
import { privateFiles } from './adapters/private-files.js';
import { realProviders } from './providers/registry.js';
import { VERSION } from './version.js';

/** Builds the real dependencies from the running process. */
export function processDeps(environ: Environ = process.env): Deps {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    environ,
    cwd: process.cwd(),
    homedir: homedir(),
    fs: { stat, readFile, readdir: (p) => readdir(p, { withFileTypes: true }) },
    runner: processRunner(process),
    files: privateFiles(tmpdir()),
    now: () => new Date(),
    providers: realProviders,
    version: VERSION,
    platform: process.platform,
    eks: sdkEksClient,
    readText: async (path) => {
      try {
        return await readFile(path, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new EscKubeError('kubeconfig', `could not read ${path}: ${describeSystemError(e)}`, { cause: e });
      }
    },
    browser: systemBrowser(environ, process.platform),
    stdinIsTTY: process.stdin.isTTY === true,
    fetch: globalThis.fetch,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    kubeconfig: kubeconfigFile({ isAlive: processIsAlive, sleep: (ms) => new Promise((r) => setTimeout(r, ms)), now: () => Date.now() }),
  };
}
